"""Copies of a warehouse for end-to-end tests, and what readers and raw hold in them.

A `Backend` is one engine (DuckDB files, or databases on the session PostgreSQL server);
a `Place` one copy of the warehouse, made cheaply from another: DuckDB copies the
warehouse and marts files, PostgreSQL creates a database from the other as its template
(nothing may be connected to a template, and nothing is: every connection the pipeline
opens is closed). "Published" means what readers see: DuckDB, the marts file
(FOOTPRINT_MARTS_PATH) and its bytes; PostgreSQL, the views in schema `marts`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from footprint.contract import FILES, NIGHTS_TABLE
from footprint.settings import Settings
from tests.support.pipeline import marts_checksum

_names = itertools.count()


# --- where a copy of the warehouse lives ------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Place:
    """One copy of the warehouse: a folder (DuckDB files, reports) and, on PostgreSQL, a database."""

    backend: Backend
    dir: Path
    database: str | None = None

    def settings(self, landing: Path | None = None, quality: Path | None = None) -> Settings:
        return Settings.from_env(self.settings_env(landing, quality))

    def settings_env(self, landing: Path | None = None, quality: Path | None = None) -> dict[str, str]:
        """The FOOTPRINT_* variables that make Settings.from_env() this place (for a subprocess)."""
        env = {
            "FOOTPRINT_TARGET": self.backend.name,
            "FOOTPRINT_DUCKDB_PATH": str(self.dir / "warehouse.duckdb"),
            "FOOTPRINT_LANDING_DIR": str(landing or self.backend.landing),
            "FOOTPRINT_REPORTS_DIR": str(self.dir / "reports"),
        }
        if quality:
            env["FOOTPRINT_QUALITY_PATH"] = str(quality)
        return env

    def environ(self) -> dict[str, str]:
        env = dict(self.backend.env)
        if self.database:
            env["PGDATABASE"] = self.database
        return env


@dataclasses.dataclass
class Backend:
    name: str
    root: Path
    landing: Path  # the generated nights, as delivered
    env: dict[str, str]  # what every run needs: the pseudonym key, dbt's own folders, PG*
    server: Any = None
    prefix: str = "wap"  # of the databases and folders it makes
    good: Place | None = None
    good_published: dict | None = None
    good_intermediate: dict | None = None

    def place(self, label: str) -> Place:
        """An empty warehouse."""
        name = f"{self.prefix}_{label}_{next(_names)}"
        folder = self.root / name
        folder.mkdir()
        if self.server is None:
            return Place(self, folder)
        self._admin(f'create database "{name}"')
        return Place(self, folder, name)

    def copy(self, source: Place, label: str = "case") -> Place:
        """A copy of `source` (no connection to it may be open: it is a template)."""
        name = f"{self.prefix}_{label}_{next(_names)}"
        folder = self.root / name
        folder.mkdir()
        if self.server is None:
            for file in ("warehouse.duckdb", "warehouse.duckdb.wal", "marts.duckdb"):
                if (source.dir / file).exists():
                    shutil.copyfile(source.dir / file, folder / file)
            return Place(self, folder)
        self._admin(f'create database "{name}" template "{source.database}"')
        return Place(self, folder, name)

    def discard(self, place: Place) -> None:
        if place.database:
            self._admin(f'drop database if exists "{place.database}" with (force)')
        shutil.rmtree(place.dir, ignore_errors=True)

    def _admin(self, sql: str) -> None:
        import psycopg2

        conn = psycopg2.connect(**self.server.connect_kwargs("postgres"))
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()


@contextlib.contextmanager
def environment(env: dict[str, str]):
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        yield


# --- what readers see, and what the warehouse keeps -------------------------------------------

def published(place: Place) -> dict:
    """Every published mart's checksum and the marts' "now"; on DuckDB also the file's bytes."""
    from footprint.warehouse import connect_marts, fetch_all, published_tables

    settings = place.settings()
    with connect_marts(settings) as conn:
        tables = published_tables(conn)
        assert "fct_missing_notifications" in tables, tables
        as_of = sorted(r[0] for r in fetch_all(conn, "select distinct as_of from marts.fct_missing_notifications"))
        state = {"marts": marts_checksum(conn, tables), "as_of": as_of}
    if settings.target == "duckdb":
        state["file_sha256"] = hashlib.sha256(settings.marts_path.read_bytes()).hexdigest()
    return state


def content(state: dict) -> dict:
    """The marts as data, whatever file or table versions hold them."""
    return {k: state[k] for k in ("marts", "as_of")}


def night_row(place: Place, night: dt.date) -> tuple[str, dict, dt.datetime] | None:
    from footprint.warehouse import connect, execute

    with connect(place.settings()) as conn:
        row = execute(conn, f"select status, validation_result, produced_at from raw.{NIGHTS_TABLE} "
                            "where extract_date = %s", (night,)).fetchone()
    if row is None:
        return None
    return row[0], json.loads(row[1]) if row[1] else {}, row[2]


def raw_counts(place: Place, night: dt.date) -> dict[str, int]:
    from footprint.warehouse import connect, execute

    with connect(place.settings()) as conn:
        return {
            spec.table: execute(conn, f"select count(*) from raw.{spec.table} where _extract_date = %s",
                                (night,)).fetchone()[0]
            for spec in FILES
        }
