"""The real Airflow services for tests: the same commands as docker-compose.yml (scheduler,
api-server, dag-processor, triggerer; LocalExecutor on a PostgreSQL metadata database), on
loopback with low parallelism, driven through the REST API. Everything started is stopped."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support.airflow_env import AIRFLOW, ROOT, airflow_env

DAG_ID = "missing_footprint_nightly"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
COMPONENTS = [COMPOSE["services"][name]["command"] for name in (
    "airflow-scheduler", "airflow-apiserver", "airflow-dag-processor", "airflow-triggerer")]
_metadata_databases = itertools.count()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, token: str | None = None, body: dict | None = None, method: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


@dataclass
class Airflow:
    base: str  # the api-server's URL
    token: str
    procs: list[subprocess.Popen]

    def api(self, path: str, body: dict | None = None, method: str | None = None) -> Any:
        return request(f"{self.base}/api/v2{path}", self.token, body, method)

    def wait_for(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        return wait_for(predicate, timeout, what, self.procs)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, procs: list[subprocess.Popen]) -> Any:
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


def services_env(pg_server, database: str, home: Path, port: int, **extra: str) -> dict[str, str]:
    meta = pg_server.connect_kwargs(database)
    return airflow_env(
        home,
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=(
            f"postgresql+psycopg2://{meta['user']}:{meta['password']}@{meta['host']}:{meta['port']}/{database}"
        ),
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="2",
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="2",
        AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__API__WORKERS="1",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        AIRFLOW__API_AUTH__JWT_SECRET="test-jwt-secret-of-at-least-the-64-bytes-that-hs512-wants-0123456789",  # HS512 warns below 64 bytes
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(home / "passwords.json"),
        AIRFLOW__LOGGING__BASE_LOG_FOLDER=str(home / "logs"),
        **extra,
    )


@contextlib.contextmanager
def airflow_services(pg_server, home: Path, **extra: str) -> Iterator[Airflow]:
    """Migrate a fresh metadata database, start every component, log in; stop them all after."""
    database = f"airflow_meta_{next(_metadata_databases)}"
    pg_server.create_database(database)
    home.mkdir(exist_ok=True)
    port = free_port()
    (home / "passwords.json").write_text(json.dumps({"admin": "test-password"}))
    env = services_env(pg_server, database, home, port, **extra)
    migrated = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
    subprocess.run([AIRFLOW, "pools", "set", "footprint_warehouse", "1", "one writer"],
                   env=env, check=True, capture_output=True)
    procs: list[subprocess.Popen] = []
    try:
        for command in COMPONENTS:
            log = open(home / f"{command[1]}.log", "w")  # noqa: SIM115 - closed with the process
            procs.append(subprocess.Popen([AIRFLOW, *command[1:]], env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        base = f"http://127.0.0.1:{port}"
        token = wait_for(
            lambda: request(f"{base}/auth/token", body={"username": "admin", "password": "test-password"})[
                "access_token"], 120, "the api-server", procs)
        airflow = Airflow(base, token, procs)
        airflow.wait_for(lambda: airflow.api(f"/dags/{DAG_ID}"), 180, "the DAG to be parsed")
        yield airflow
    finally:
        _stop(procs)


def _stop(procs: list[subprocess.Popen]) -> None:
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
