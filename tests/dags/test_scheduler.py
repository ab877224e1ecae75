"""The real scheduler: the same Airflow commands as docker-compose.yml (scheduler,
api-server, dag-processor, triggerer; LocalExecutor on a PostgreSQL metadata
database), on loopback with low parallelism (tests/airflow_servers.py).

* A night is triggered through the REST API and must succeed end to end.
* Catch-up after an outage: the scheduler was stopped over a weekend while three nights
  arrived; started, it runs them by itself, oldest first, one at a time, and the marts are
  then those of a pipeline that ran every night on time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.support.airflow_servers import DAG_ID, airflow_services
from tests.support.pipeline import write_nights

pytestmark = [pytest.mark.airflow, pytest.mark.long]

LONDON = ZoneInfo("Europe/London")
# Three nights are enough to show order and one-at-a-time (the middle one starts only after the
# first ends, the last after the middle); each costs 25-45 s through the scheduler.
OUTAGE_NIGHTS = 3


def test_scheduler_runs_a_night_triggered_through_the_rest_api(pg_server, tmp_path):
    landing = tmp_path / "landing"
    night = write_nights(landing, nights=0)[0].name
    with airflow_services(
        pg_server, tmp_path / "airflow",
        FOOTPRINT_LANDING_DIR=str(landing),
        FOOTPRINT_DUCKDB_PATH=str(tmp_path / "warehouse" / "warehouse.duckdb"),
        FOOTPRINT_REPORTS_DIR=str(tmp_path / "reports"),
        # No scheduled night falls before the test's own run: only the triggered one runs.
        FOOTPRINT_START_DATE=dt.datetime.now(dt.UTC).isoformat(),
        FOOTPRINT_WAIT_POKE_SECONDS="2",
    ) as airflow:
        airflow.api(f"/dags/{DAG_ID}", body={"is_paused": False}, method="PATCH")
        run = airflow.api(f"/dags/{DAG_ID}/dagRuns", body={
            "logical_date": (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)).isoformat(),
            "conf": {"extract_date": night},
        })
        run_id = run["dag_run_id"]

        def finished():
            state = airflow.api(f"/dags/{DAG_ID}/dagRuns/{run_id}")["state"]
            return state if state in ("success", "failed") else None

        state = airflow.wait_for(finished, 600, "the triggered run")
        if state != "success":
            tis = airflow.api(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")
            pytest.fail(f"run {state}: " + ", ".join(f"{t['task_id']}={t['state']}" for t in tis["task_instances"]))
        assert (tmp_path / "warehouse" / "marts.duckdb").exists(), "the night published its marts"
    # A task's process ends with os._exit: what dbt left would be reported, as errors, in its log.
    logs = "".join(path.read_text(errors="replace") for path in (tmp_path / "airflow").rglob("*.log"))
    assert "dbt_build" in logs
    assert "leaked semaphore" not in logs, "the build task left dbt's semaphores to the resource tracker"


def test_catching_up_after_an_outage_runs_the_missed_nights_in_order_one_at_a_time(pg_server, tmp_path, monkeypatch):
    """Three nights (a weekend) arrived while the scheduler was stopped (the DAG paused from
    before the first): started, it creates their runs itself (catchup), runs them oldest first, never two at once,
    and leaves the marts a pipeline that ran every night on time would have."""
    import duckdb

    from footprint.devtools.generate import generate
    from footprint.nightly import run_night
    from footprint.settings import Settings
    from tests.support.pipeline import marts_checksum

    last = (dt.datetime.now(LONDON) - dt.timedelta(hours=2)).date()  # the latest night whose 02:00 run is due
    first = last - dt.timedelta(days=OUTAGE_NIGHTS - 1)
    landing = tmp_path / "landing"
    nights = [dt.date.fromisoformat(f.name) for f in generate(landing, "small", first, OUTAGE_NIGHTS - 1, 1, 7, progress=False)]
    assert nights == [first + dt.timedelta(days=n) for n in range(OUTAGE_NIGHTS)]
    common = {"FOOTPRINT_PSEUDONYM_KEY": "catch-up-tests-pseudonym-key-0123456789",
              "DBT_TARGET_PATH": str(tmp_path / "dbt-target"), "DBT_LOG_PATH": str(tmp_path / "dbt-logs")}

    for key, value in common.items():  # every night on time: one after the other, as they come
        monkeypatch.setenv(key, value)
    on_time = Settings.from_env({"FOOTPRINT_LANDING_DIR": str(landing),
                                 "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "on-time" / "warehouse.duckdb")})
    for night in nights:
        run_night(night, on_time)

    warehouse = tmp_path / "caught-up" / "warehouse.duckdb"
    with airflow_services(pg_server, tmp_path / "airflow", **common, FOOTPRINT_LANDING_DIR=str(landing),
                          FOOTPRINT_DUCKDB_PATH=str(warehouse), FOOTPRINT_REPORTS_DIR=str(tmp_path / "reports"),
                          FOOTPRINT_START_DATE=first.isoformat(), FOOTPRINT_WAIT_POKE_SECONDS="2") as airflow:
        airflow.api(f"/dags/{DAG_ID}", body={"is_paused": False}, method="PATCH")

        def caught_up():
            runs = airflow.api(f"/dags/{DAG_ID}/dagRuns?order_by=logical_date&limit=50")["dag_runs"]
            done = [r for r in runs if r["state"] in ("success", "failed")]
            return runs if len(done) >= len(nights) else None

        runs = airflow.wait_for(caught_up, 45 * 60, "the missed nights to be caught up")
    runs = [r for r in runs if _night(r) in nights]

    assert [_night(r) for r in runs] == nights, "one run per missed night, each for its own night"
    assert [r["state"] for r in runs] == ["success"] * len(nights)
    assert sorted(runs, key=lambda r: r["start_date"]) == runs, "oldest first"
    for before, after in zip(runs, runs[1:], strict=False):
        assert before["end_date"] <= after["start_date"], "one night at a time"
    with duckdb.connect(str(on_time.marts_path), read_only=True) as a, \
            duckdb.connect(str(warehouse.with_name("marts.duckdb")), read_only=True) as b:
        tables = [r[0] for r in a.execute("select table_name from information_schema.tables").fetchall()]
        assert tables and marts_checksum(a, tables, "main") == marts_checksum(b, tables, "main")


def _night(run: dict) -> dt.date:
    return dt.datetime.fromisoformat(run["logical_date"]).astimezone(LONDON).date()
