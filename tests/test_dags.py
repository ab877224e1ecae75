"""DAG policy (a DagBag test) and the DAG driven end to end by `airflow dags test`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.airflow_env import ROOT, dags_test, migrate

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
    order = ["wait_for_manifest", "load_night", "quality_gate", "dbt_build", "publish_marts"]
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
        "heavy = [m for m in ('duckdb', 'dbt', 'great_expectations', 'psycopg2', 'pandas', 'footprint.load')"
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


def test_a_night_that_never_arrives_fails_after_the_timeout(airflow_home, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    result = dags_test(
        airflow_home, DAG_ID, "2022-03-01",
        FOOTPRINT_LANDING_DIR=str(landing), FOOTPRINT_DUCKDB_PATH=str(tmp_path / "w.duckdb"),
        FOOTPRINT_WAIT_TIMEOUT_SECONDS="3", FOOTPRINT_WAIT_POKE_SECONDS="1",
    )
    assert result.returncode != 0
    assert "AirflowSensorTimeout" in result.stdout + result.stderr
    assert not (tmp_path / "w.duckdb").exists(), "nothing was loaded"
