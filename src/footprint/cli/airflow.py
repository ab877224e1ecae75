"""`footprint airflow …`: Airflow's own command line, pointed at this project.

A plain shell knows neither the project's Airflow home nor its DAGs folder, so
`airflow dags test missing_footprint_nightly 2022-03-01` there finds no DAG, or
an unmigrated database. This runs the same `airflow` with:

* AIRFLOW_HOME: kept when set (a deployment's), else `<project>/.airflow`;
* the DAGs folder `<project>/dags`, example DAGs off;
* on first use of a local home, its metadata database migrated and the
  warehouse pool created, as `make airflow-init` does.

    footprint airflow dags test missing_footprint_nightly 2022-03-01
    footprint airflow dags list
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from footprint.settings import PROJECT_ROOT

POOL_DESCRIPTION = "Tasks that write the warehouse run one at a time"


def airflow_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment `airflow` runs in: the caller's, plus the project's Airflow settings."""
    out = dict(os.environ if env is None else env)
    out.setdefault("AIRFLOW_HOME", str(PROJECT_ROOT / ".airflow"))
    out.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))
    out.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    return out


def airflow_binary() -> str:
    """The `airflow` installed beside this Python (the project's virtual environment)."""
    return str(Path(sys.executable).with_name("airflow"))


def ensure_initialised(env: dict[str, str]) -> None:
    """Migrate a local SQLite home once, and create the warehouse pool with it."""
    home = Path(env["AIRFLOW_HOME"])
    uses_default_sqlite = not any(k.endswith("SQL_ALCHEMY_CONN") for k in env)
    if not uses_default_sqlite or (home / "airflow.db").exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    print(f"footprint airflow: first use of {home}: migrating its metadata database", file=sys.stderr)
    subprocess.run([airflow_binary(), "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    pool = env.get("FOOTPRINT_WAREHOUSE_POOL", "footprint_warehouse")
    subprocess.run([airflow_binary(), "pools", "set", pool, "1", POOL_DESCRIPTION], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("airflow_args", nargs=argparse.REMAINDER, help="arguments for `airflow`")


def run(args: argparse.Namespace) -> int:
    env = airflow_environment()
    ensure_initialised(env)
    argv = [a for a in args.airflow_args if a != "--"] or ["--help"]
    os.execve(airflow_binary(), [airflow_binary(), *argv], env)
    return 0  # not reached: execve replaces this process
