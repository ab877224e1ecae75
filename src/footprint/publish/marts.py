"""Publish the built marts to readers, all at once (write-audit-publish).

dbt builds the marts into the warehouse schema `marts_build`. Readers never
see that schema; they see what this module publishes after the quality gate
and dbt's own tests have passed:

* DuckDB: a file of its own (FOOTPRINT_MARTS_PATH) holding nothing but the
  marts (in its default schema, so `marts.<table>` reads them when the file is
  attached as `marts`, and plain `<table>` when a BI tool opens it), written
  aside and renamed into place. A BI tool holding the old file open read-only
  keeps reading the old inode and never blocks the nightly run, and it has no
  access to raw case notes. The restricted worklist stays in the warehouse
  file (`restricted_build`).
* PostgreSQL: each publish moves the built tables into `marts_versions` under
  a new version suffix and repoints the views in `marts` (and the restricted
  worklist's in `restricted`) in one transaction. `create or replace view`
  keeps the view's grants, and default privileges cover a view created for
  the first time.

How each target does it is in footprint.warehouse.duckdb / .postgres.
"""

from __future__ import annotations

import logging

from footprint.errors import FootprintError
from footprint.settings import Settings
from footprint.warehouse import Connection, connect, target_of
from footprint.warehouse.base import BUILD_SCHEMA, PUBLISHED_SCHEMA

log = logging.getLogger(__name__)

__all__ = ["BUILD_SCHEMA", "PUBLISHED_SCHEMA", "built_tables", "publish"]


def built_tables(conn: Connection, schema: str = BUILD_SCHEMA) -> list[str]:
    return target_of(conn).tables(conn, schema, base_tables_only=True)


def publish(settings: Settings | None = None) -> dict:
    settings = settings or Settings.from_env()
    with connect(settings) as conn:
        tables = built_tables(conn)
        if not tables:
            raise FootprintError(f"nothing to publish: schema {BUILD_SCHEMA} has no tables (run dbt build first)")
        where = target_of(conn).publish(conn, settings, tables)
    log.info("published %d marts to %s", len(tables), where)
    return {"tables": tables, "published_to": where}
