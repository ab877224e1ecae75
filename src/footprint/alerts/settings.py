"""Where alerts go, from the environment. Every channel is optional: unset, alerts go to the log."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from footprint.errors import FootprintError

log = logging.getLogger(__name__)

DEFAULT_LATE_AFTER = "06:00"
LONDON = "Europe/London"


def parse_clock(value: str, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise FootprintError(f"{name} must be a time of day HH:MM (Europe/London), not {value!r}") from None


@dataclass(frozen=True)
class AlertSettings:
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    email_to: tuple[str, ...]
    webhook_url: str | None
    late_after: dt.time  # wall clock, Europe/London, on the night's own date

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AlertSettings:
        env = os.environ if env is None else env
        port = env.get("FOOTPRINT_ALERT_SMTP_PORT", "") or "25"
        if not port.isdigit():
            raise FootprintError(f"FOOTPRINT_ALERT_SMTP_PORT must be a port number, not {port!r}")
        recipients = env.get("FOOTPRINT_ALERT_EMAIL_TO", "").replace(";", ",")
        return cls(
            smtp_host=env.get("FOOTPRINT_ALERT_SMTP_HOST") or None,
            smtp_port=int(port),
            smtp_user=env.get("FOOTPRINT_ALERT_SMTP_USER") or None,
            smtp_password=env.get("FOOTPRINT_ALERT_SMTP_PASSWORD") or None,
            smtp_from=env.get("FOOTPRINT_ALERT_SMTP_FROM") or f"footprint@{socket.getfqdn()}",
            email_to=tuple(a.strip() for a in recipients.split(",") if a.strip()),
            webhook_url=env.get("FOOTPRINT_ALERT_WEBHOOK_URL") or None,
            late_after=parse_clock(env.get("FOOTPRINT_ALERT_LATE_AFTER") or DEFAULT_LATE_AFTER,
                                   "FOOTPRINT_ALERT_LATE_AFTER"),
        )

    @property
    def email(self) -> bool:
        return bool(self.smtp_host and self.email_to)


def alert_settings() -> AlertSettings:
    """The environment's alert settings. Wrong ones must not cost the alert itself (nor fail the
    task that sends it): the defaults, the task log only, and the problem said loudly."""
    try:
        return AlertSettings.from_env()
    except FootprintError as exc:
        log.error("alert settings: %s; alerts go to the task log only until it is corrected", exc)
        return AlertSettings.from_env({})
