"""Shared fixtures: a real PostgreSQL server per session, real DuckDB files per test."""

from __future__ import annotations

import itertools
import os
import tempfile

import pytest
from hypothesis import HealthCheck, Phase, settings

from footprint.devtools.devserver import start_throwaway

# Property-based tests: a fixed seed and a bounded number of examples, so CI is fast and
# repeatable; HYPOTHESIS_PROFILE=thorough searches further (and at random) by hand.
settings.register_profile(
    "ci", max_examples=30, derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no explain: minutes per failure
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_db_counter = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    """Under `pytest -n` (make test), each worker gives dbt a target and log folder of its own:
    two dbt runs in one project folder would overwrite each other's manifest and parse cache."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and "DBT_TARGET_PATH" not in os.environ:
        base = tempfile.mkdtemp(prefix=f"footprint-dbt-{worker}-")
        os.environ["DBT_TARGET_PATH"] = os.path.join(base, "target")
        os.environ["DBT_LOG_PATH"] = os.path.join(base, "logs")
_POSTGRES_FIXTURES = {"pg_server", "pg_env"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs the PostgreSQL server, from the fixtures and parameters a test uses, so
    `-m "not postgres"` (make test-fast) never starts one. The modules marked `long` go first:
    under `--dist loadscope --no-loadscope-reorder` a worker takes whole modules in this order,
    and one of several minutes taken last would leave the other worker idle until it ends."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        uses_server = _POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_server or "postgres" in params.values():
            item.add_marker(pytest.mark.postgres)
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def pg_server():
    server = start_throwaway()
    yield server
    server.stop()


@pytest.fixture
def pg_env(pg_server, monkeypatch):
    """A fresh, empty database on the session server, exported as PG* variables."""
    name = f"t{next(_db_counter)}"
    pg_server.create_database(name)
    env = pg_server.env(name)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def duckdb_env(tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("FOOTPRINT_TARGET", "duckdb")
    monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(path))
    return {"FOOTPRINT_TARGET": "duckdb", "FOOTPRINT_DUCKDB_PATH": str(path)}
