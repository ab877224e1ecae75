"""Publishing on PostgreSQL: the built marts move under a version suffix into `marts_versions`
and the views readers query are repointed in one transaction; old versions are dropped."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from typing import TYPE_CHECKING

from footprint.errors import TransientError
from footprint.warehouse.postgres import KEEP_VERSIONS, PUBLICATIONS, VERSIONS_SCHEMA

if TYPE_CHECKING:
    from psycopg2.extensions import connection as PgConnection

log = logging.getLogger("footprint.warehouse.postgres")


def switch_with_retries(conn: PgConnection, tables_by_schema: dict[str, list[str]]) -> None:
    import psycopg2.errors

    attempts = int(os.environ.get("FOOTPRINT_PUBLISH_ATTEMPTS", "20"))
    for attempt in range(1, attempts + 1):
        try:
            _switch_views(conn, tables_by_schema)
            return
        except psycopg2.errors.LockNotAvailable:
            conn.rollback()
            if attempt == attempts:
                raise TransientError(
                    f"publish gave up after {attempts} tries: readers kept the marts locked; rerun publish_marts"
                ) from None
            log.warning("marts locked by a reader; publish retries (%d of %d)", attempt, attempts)
            time.sleep(min(30, 2 * attempt))


def _switch_views(conn: PgConnection, tables_by_schema: dict[str, list[str]]) -> None:
    version = dt.datetime.now(dt.UTC).strftime("v%Y%m%d%H%M%S%f")
    cur = conn.cursor()
    cur.execute("set local lock_timeout = '5s'")
    cur.execute(f"create schema if not exists {VERSIONS_SCHEMA}")
    built_in = {published: built for built, published in PUBLICATIONS}
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


# The version tables a published view reads, from the view's rewrite rule.
_LIVE_VERSION = """
select distinct t.relname from pg_depend d
join pg_rewrite r on r.oid = d.objid
join pg_class v on v.oid = r.ev_class
join pg_namespace vn on vn.oid = v.relnamespace
join pg_class t on t.oid = d.refobjid
join pg_namespace tn on tn.oid = t.relnamespace
where vn.nspname = %s and v.relname = %s and tn.nspname = %s and t.relkind = 'r'
"""


def drop_old_versions(conn: PgConnection, tables_by_schema: dict[str, list[str]]) -> None:
    """Keep the version each view reads and the one published before it (a reader mid-query
    may still use it); drop every other, an orphan no view reads included."""
    cur = conn.cursor()
    for schema, tables in tables_by_schema.items():
        for table in tables:
            cur.execute(
                "select table_name from information_schema.tables where table_schema = %s "
                "and table_name like %s order by table_name desc",
                (VERSIONS_SCHEMA, f"{table}\\_\\_v%"),
            )
            versions = [r[0] for r in cur.fetchall()]
            cur.execute(_LIVE_VERSION, (schema, table, VERSIONS_SCHEMA))
            live = {r[0] for r in cur.fetchall()}
            if live:  # names sort by time: the newest older than the live one was published before it
                keep = live | set([v for v in versions if v < min(live)][: KEEP_VERSIONS - 1])
            else:  # no view reads one this role can see: keep the newest, as a publish would leave them
                keep = set(versions[:KEEP_VERSIONS])
            for old in versions:
                if old not in keep:
                    cur.execute(f"drop table if exists {VERSIONS_SCHEMA}.{old}")
    conn.commit()
