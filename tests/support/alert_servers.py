"""Real servers on loopback that receive alerts: SMTP (aiosmtpd, optionally with STARTTLS and
a login) and an HTTP endpoint standing in for a Teams or Slack incoming webhook."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    subject: str
    text: str  # the body as a person reads it (HTML unescaped)
    tls: bool
    authenticated: bool


@dataclass
class SmtpServer:
    host: str
    port: int
    mails: list[Mail] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return {"FOOTPRINT_ALERT_SMTP_HOST": self.host, "FOOTPRINT_ALERT_SMTP_PORT": str(self.port),
                "FOOTPRINT_ALERT_SMTP_FROM": "footprint@example.org",
                "FOOTPRINT_ALERT_EMAIL_TO": "iro-service@example.org, data-team@example.org", **extra}


class _Collect:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        import html
        import re

        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        part = message.get_body(preferencelist=("html", "plain"))
        body = part.get_content() if part is not None else ""
        pre = re.search(r"<pre[^>]*>(.*)</pre>", body, re.DOTALL)
        self.server.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), str(message["Subject"]),
                                      html.unescape(pre.group(1) if pre else body),
                                      smtp._tls_protocol is not None, bool(session.authenticated)))
        return "250 OK"


@contextlib.contextmanager
def smtp_server(tls: tuple[Path, Path] | None = None, login: tuple[str, str] | None = None) -> Iterator[SmtpServer]:
    """An SMTP server on loopback. `tls`: (cert, key) to offer STARTTLS; `login`: the one accepted."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    server = SmtpServer(LOOPBACK, free_port())
    options: dict = {}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        options.update(tls_context=context, require_starttls=True)
    if login:
        def authenticate(smtp, session, envelope, mechanism, auth_data) -> AuthResult:
            ok = (auth_data.login.decode(), auth_data.password.decode()) == login
            return AuthResult(success=ok, handled=False)

        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=True)
    controller = Controller(_Collect(server), hostname=LOOPBACK, port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, to be trusted through SSL_CERT_FILE."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "footprint test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class WebhookServer:
    url: str
    bodies: list[dict] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {"FOOTPRINT_ALERT_WEBHOOK_URL": self.url}

    def texts(self) -> list[str]:
        return [b["text"] for b in self.bodies]


@contextlib.contextmanager
def webhook_server() -> Iterator[WebhookServer]:
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            length = int(self.headers.get("Content-Length", 0))
            assert self.headers.get("Content-Type") == "application/json"
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"1")  # what Slack and Teams answer

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield WebhookServer(f"http://{LOOPBACK}:{httpd.server_address[1]}/hooks/footprint", received)
    finally:
        httpd.shutdown()
        httpd.server_close()
