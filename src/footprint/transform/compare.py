"""Build the models under other criteria, apart from everything live, and read what they give.

`footprint criteria compare OTHER.yml` needs the notifications as the other
criteria would categorise them, without touching the published marts or the
nightly run:

* DuckDB: a file of its own beside the warehouse (`compare.duckdb`), holding a
  copy of `raw` and `review` taken through a read-only attach of the warehouse
  (a night being loaded is never half-copied: the warehouse's writer holds the
  file), then dbt builds there. The copy holds the extract's text, like the
  warehouse: it is removed after the comparison unless kept.
* PostgreSQL: the same database, every dbt schema prefixed (`compare_staging`,
  ..., `compare_marts_build`) through the `schema_prefix` var; sources are the
  live `raw` and `review`, read only. The schemas are dropped afterwards unless kept.

dbt builds models and seeds only: the data tests guard what gets published, and
nothing here is published.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from footprint.errors import FootprintError
from footprint.settings import Settings
from footprint.warehouse import Connection, connect, execute

PREFIX = "compare_"
# The dbt schemas (generate_schema_name) a comparison builds under PREFIX on PostgreSQL.
DBT_SCHEMAS = ("seeds", "staging", "intermediate", "marts_build", "restricted_build")
COPIED_SCHEMAS = ("raw", "review")
COLUMNS = ("notification_key", "notification_id", "is_notified", "iro_professional_id", "iro_name",
           "period_date", "computed_category", "footprint_category", "is_awaiting_footprint", "criteria_version",
           "as_of")


def compare_file(settings: Settings) -> Path:
    return settings.duckdb_path.with_name("compare.duckdb")


@contextmanager
def built_under(settings: Settings, criteria_path: Path, keep: bool = False) -> Iterator[Connection]:
    """A connection on which `marts_build.fct_missing_notifications` holds the rows under the
    other criteria (on PostgreSQL: `compare_marts_build`, see `notifications_relation`)."""
    from footprint.transform.criteria import criteria_vars

    criteria_vars(criteria_path)  # refused before anything is built
    if settings.target == "duckdb":
        with _duckdb_build(settings, criteria_path, keep) as conn:
            yield conn
    else:
        with _postgres_build(settings, criteria_path, keep) as conn:
            yield conn


def notifications_relation(settings: Settings) -> str:
    schema = "marts_build" if settings.target == "duckdb" else PREFIX + "marts_build"
    return f"{schema}.fct_missing_notifications"


def read_rows(conn: Connection, relation: str) -> dict[str, dict[str, Any]]:
    cur = execute(conn, f"select {', '.join(COLUMNS)} from {relation}")
    return {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()}


def _build(settings: Settings, project_vars: dict[str, Any] | None = None) -> None:
    from footprint.transform.dbt_runner import run_dbt

    run_dbt(["build", "--quiet", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
            settings, project_vars=project_vars)


@contextmanager
def _duckdb_build(settings: Settings, criteria_path: Path, keep: bool) -> Iterator[Connection]:
    import duckdb

    if not settings.duckdb_path.exists():
        raise FootprintError(f"no warehouse at {settings.duckdb_path}: run a night first")
    target = compare_file(settings)
    _remove(target)
    _copy_sources(settings.duckdb_path, target)
    _build(dataclasses.replace(settings, duckdb_path=target, criteria_path=criteria_path))
    conn = duckdb.connect(str(target), read_only=True)
    try:
        yield conn
    finally:
        conn.close()
        if not keep:
            _remove(target)


def _copy_sources(warehouse: Path, target: Path) -> None:
    import duckdb

    conn = duckdb.connect(str(target))
    try:
        try:
            conn.execute(f"attach '{_sql_path(warehouse)}' as live (read_only)")
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise FootprintError(f"the warehouse {warehouse} is in use (the nightly run holds it): "
                                     "compare when the run has finished") from None
            raise
        for schema in COPIED_SCHEMAS:
            conn.execute(f"create schema if not exists {schema}")
            tables = conn.execute("select table_name from information_schema.tables where table_catalog = 'live' "
                                  "and table_schema = ? and table_type = 'BASE TABLE'", [schema]).fetchall()
            for (table,) in tables:
                conn.execute(f"create table {schema}.{table} as select * from live.{schema}.{table}")
        conn.execute("detach live")
    finally:
        conn.close()


def _remove(path: Path) -> None:
    for leftover in (path, Path(str(path) + ".wal")):
        leftover.unlink(missing_ok=True)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


@contextmanager
def _postgres_build(settings: Settings, criteria_path: Path, keep: bool) -> Iterator[Connection]:
    from footprint.publish.roles import TRANSFORMER, acting_as

    with acting_as(TRANSFORMER):
        _build(dataclasses.replace(settings, criteria_path=criteria_path), {"schema_prefix": PREFIX})
        try:
            with connect(settings, read_only=True) as conn:
                yield conn
        finally:
            if not keep:
                _drop_compare_schemas(settings)


def _drop_compare_schemas(settings: Settings) -> None:
    with connect(settings) as conn:
        for schema in DBT_SCHEMAS:
            execute(conn, f"drop schema if exists {PREFIX}{schema} cascade")
        conn.commit()
