"""Shared fixtures: a real PostgreSQL server per session, real DuckDB files per test."""

from __future__ import annotations

import itertools

import pytest

from footprint.devtools.devserver import start_throwaway

_db_counter = itertools.count()


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
