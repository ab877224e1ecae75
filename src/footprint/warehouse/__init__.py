"""The warehouse: a DuckDB file (embedded default) or PostgreSQL (PG* variables).

Everything that differs between the two engines lives in one module per
target (`duckdb.py`, `postgres.py`, both implementing `base.Target`); the
stages call the functions here, which pick the target from the settings or
from the connection they are given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from footprint.settings import Settings
from footprint.warehouse.base import Connection, Cursor, Params, Target

if TYPE_CHECKING:
    import pandas as pd

SCHEMAS = ("raw", "staging", "intermediate", "marts")


def target_named(name: str) -> Target:
    if name == "duckdb":
        from footprint.warehouse.duckdb import DuckDBTarget

        return DuckDBTarget()
    from footprint.warehouse.postgres import PostgresTarget

    return PostgresTarget()


def target_of(conn: Connection) -> Target:
    return target_named("duckdb" if is_duckdb(conn) else "postgres")


def is_duckdb(conn: object) -> bool:
    # duckdb 2.x's connection class lives in the `_duckdb` extension module.
    return type(conn).__module__.lstrip("_").startswith("duckdb")


@contextlib.contextmanager
def connect(settings: Settings | None = None, read_only: bool = False) -> Iterator[Connection]:
    """A DB-API connection to the warehouse, closed on leaving the block; the caller commits."""
    settings = settings or Settings.from_env()
    conn = target_named(settings.target).connect(settings, read_only=read_only)
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def connect_marts(settings: Settings | None = None) -> Iterator[Connection]:
    """A read-only connection where the *published* marts are `marts.<table>`.

    DuckDB: the separate marts file (FOOTPRINT_MARTS_PATH) that BI tools open.
    PostgreSQL: the warehouse database, whose `marts` schema holds the published views.
    """
    settings = settings or Settings.from_env()
    conn = target_named(settings.target).connect_marts(settings)
    try:
        yield conn
    finally:
        conn.close()


def execute(conn: Connection, sql: str, params: Params = ()) -> Cursor:
    """Run one statement on either engine, inside the connection's transaction; return
    something with fetchone/fetchall. `sql` uses `%s` placeholders (and no literal `%`)."""
    return target_of(conn).execute(conn, sql, params)


def fetch_all(conn: Connection, sql: str, params: Params = ()) -> list[tuple]:
    """All rows of one query on either engine (`%s` placeholders, as for `execute`)."""
    return execute(conn, sql, params).fetchall()


def fetch_value(conn: Connection, sql: str, params: Params = ()) -> Any:
    """The first column of the first row, or None when there is no row."""
    row = execute(conn, sql, params).fetchone()
    return row[0] if row else None


def frame(conn: Connection, sql: str, params: Params = ()) -> pd.DataFrame:
    """One query into pandas: DuckDB through Arrow, PostgreSQL through the cursor."""
    return target_of(conn).frame(conn, sql, params)


def frames(conn: Connection, sql: str, params: Params, rows: int) -> Iterator[pd.DataFrame]:
    """One query into pandas `rows` rows at a time, read as they are needed: the connection
    stays free for other queries between two frames."""
    return target_of(conn).frames(conn, sql, params, rows)


def published_tables(conn: Connection) -> list[str]:
    """Names of the published marts on a `connect_marts` connection (tables on DuckDB, views on PostgreSQL)."""
    return target_of(conn).published_tables(conn)


__all__ = [
    "SCHEMAS", "Connection", "Cursor", "Params", "Target", "connect", "connect_marts", "execute",
    "fetch_all", "fetch_value", "frame", "frames", "is_duckdb", "published_tables", "target_named", "target_of",
]
