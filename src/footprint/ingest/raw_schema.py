"""The raw layout that dbt's sources, the quality gate and the roles build on.

* schema `raw`, one table per contract file (FileSpec.table): the contract
  columns in contract order, all text (typing is dbt staging's job), then the
  load metadata META_COLUMNS: `_extract_date` date, `_produced_at` timestamp
  (the manifest's), `_source_file` text, `_source_row` bigint (CSV record
  number, 1 = first data record), `_loaded_at` timestamp (UTC). On PostgreSQL
  four of them are domains over those types (footprint.warehouse.postgres);
* `raw.extract_nights`: one row per night, its manifest facts and its state
  (`loaded`, then `accepted` or `rejected` by the quality gate);
* `raw.child_pseudonyms` and `raw.pseudonym_key`: see footprint.ingest.pseudonym.
"""

from __future__ import annotations

from footprint.contract import FILES, NIGHTS_TABLE
from footprint.warehouse import Connection, execute, target_of
from footprint.warehouse.base import RAW

META_TYPES = {
    "_extract_date": "date",
    "_produced_at": "timestamp",
    "_source_file": "text",
    "_source_row": "bigint",
    "_loaded_at": "timestamp",
}

NIGHTS_COLUMNS = (
    "extract_date", "produced_at", "source_system", "load_type", "status", "row_counts",
    "manifest_sha256", "loaded_at", "validated_at", "validation_result",
)

NIGHTS_DDL = f"""create table if not exists {RAW}.{NIGHTS_TABLE} (
    extract_date date primary key,
    produced_at timestamp,
    source_system text,
    load_type text,
    status text not null,
    row_counts text,
    manifest_sha256 text,
    loaded_at timestamp,
    validated_at timestamp,
    validation_result text
)"""


def ensure_raw_schema(conn: Connection) -> None:
    """Create the raw schema and tables that are missing; the caller commits."""
    from footprint.ingest.pseudonym import ensure_tables

    target = target_of(conn)
    target.create_schema(conn, RAW)
    target.create_raw_tables(conn, {spec.table: spec.column_names for spec in FILES}, META_TYPES)
    execute(conn, NIGHTS_DDL)
    ensure_tables(conn)
