"""The real scheduler: the same Airflow commands as docker-compose.yml (scheduler,
api-server, dag-processor, triggerer; LocalExecutor on a PostgreSQL metadata
database), on loopback with low parallelism. A night is triggered through the
REST API and must succeed end to end; everything started is stopped."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
import yaml

from tests.airflow_env import AIRFLOW, ROOT, airflow_env
from tests.pipeline import write_nights

pytestmark = pytest.mark.airflow

DAG_ID = "missing_footprint_nightly"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
COMPONENTS = [COMPOSE["services"][name]["command"] for name in (
    "airflow-scheduler", "airflow-apiserver", "airflow-dag-processor", "airflow-triggerer")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url: str, token: str | None = None, body: dict | None = None, method: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


def _wait_for(predicate, timeout: float, what: str, procs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            assert proc.poll() is None, f"{proc.args} exited early while waiting for {what}"
        with contextlib.suppress(Exception):
            result = predicate()
            if result:
                return result
        time.sleep(2)
    raise AssertionError(f"timed out waiting for {what}")


def test_scheduler_runs_a_night_triggered_through_the_rest_api(pg_server, tmp_path):
    pg_server.create_database("airflow_meta")
    home = tmp_path / "airflow"
    home.mkdir()
    landing = tmp_path / "landing"
    night = write_nights(landing, nights=0)[0].name
    port = _free_port()
    (home / "passwords.json").write_text(json.dumps({"admin": "test-password"}))
    meta = pg_server.connect_kwargs("airflow_meta")
    env = airflow_env(
        home,
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=(
            f"postgresql+psycopg2://{meta['user']}:{meta['password']}@{meta['host']}:{meta['port']}/airflow_meta"
        ),
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="2",
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="2",
        AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__API__WORKERS="1",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        AIRFLOW__API_AUTH__JWT_SECRET="test-jwt-secret-of-sufficient-length",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(home / "passwords.json"),
        AIRFLOW__LOGGING__BASE_LOG_FOLDER=str(home / "logs"),
        FOOTPRINT_LANDING_DIR=str(landing),
        FOOTPRINT_DUCKDB_PATH=str(tmp_path / "warehouse" / "warehouse.duckdb"),
        FOOTPRINT_REPORTS_DIR=str(tmp_path / "reports"),
        # No scheduled night falls before the test's own run: only the triggered one runs.
        FOOTPRINT_START_DATE=dt.datetime.now(dt.UTC).isoformat(),
        FOOTPRINT_WAIT_POKE_SECONDS="2",
    )
    migrated = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
    subprocess.run([AIRFLOW, "pools", "set", "footprint_warehouse", "1", "one writer"],
                   env=env, check=True, capture_output=True)
    procs = []
    try:
        for command in COMPONENTS:
            log = open(home / f"{command[1]}.log", "w")  # noqa: SIM115 - closed with the process
            procs.append(subprocess.Popen([AIRFLOW, *command[1:]], env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        base = f"http://127.0.0.1:{port}"
        token = _wait_for(
            lambda: _request(f"{base}/auth/token", body={"username": "admin", "password": "test-password"})[
                "access_token"], 120, "the api-server", procs)
        _wait_for(lambda: _request(f"{base}/api/v2/dags/{DAG_ID}", token), 180, "the DAG to be parsed", procs)
        _request(f"{base}/api/v2/dags/{DAG_ID}", token, body={"is_paused": False}, method="PATCH")
        run = _request(f"{base}/api/v2/dags/{DAG_ID}/dagRuns", token, body={
            "logical_date": (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)).isoformat(),
            "conf": {"extract_date": night},
        })
        run_id = run["dag_run_id"]

        def finished():
            state = _request(f"{base}/api/v2/dags/{DAG_ID}/dagRuns/{run_id}", token)["state"]
            return state if state in ("success", "failed") else None

        state = _wait_for(finished, 600, "the triggered run", procs)
        if state != "success":
            tis = _request(f"{base}/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", token)
            pytest.fail(f"run {state}: " + ", ".join(f"{t['task_id']}={t['state']}" for t in tis["task_instances"]))
        assert (tmp_path / "warehouse" / "marts.duckdb").exists(), "the night published its marts"
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert all(proc.poll() is not None for proc in procs)
