"""Delivering an alert: the log always, then email and the webhook where they are configured.

A channel that fails is logged and the others still go: an alert must never change the
outcome of the task that raised it, nor hide the failure it reports.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from footprint.alerts.message import Alert
from footprint.alerts.settings import AlertSettings, alert_settings

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 10


def deliver(alert: Alert, settings: AlertSettings | None = None) -> list[str]:
    """Send `alert` everywhere it is configured to go; return the channels that took it."""
    settings = settings or alert_settings()
    log.log(logging.ERROR if alert.urgent else logging.INFO, "alert: %s\n%s", alert.subject, alert.text())
    delivered = ["log"]
    if settings.email:
        try:
            from footprint.alerts.smtp import send_email

            send_email(alert, settings)
            delivered.append("email")
        except Exception as exc:  # noqa: BLE001 - the other channels still go
            log.error("alert email to %s not sent: %s: %s", ", ".join(settings.email_to), type(exc).__name__, exc)
    elif settings.email_to:
        log.warning("FOOTPRINT_ALERT_EMAIL_TO is set but FOOTPRINT_ALERT_SMTP_HOST is not: no email sent")
    if settings.webhook_url:
        try:
            post_webhook(alert, settings.webhook_url)
            delivered.append("webhook")
        except (OSError, ValueError) as exc:  # urllib's errors are OSErrors; a bad URL a ValueError
            log.error("alert webhook not sent: %s: %s", type(exc).__name__, exc)
    return delivered


def webhook_body(alert: Alert) -> dict[str, str]:
    """What Slack and Microsoft Teams incoming webhooks both accept: one `text`, in Markdown."""
    # Teams joins single newlines into one paragraph; a blank line keeps the facts apart.
    return {"text": f"**{alert.subject}**\n\n" + "\n\n".join(alert.text().splitlines())}


def post_webhook(alert: Alert, url: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise ValueError("FOOTPRINT_ALERT_WEBHOOK_URL must be an http(s) URL")
    request = urllib.request.Request(
        url, data=json.dumps(webhook_body(alert)).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, "webhook refused the alert", response.headers, None)
