"""DAG policy (a DagBag test) and the DAG driven end to end by `airflow dags test`."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time

import pytest

from tests.support.airflow_env import ROOT, dags_test, migrate
from tests.support.alert_servers import smtp_server, webhook_server

pytestmark = [pytest.mark.airflow, pytest.mark.long]

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
    that never arrives fails its run after the sensor's timeout, having loaded nothing,
    and a person is told; the nights after it still run: loaded, gated, built and published."""
    import duckdb

    from tests.support.pipeline import write_nights

    landing = tmp_path / "landing"
    nights = write_nights(landing, nights=1)
    env = {
        "FOOTPRINT_LANDING_DIR": str(landing),
        "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "FOOTPRINT_REPORTS_DIR": str(tmp_path / "reports"),
        "FOOTPRINT_WAIT_TIMEOUT_SECONDS": "3",
        "FOOTPRINT_WAIT_POKE_SECONDS": "1",
    }
    with webhook_server() as hook:
        missing = dags_test(airflow_home, DAG_ID, "2022-02-28", **env, **hook.env())
    assert missing.returncode != 0
    assert "AirflowSensorTimeout" in missing.stdout + missing.stderr
    assert not (tmp_path / "warehouse.duckdb").exists(), "nothing was loaded"
    late, never = hook.texts()  # long past 06:00 that day: late at the first poke, then given up
    assert "night 2022-02-28 late: no extract at 06:00" in late
    assert "night 2022-02-28 never arrived" in never
    assert f"no _manifest.json in {landing / '2022-02-28'} after waiting 3 s" in never
    assert "clear wait_for_manifest" in never and "the nights after it still run" in never

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


def _tries(home, task_id: str) -> list[tuple[str, int]]:
    """(state, try_number) of `task_id` in the latest run, from Airflow's own metadata."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(home / "airflow.db")) as db:
        (run_id,) = db.execute("select run_id from dag_run order by id desc limit 1").fetchone()
        return db.execute("select state, try_number from task_instance where run_id = ? and task_id = ?",
                          (run_id, task_id)).fetchall()


def _identifiers(folder) -> set[str]:
    """Every child and note identifier of the night: no alert may carry one."""
    import csv

    found = set()
    for name, columns in (("ssd_person.csv", ["pers_person_id"]),
                          ("case_notes.csv", ["cano_casenote_id", "cano_person_id"])):
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            found |= {row[c] for row in csv.DictReader(fh) for c in columns if row[c]}
    return found


def test_a_broken_delivery_fails_at_once_alerts_and_recovers_once_corrected(airflow_home, tmp_path):
    """A contract column missing from a header, with Airflow's default retries (2, five minutes
    apart): the run fails within a minute, load_night tried once, and email and the webhook
    say which file and column, where the report is and what to do. The corrected extract then
    runs through, and the thread is closed with a recovery alert."""
    import duckdb

    from footprint.contract import MANIFEST_NAME
    from footprint.ingest.landing import sha256_file
    from tests.support.pipeline import write_nights

    landing = tmp_path / "landing"
    (night,) = write_nights(landing, nights=0)
    good_notes, good_manifest = (night / "case_notes.csv").read_bytes(), (night / MANIFEST_NAME).read_text()
    (night / "case_notes.csv").write_bytes(good_notes.replace(b"cano_type_code", b"cano_type", 1))
    manifest = json.loads(good_manifest)  # the manifest matches the file: the loader's header check decides
    manifest["files"]["case_notes.csv"]["sha256"] = sha256_file(night / "case_notes.csv")
    (night / MANIFEST_NAME).write_text(json.dumps(manifest))
    reports = tmp_path / "reports"
    env = {"FOOTPRINT_LANDING_DIR": str(landing), "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
           "FOOTPRINT_REPORTS_DIR": str(reports), "FOOTPRINT_TASK_RETRIES": "2",
           "FOOTPRINT_RETRY_DELAY_SECONDS": "300"}
    with smtp_server() as smtp, webhook_server() as hook:
        env.update(smtp.env(), **hook.env())
        started = time.monotonic()
        broken = dags_test(airflow_home, DAG_ID, night.name, **env)
        elapsed = time.monotonic() - started
        output = broken.stdout + broken.stderr
        assert broken.returncode != 0
        assert elapsed < 60, f"a data error must not wait for retries: {elapsed:.0f} s"
        assert _tries(airflow_home, "load_night") == [("failed", 1)]
        assert "case_notes.csv: header (line 1): contract column(s) missing: cano_type_code" in output
        assert "What to do: ask the case system's team to export the night again" in output

        (night / "case_notes.csv").write_bytes(good_notes)
        (night / MANIFEST_NAME).write_text(good_manifest)
        fixed = dags_test(airflow_home, DAG_ID, night.name, **env)
        assert fixed.returncode == 0, (fixed.stdout + fixed.stderr)[-4000:]

    subjects = [m.subject for m in smtp.mails]
    assert subjects == [f"[footprint] night {night.name} rejected at the load",
                        f"[footprint] night {night.name} recovered: accepted and published"]
    rejected, recovered = hook.texts()
    for text in (smtp.mails[0].text, rejected):
        assert "case_notes.csv" in text and "cano_type_code" in text
        assert f"Report: {reports / night.name / 'load.md'}" in text
        assert "What to do:" in text and "load_night" in text
    assert "rejected at the load" in recovered and "Nothing to do" in recovered
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        keys = {k for (k,) in conn.execute("select child_key from raw.child_pseudonyms").fetchall()}
    secrets = _identifiers(night) | keys
    assert secrets
    for text in [*hook.texts(), *(m.text + m.subject for m in smtp.mails)]:
        assert not [s for s in secrets if s in text], "an alert carries a child or note identifier"


def test_a_transient_failure_keeps_its_retries_then_a_person_is_told(airflow_home, tmp_path):
    """The warehouse file held by another process: a TransientError, so load_night is retried
    (once, a second apart here) and only then fails; the alert says which task, after how many
    tries, and why, in our words."""
    import duckdb

    from tests.support.pipeline import write_nights

    landing = tmp_path / "landing"
    (night,) = write_nights(landing, nights=0)
    warehouse = tmp_path / "warehouse.duckdb"
    env = {"FOOTPRINT_LANDING_DIR": str(landing), "FOOTPRINT_DUCKDB_PATH": str(warehouse),
           "FOOTPRINT_REPORTS_DIR": str(tmp_path / "reports"), "FOOTPRINT_TASK_RETRIES": "1",
           "FOOTPRINT_RETRY_DELAY_SECONDS": "1"}
    with duckdb.connect(str(warehouse)), webhook_server() as hook:  # this process holds the file
        result = dags_test(airflow_home, DAG_ID, night.name, **env, **hook.env())
    assert result.returncode != 0
    assert _tries(airflow_home, "load_night") == [("failed", 2)], "retried once, then failed"
    (alert,) = hook.texts()
    assert f"night {night.name}: load_night failed" in alert
    assert "failed after 2 tries" in alert and "is in use by another process" in alert
    assert not (tmp_path / "reports" / night.name / "rejected.json").exists(), "not a rejected night"
