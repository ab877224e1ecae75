"""An isolated Airflow home (SQLite metadata) for tests that drive the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "FOOTPRINT_"))}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        FOOTPRINT_TASK_RETRIES="0",
    )
    env.update(extra)
    return env


def migrate(home: Path) -> None:
    subprocess.run([AIRFLOW, "db", "migrate"], env=airflow_env(home), check=True, capture_output=True)
    subprocess.run(
        [AIRFLOW, "pools", "set", "footprint_warehouse", "1", "one warehouse writer at a time"],
        env=airflow_env(home), check=True, capture_output=True,
    )


def dags_test(home: Path, dag_id: str, date: str, timeout: int = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AIRFLOW, "dags", "test", dag_id, date],
        env=airflow_env(home, **extra), capture_output=True, text=True, timeout=timeout,
    )
