"""Connections to the warehouse: a DuckDB file (embedded default) or PostgreSQL (PG* env)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from footprint.settings import Settings

SCHEMAS = ("raw", "staging", "intermediate", "marts")


@contextlib.contextmanager
def connect(settings: Settings | None = None, read_only: bool = False) -> Iterator:
    """Yield a DB-API connection to the warehouse; the caller commits.

    DuckDB: a connection to the warehouse file. PostgreSQL: psycopg2 with the
    standard PG* variables (libpq reads them itself).
    """
    settings = settings or Settings.from_env()
    if settings.target == "duckdb":
        import duckdb

        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(settings.duckdb_path), read_only=read_only)
    else:
        import psycopg2

        conn = psycopg2.connect("")
        if read_only:
            conn.set_session(readonly=True)
    try:
        yield conn
    finally:
        conn.close()


def fetch_all(conn, sql: str, params: tuple | list = ()) -> list[tuple]:
    """All rows of one query on either driver (`%s` placeholders, as for `execute`)."""
    return execute(conn, sql, params).fetchall()


def is_duckdb(conn) -> bool:
    # duckdb 2.x's connection class lives in the `_duckdb` extension module.
    return type(conn).__module__.lstrip("_").startswith("duckdb")


@contextlib.contextmanager
def connect_marts(settings: Settings | None = None) -> Iterator:
    """Yield a read-only connection where the *published* marts are `marts.<table>`.

    DuckDB: the separate marts file (FOOTPRINT_MARTS_PATH) that BI tools open, attached
    read-only as catalog `marts` whatever the file is called.
    PostgreSQL: the warehouse database, whose `marts` schema holds the published views.
    """
    settings = settings or Settings.from_env()
    if settings.target == "duckdb":
        import duckdb

        if not settings.marts_path.exists():
            from footprint.errors import FootprintError

            raise FootprintError(f"no published marts yet at {settings.marts_path}: run a night first")
        conn = duckdb.connect(":memory:")
        path = str(settings.marts_path).replace("'", "''")
        conn.execute(f"attach '{path}' as marts (read_only)")
        conn.execute("use marts")
    else:
        import psycopg2

        conn = psycopg2.connect("")
        conn.set_session(readonly=True)
    try:
        yield conn
    finally:
        conn.close()


def execute(conn, sql: str, params: tuple | list = ()):
    """Run one statement on either driver, inside the connection's transaction; return
    something with fetchone/fetchall.

    `sql` uses psycopg2's `%s` placeholders (and no literal `%`); DuckDB gets `?`.
    On DuckDB this runs on the connection itself: its `cursor()` is a second
    connection with a transaction of its own, so work done through it escapes a
    `begin ... rollback` on the first.
    """
    if is_duckdb(conn):
        return conn.execute(sql.replace("%s", "?"), list(params))
    cur = conn.cursor()
    cur.execute(sql, params) if params else cur.execute(sql)
    return cur


def published_tables(conn) -> list[str]:
    """Names of the published marts on a `connect_marts` connection (tables on DuckDB, views on PostgreSQL)."""
    if is_duckdb(conn):
        sql = ("select table_name from information_schema.tables "
               "where table_catalog = 'marts' and table_schema = 'main' order by 1")
    else:
        sql = "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    return [r[0] for r in execute(conn, sql).fetchall()]
