"""Airflow DAG `missing_footprint_nightly`: the IRO footprint audit, every night.

Each run processes the landing folder named after its logical date (Europe/London):
wait for `_manifest.json` → load into `raw` → quality gate → dbt build → publish marts →
render the report into FOOTPRINT_REPORTS_DIR/latest/ (a failed render fails its own task and
leaves the marts published).
The logic lives in the `footprint` package; this file only orchestrates.
Settings come from the environment (FOOTPRINT_LANDING_DIR, FOOTPRINT_TARGET, …).

Failures: a data error (a refused delivery, a night the gate or dbt's tests reject) fails its
task at once; anything else is retried. Either way, once a task has failed for good a person
is told (footprint.alerts), as they are when the extract is late (FOOTPRINT_ALERT_LATE_AFTER)
and when a rejected night is later published.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pendulum
from airflow.sdk import (
    ExceptionRetryPolicy,
    Param,
    RetryAction,
    RetryRule,
    dag,
    get_current_context,
    task,
)

from footprint.alerts.notifiers import FailureNotifier, RecoveryNotifier
from footprint.errors import DataError, TransientError

LONDON = pendulum.timezone("Europe/London")
# Tasks that write the warehouse share one pool slot: a DuckDB file has a single writer.
WAREHOUSE_POOL = os.environ.get("FOOTPRINT_WAREHOUSE_POOL", "footprint_warehouse")
WAIT_TIMEOUT = int(os.environ.get("FOOTPRINT_WAIT_TIMEOUT_SECONDS", str(10 * 3600)))
WAIT_POKE = int(os.environ.get("FOOTPRINT_WAIT_POKE_SECONDS", "300"))
RETRIES = int(os.environ.get("FOOTPRINT_TASK_RETRIES", "2"))
RETRY_DELAY = timedelta(seconds=int(os.environ.get("FOOTPRINT_RETRY_DELAY_SECONDS", "300")))

# Rerunning a rejected night on the same extract fails the same way: fail at once.
RETRY_POLICY = ExceptionRetryPolicy(rules=[
    RetryRule(exception=DataError, action=RetryAction.FAIL,
              reason="a data error: the same extract would fail the same way"),
    RetryRule(exception=TransientError, action=RetryAction.RETRY,
              reason="the warehouse or the machine, not the data: retried"),
])


def _extract_date() -> date:
    """The night this run processes: the `extract_date` param, else the logical date in London."""
    from footprint.nightly import night_of

    context = get_current_context()
    return night_of(context["params"], context["logical_date"])


@dag(
    dag_id="missing_footprint_nightly",
    description="Load, check, model and publish the IRO footprint audit for one night",
    schedule="0 2 * * *",
    start_date=pendulum.parse(os.environ.get("FOOTPRINT_START_DATE", "2020-01-01"), tz=LONDON),
    catchup=True,
    max_active_runs=1,
    default_args={
        "owner": "data-team",
        "retries": RETRIES,
        "retry_delay": RETRY_DELAY,
        "retry_policy": RETRY_POLICY,
        "on_failure_callback": FailureNotifier(),
    },
    params={"extract_date": Param("", type="string", description="YYYY-MM-DD to override the night")},
    tags=["footprint", "children-social-care"],
    doc_md=__doc__,
)
def missing_footprint_nightly() -> None:
    @task.sensor(poke_interval=WAIT_POKE, timeout=WAIT_TIMEOUT, mode="reschedule", retries=0)
    def wait_for_manifest() -> bool:
        """Reschedule mode frees the worker slot between pokes; the timeout fails a night that never
        comes. A poke after FOOTPRINT_ALERT_LATE_AFTER that still finds nothing tells a person, once."""
        from footprint.alerts.late import arrived_or_alert_late
        from footprint.alerts.notifiers import run_of

        return arrived_or_alert_late(_extract_date(), run_of(get_current_context()))

    @task(pool=WAREHOUSE_POOL)
    def load_night() -> dict:
        from footprint.nightly import load

        return load(_extract_date())

    @task(pool=WAREHOUSE_POOL)
    def quality_gate(loaded: dict) -> dict:
        """A rejected night is a data error: it fails at once. A lost warehouse is retried."""
        from footprint.nightly import gate

        return gate(_extract_date())

    @task(pool=WAREHOUSE_POOL)
    def dbt_build(gated: dict) -> None:
        from footprint.nightly import build

        build(_extract_date())

    @task(pool=WAREHOUSE_POOL, on_success_callback=RecoveryNotifier())
    def publish_marts() -> dict:
        from footprint.nightly import publish

        return publish()

    @task
    def render_report(published: dict) -> dict:
        """Reads the published marts only: it needs no warehouse slot, and its failure leaves them published."""
        from footprint.nightly import report

        return report()

    loaded = load_night()
    wait_for_manifest() >> loaded
    built = dbt_build(quality_gate(loaded))
    published = publish_marts()
    built >> published
    render_report(published)


missing_footprint_nightly()
