"""`footprint airflow …` works in a plain shell: the project's DAGs folder, a migrated home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from footprint.cli.airflow import airflow_environment
from footprint.settings import PROJECT_ROOT

FOOTPRINT = str(Path(sys.executable).with_name("footprint"))


def test_a_plain_environment_gets_the_project_home_and_dags_folder():
    env = airflow_environment({"PATH": "/usr/bin"})
    assert env["AIRFLOW_HOME"] == str(PROJECT_ROOT / ".airflow")
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(PROJECT_ROOT / "dags")
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"


def test_a_deployments_own_airflow_home_is_kept():
    env = airflow_environment({"AIRFLOW_HOME": "/opt/airflow", "AIRFLOW__CORE__DAGS_FOLDER": "/opt/dags"})
    assert env["AIRFLOW_HOME"] == "/opt/airflow"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/dags"


@pytest.mark.airflow
def test_the_readme_command_runs_a_night_from_a_new_shell(tmp_path):
    """As a new user would try it: no AIRFLOW_* variable, no `make`, a home never migrated."""
    from footprint.devtools.fixtures.hand_audit import write_hand_audit

    night = write_hand_audit(tmp_path / "landing", nightly=False)[0].name
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "FOOTPRINT_"))}
    env.update(
        HOME=str(tmp_path), AIRFLOW_HOME=str(tmp_path / "airflow-home"),
        FOOTPRINT_LANDING_DIR=str(tmp_path / "landing"), FOOTPRINT_DUCKDB_PATH=str(tmp_path / "w.duckdb"),
        FOOTPRINT_TASK_RETRIES="0",
    )
    result = subprocess.run([FOOTPRINT, "airflow", "dags", "test", "missing_footprint_nightly", night],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert (tmp_path / "airflow-home" / "airflow.db").exists()
    assert (tmp_path / "marts.duckdb").exists(), "the night was published"
