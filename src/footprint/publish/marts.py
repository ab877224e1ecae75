"""Publish the built marts to readers, all at once (write-audit-publish).

dbt builds the marts into the warehouse schema `marts_build`. Readers never
see that schema; they see what this module publishes after the quality gate
and dbt's own tests have passed:

* DuckDB: a file of its own (FOOTPRINT_MARTS_PATH) holding nothing but the
  marts (in its default schema, so `marts.<table>` reads them when the file is attached
  as `marts`, and plain `<table>` when a BI tool opens it), written aside and renamed into place. A BI tool holding the old file
  open read-only keeps reading the old inode and never blocks the nightly run,
  and it has no access to raw case notes.
* PostgreSQL: each publish moves the built tables into `marts_versions` under
  a new version suffix and repoints the views in `marts` (and the restricted
  worklist's in `restricted`) in one transaction. `create or replace view`
  keeps the view's grants, and default privileges cover a view created for
  the first time.

On DuckDB the restricted worklist stays in the warehouse file
(`restricted_build`): the published file is for BI and holds only the marts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from footprint.errors import FootprintError
from footprint.settings import Settings
from footprint.warehouse import execute, is_duckdb

log = logging.getLogger(__name__)

BUILD_SCHEMA = "marts_build"
PUBLISHED_SCHEMA = "marts"
VERSIONS_SCHEMA = "marts_versions"
# build schema -> schema readers see, on PostgreSQL
POSTGRES_PUBLICATIONS = ((BUILD_SCHEMA, PUBLISHED_SCHEMA), ("restricted_build", "restricted"))
KEEP_VERSIONS = 2  # the live one and the one before it, for readers mid-query


def built_tables(conn, schema: str = BUILD_SCHEMA) -> list[str]:
    catalog = "and table_catalog = current_database() " if is_duckdb(conn) else ""
    rows = execute(
        conn,
        "select table_name from information_schema.tables where table_schema = %s "
        f"{catalog}and table_type = 'BASE TABLE' order by table_name",
        (schema,),
    ).fetchall()
    return [r[0] for r in rows]


def publish(settings: Settings | None = None) -> dict:
    settings = settings or Settings.from_env()
    from footprint.warehouse import connect

    with connect(settings) as conn:
        tables = built_tables(conn)
        if not tables:
            raise FootprintError(f"nothing to publish: schema {BUILD_SCHEMA} has no tables (run dbt build first)")
        if settings.target == "duckdb":
            _publish_duckdb(conn, tables, settings.marts_path)
            where = str(settings.marts_path)
        else:
            _publish_postgres(conn, {published: built_tables(conn, built)
                                     for built, published in POSTGRES_PUBLICATIONS})
            where = f"schema {PUBLISHED_SCHEMA}"
    log.info("published %d marts to %s", len(tables), where)
    return {"tables": tables, "published_to": where}


def _publish_duckdb(conn, tables: list[str], marts_path: Path) -> None:
    marts_path.parent.mkdir(parents=True, exist_ok=True)
    staging_file = marts_path.with_name(f".{marts_path.name}.{os.getpid()}.publishing")
    for leftover in (staging_file, Path(str(staging_file) + ".wal")):
        leftover.unlink(missing_ok=True)
    conn.execute(f"attach '{staging_file}' as publishing")
    try:
        for table in tables:
            conn.execute(f"create table publishing.main.{table} as select * from {BUILD_SCHEMA}.{table}")
        conn.execute("checkpoint publishing")
    finally:
        conn.execute("detach publishing")
    # rename(2) is atomic: a reader opens either the old complete file or the new one.
    os.replace(staging_file, marts_path)


def _publish_postgres(conn, tables_by_schema: dict[str, list[str]]) -> None:
    """Switch every view in one transaction. A BI session holding a transaction open keeps
    the views locked; rather than queue every new reader behind a waiting switch, each try
    gives up after a short lock timeout, rolls back whole, and tries again a little later."""
    import psycopg2.errors

    attempts = int(os.environ.get("FOOTPRINT_PUBLISH_ATTEMPTS", "20"))
    for attempt in range(1, attempts + 1):
        try:
            _switch_views(conn, tables_by_schema)
            break
        except psycopg2.errors.LockNotAvailable:
            conn.rollback()
            if attempt == attempts:
                raise FootprintError(
                    f"publish gave up after {attempts} tries: readers kept the marts locked; rerun publish_marts"
                ) from None
            log.warning("marts locked by a reader; publish retries (%d of %d)", attempt, attempts)
            time.sleep(min(30, 2 * attempt))
    _drop_old_versions(conn, [t for tables in tables_by_schema.values() for t in tables])


def _switch_views(conn, tables_by_schema: dict[str, list[str]]) -> None:
    version = dt.datetime.now(dt.UTC).strftime("v%Y%m%d%H%M%S%f")
    cur = conn.cursor()
    cur.execute("set local lock_timeout = '5s'")
    cur.execute(f"create schema if not exists {VERSIONS_SCHEMA}")
    built_in = dict((published, built) for built, published in POSTGRES_PUBLICATIONS)
    for schema, tables in tables_by_schema.items():
        cur.execute(f"create schema if not exists {schema}")
        for table in tables:
            versioned = f"{table}__{version}"
            cur.execute(f"alter table {built_in[schema]}.{table} set schema {VERSIONS_SCHEMA}")
            cur.execute(f"alter table {VERSIONS_SCHEMA}.{table} rename to {versioned}")
            select = f"select * from {VERSIONS_SCHEMA}.{versioned}"
            cur.execute("savepoint repoint")
            try:
                cur.execute(f"create or replace view {schema}.{table} as {select}")
            except Exception:  # columns changed shape: a new view, grants from default privileges
                cur.execute("rollback to savepoint repoint")
                cur.execute(f"drop view if exists {schema}.{table}")
                cur.execute(f"create view {schema}.{table} as {select}")
    conn.commit()


def _drop_old_versions(conn, tables: list[str]) -> None:
    """Keep the live version and the one before it: a reader mid-query may still use it."""
    cur = conn.cursor()
    for table in tables:
        cur.execute(
            "select table_name from information_schema.tables where table_schema = %s "
            "and table_name like %s order by table_name desc",
            (VERSIONS_SCHEMA, f"{table}\\_\\_v%"),
        )
        for (old,) in cur.fetchall()[KEEP_VERSIONS:]:
            cur.execute(f"drop table if exists {VERSIONS_SCHEMA}.{old}")
    conn.commit()
