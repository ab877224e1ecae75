"""The Airflow side of alerts: the notifiers the DAG wires into its tasks.

* `FailureNotifier`: every task's on_failure_callback. Airflow calls it once a task has
  failed for good: at once for a DataError (the retry policy fails it without retrying),
  after the last retry otherwise, when the sensor gives up on a night that never came.
* `RecoveryNotifier`: publish_marts' on_success_callback: a night that had been rejected
  is published, so the thread is closed.

The late-arrival alert is sent by the sensor itself (footprint.alerts.late).
Importing this module stays light (the DAG file does, at every parse): no warehouse, dbt
or Great Expectations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import BaseNotifier
from airflow.sdk.exceptions import AirflowSensorTimeout

from footprint.alerts import message
from footprint.alerts.channels import deliver
from footprint.alerts.message import Alert, Run
from footprint.errors import DataError
from footprint.settings import Settings


def _night(context: Any) -> dt.date | None:
    from footprint.nightly import night_of

    try:
        return night_of(context.get("params"), context.get("logical_date"))
    except (ValueError, TypeError):
        return None


def run_of(context: Any) -> Run:
    ti = context["ti"]
    return Run(ti.dag_id, ti.run_id, ti.task_id, ti.try_number)


def failure_alert(context: Any) -> Alert:
    """The alert for a task that failed for good, from its Airflow context."""
    from footprint.ingest.landing import night_dir

    error = context.get("exception")
    night, run = _night(context), run_of(context)
    if isinstance(error, DataError):
        return message.rejected(night, error.step, error.summary_line(), error.report_path, error.fix, run)
    if isinstance(error, AirflowSensorTimeout):
        landing = Settings.from_env().landing_dir
        folder = night_dir(landing, night) if night else landing
        waited = dt.timedelta(seconds=float(getattr(context.get("task"), "timeout", 0) or 0))
        return message.never_arrived(night, folder, waited, run)
    return message.task_failed(night, run.task_id or "?", run.try_number or 1, message.describe_error(error), run)


class FailureNotifier(BaseNotifier):
    """on_failure_callback: the night rejected, the task failed after its retries, or the night never came."""

    def notify(self, context: Any) -> None:
        deliver(failure_alert(context))


class RecoveryNotifier(BaseNotifier):
    """on_success_callback of the last task: a night rejected before is now published."""

    def notify(self, context: Any) -> None:
        from footprint.alerts.records import settle_rejection

        night = _night(context)
        if night is None:
            return
        rejection = settle_rejection(Settings.from_env(), night)
        if rejection is not None:
            deliver(message.recovered(night, rejection.step, rejection.at, run_of(context)))
