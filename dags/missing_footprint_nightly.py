"""Airflow DAG `missing_footprint_nightly`: the IRO footprint audit, every night.

Each run processes the landing folder named after its logical date (Europe/London):
wait for `_manifest.json` → load into `raw` → quality gate → dbt build → publish marts →
render the report into FOOTPRINT_REPORTS_DIR/latest/ (a failed render fails its own task and
leaves the marts published).
The logic lives in the `footprint` package; this file only orchestrates.
Settings come from the environment (FOOTPRINT_LANDING_DIR, FOOTPRINT_TARGET, …).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

LONDON = pendulum.timezone("Europe/London")
# Tasks that write the warehouse share one pool slot: a DuckDB file has a single writer.
WAREHOUSE_POOL = os.environ.get("FOOTPRINT_WAREHOUSE_POOL", "footprint_warehouse")
WAIT_TIMEOUT = int(os.environ.get("FOOTPRINT_WAIT_TIMEOUT_SECONDS", str(10 * 3600)))
WAIT_POKE = int(os.environ.get("FOOTPRINT_WAIT_POKE_SECONDS", "300"))
RETRIES = int(os.environ.get("FOOTPRINT_TASK_RETRIES", "2"))
RETRY_DELAY = timedelta(seconds=int(os.environ.get("FOOTPRINT_RETRY_DELAY_SECONDS", "300")))


def _extract_date():
    """The night this run processes: the `extract_date` param, else the logical date in London."""
    context = get_current_context()
    chosen = (context["params"] or {}).get("extract_date")
    if chosen:
        return pendulum.parse(chosen).date()
    return context["logical_date"].in_timezone(LONDON).date()


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
    },
    params={"extract_date": Param("", type="string", description="YYYY-MM-DD to override the night")},
    tags=["footprint", "children-social-care"],
    doc_md=__doc__,
)
def missing_footprint_nightly():
    @task.sensor(poke_interval=WAIT_POKE, timeout=WAIT_TIMEOUT, mode="reschedule", retries=0)
    def wait_for_manifest() -> bool:
        """Reschedule mode frees the worker slot between pokes; the timeout fails a night that never comes."""
        from footprint.nightly import manifest_arrived

        return manifest_arrived(_extract_date())

    @task(pool=WAREHOUSE_POOL)
    def load_night() -> dict:
        from footprint.nightly import load

        return load(_extract_date())

    @task(pool=WAREHOUSE_POOL, retries=0)
    def quality_gate(loaded: dict) -> dict:
        """A failed check is a data problem, not a transient one: no retries."""
        from footprint.nightly import gate

        return gate(_extract_date())

    @task(pool=WAREHOUSE_POOL)
    def dbt_build(gated: dict) -> None:
        from footprint.nightly import build

        build(_extract_date())

    @task(pool=WAREHOUSE_POOL)
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
