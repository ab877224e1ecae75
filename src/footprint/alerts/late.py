"""The late-arrival alert: the night's extract is not there by FOOTPRINT_ALERT_LATE_AFTER.

The DAG's sensor calls `arrived_or_alert_late` at every poke: it answers whether the
manifest has arrived and, the first time it finds it missing after the late time (06:00
Europe/London on the night's date by default), tells a person, well before the sensor's
final timeout fails the run. A catch-up run of an old night that is missing is late at
its first poke; one whose extract is there is never late.

Airflow 3's deadline alerts would be the natural home for this, but `airflow dags test`
(the one-night command this project documents) fails every run of a DAG that has one in
Airflow 3.3.2 (apache/airflow#73428): the sensor does the same job on every path.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from footprint.alerts import message
from footprint.alerts.channels import deliver
from footprint.alerts.message import Alert, Run
from footprint.alerts.settings import LONDON, AlertSettings, alert_settings
from footprint.settings import Settings

LATE_NAME = "late.json"  # beside the night's reports: the alert went, once


def late_moment(night: dt.date, late_after: dt.time) -> dt.datetime:
    """When the night's extract becomes late: the configured London time on the night's date."""
    return dt.datetime.combine(night, late_after, tzinfo=ZoneInfo(LONDON))


def arrived_or_alert_late(night: dt.date, run: Run | None = None, now: dt.datetime | None = None,
                          settings: Settings | None = None) -> bool:
    """True once the night's manifest is there; until then, alert once when it is late."""
    from footprint.nightly import manifest_arrived

    settings = settings or Settings.from_env()
    if manifest_arrived(night, settings):
        return True
    alerts = alert_settings()
    now = now or dt.datetime.now(dt.UTC)
    if now >= late_moment(night, alerts.late_after):
        alert_late_once(night, alerts, settings, run)
    return False


def alert_late_once(night: dt.date, alerts: AlertSettings, settings: Settings, run: Run | None) -> Alert | None:
    from footprint.ingest.landing import night_dir

    folder = settings.reports_dir / night.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # Created exclusively: two pokes, or a poke and a rerun, never both alert.
        with open(folder / LATE_NAME, "x", encoding="utf-8") as fh:
            json.dump({"night": night.isoformat(), "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}, fh)
    except FileExistsError:
        return None
    alert = message.late(night, night_dir(settings.landing_dir, night), alerts.late_after, run)
    deliver(alert, alerts)
    return alert
