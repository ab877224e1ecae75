"""Email through Airflow's SMTP provider, configured by FOOTPRINT_ALERT_SMTP_* rather than an
Airflow connection, and encrypted with STARTTLS wherever the server offers it.

The provider's hook reads its settings from a connection and always asks for STARTTLS
(unless told never to): `_SettingsSmtpHook` hands it a connection built from our settings and
asks the connected server whether it offers STARTTLS first. Port 465 is implicit TLS.
A password is never sent over a connection that is not encrypted.
"""

from __future__ import annotations

import html
import json
from typing import Any

from airflow.providers.smtp.hooks.smtp import SmtpHook
from airflow.sdk import Connection

from footprint.alerts.message import Alert
from footprint.alerts.settings import AlertSettings
from footprint.errors import FootprintError

IMPLICIT_TLS_PORT = 465
TIMEOUT_SECONDS = 20


class _SettingsSmtpHook(SmtpHook):
    def __init__(self, settings: AlertSettings) -> None:
        super().__init__(smtp_conn_id="footprint_alerts")
        self._settings = settings

    def get_connection(self, conn_id: str) -> Connection:  # type: ignore[override]
        s = self._settings
        extra = {
            "disable_ssl": s.smtp_port != IMPLICIT_TLS_PORT,
            "timeout": TIMEOUT_SECONDS,
            "retry_limit": 1,
            "from_email": s.smtp_from,
        }
        return Connection(conn_id=conn_id, conn_type="smtp", host=s.smtp_host, port=s.smtp_port,
                          login=s.smtp_user, password=s.smtp_password, extra=json.dumps(extra))

    @property
    def smtp_starttls(self) -> bool:
        """Read by the hook just after connecting: upgrade where the server offers it."""
        client: Any = self._smtp_client
        if self.use_ssl:
            return False
        client.ehlo_or_helo_if_needed()
        offered = bool(client.has_extn("starttls"))
        if not offered and self._settings.smtp_password:
            client.close()
            raise FootprintError(f"{self._settings.smtp_host} does not offer STARTTLS: the SMTP password "
                                 "is not sent unencrypted (use port 465 or a server with STARTTLS)")
        return offered


def send_email(alert: Alert, settings: AlertSettings) -> None:
    body = f"<pre style=\"font-family: sans-serif; white-space: pre-wrap\">{html.escape(alert.text())}</pre>"
    with _SettingsSmtpHook(settings) as smtp:
        smtp.send_email_smtp(to=list(settings.email_to), from_email=settings.smtp_from,
                             subject=alert.subject, html_content=body)
