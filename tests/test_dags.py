"""DAG policy (a DagBag test) and the DAG driven end to end by `airflow dags test`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.airflow_env import ROOT, dags_test, migrate

pytestmark = pytest.mark.airflow

DAG_ID = "missing_footprint_nightly"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


def test_every_dag_file_imports_without_error(dagbag):
    assert dagbag.import_errors == {}
    assert DAG_ID in dagbag.dags


def test_every_dag_obeys_the_house_policy(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.doc_md and dag.doc_md.strip(), f"{dag_id}: a docstring says what the DAG does"
        assert dag.max_active_runs == 1, f"{dag_id}: runs of one warehouse never overlap"
        assert dag.catchup, f"{dag_id}: missed nights are caught up"
        assert dag.owner and dag.owner != "airflow", f"{dag_id}: an owner is named"
        loaders = [t for t in dag.tasks if t.task_id != "quality_gate" and not t.task_id.startswith("wait")]
        assert all(t.retries >= 1 for t in loaders), f"{dag_id}: transient failures are retried"


def test_nightly_dag_shape_and_schedule(dagbag):
    dag = dagbag.dags[DAG_ID]
    assert dag.timetable.expression == "0 2 * * *"
    assert str(dag.timetable.timezone) == "Europe/London"
    order = ["wait_for_manifest", "load_night", "quality_gate", "dbt_build", "publish_marts", "render_report"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids
    sensor = dag.get_task("wait_for_manifest")
    assert sensor.mode == "reschedule", "waiting must not hold a worker slot"
    assert sensor.timeout > 0


def test_importing_the_dag_file_is_cheap():
    """Top-level code must not import the warehouse, dbt or Great Expectations:
    the scheduler parses DAG files every few seconds."""
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1]);"
        "heavy = [m for m in ('duckdb', 'dbt', 'great_expectations', 'psycopg2', 'pandas', 'footprint.ingest.raw_load')"
        " if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "dags" / f"{DAG_ID}.py")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow")
    migrate(home)
    return home


def test_dags_test_runs_nights_end_to_end_on_the_embedded_default(airflow_home, tmp_path):
    """`airflow dags test` on SQLite metadata and a DuckDB warehouse, no server. A night
    that never arrives fails its run after the sensor's timeout, having loaded nothing;
    the nights after it still run: loaded, gated, built and published."""
    import duckdb

    from tests.pipeline import write_nights

    landing = tmp_path / "landing"
    nights = write_nights(landing, nights=1)
    env = {
        "FOOTPRINT_LANDING_DIR": str(landing),
        "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "FOOTPRINT_REPORTS_DIR": str(tmp_path / "reports"),
        "FOOTPRINT_WAIT_TIMEOUT_SECONDS": "3",
        "FOOTPRINT_WAIT_POKE_SECONDS": "1",
    }
    missing = dags_test(airflow_home, DAG_ID, "2022-02-28", **env)
    assert missing.returncode != 0
    assert "AirflowSensorTimeout" in missing.stdout + missing.stderr
    assert not (tmp_path / "warehouse.duckdb").exists(), "nothing was loaded"

    for night in nights:
        result = dags_test(airflow_home, DAG_ID, night.name, **env)
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]

    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        statuses = conn.execute("select extract_date::varchar, load_type, status from raw.extract_nights "
                                "order by 1").fetchall()
        assert statuses == [(nights[0].name, "initial", "accepted"), (nights[1].name, "nightly", "accepted")]
    with duckdb.connect(str(tmp_path / "marts.duckdb"), read_only=True) as marts:
        (as_of,) = marts.execute("select distinct as_of from fct_missing_notifications").fetchone()
        assert as_of.date().isoformat() == nights[1].name, "the marts reflect the latest night"
        assert marts.execute("select count(*) from fct_missing_notifications").fetchone()[0] > 0
    assert (tmp_path / "reports" / nights[1].name).is_dir(), "a validation report per night"
    latest = tmp_path / "reports" / "latest"
    assert (latest / "index.html").is_file() and (latest / "footprint.xlsx").is_file(), "the report, switched in"
    assert any((latest / "iro").glob("*.html")), "a learning pack per IRO"
    assert not list((tmp_path / "reports").glob(".latest.*")), "nothing left aside"
