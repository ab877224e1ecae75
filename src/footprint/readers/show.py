"""`footprint show`: what the warehouse holds.

The nights in raw.extract_nights (date, load type, status, rows), the row
count of every raw table, and the published marts with their row counts.
Counts and states only: nothing from the data itself is printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from footprint.contract import FILES, NIGHTS_TABLE
from footprint.settings import Settings
from footprint.warehouse import Connection


@dataclass
class Night:
    extract_date: str
    load_type: str
    status: str
    rows: int


@dataclass
class Summary:
    target: str
    location: str
    nights: list[Night] = field(default_factory=list)
    raw_rows: dict[str, int] = field(default_factory=dict)  # raw table -> rows
    marts: dict[str, int] | None = None  # published mart -> rows; None = nothing published


def _tables(conn: Connection, schema: str) -> set[str]:
    from footprint.warehouse import execute

    rows = execute(conn, "select table_name from information_schema.tables where table_schema = %s", (schema,))
    return {r[0] for r in rows.fetchall()}


def summarise(settings: Settings | None = None) -> Summary:
    from footprint.errors import FootprintError
    from footprint.warehouse import connect, connect_marts, execute, fetch_value, published_tables

    settings = settings or Settings.from_env()
    if settings.target == "duckdb":
        summary = Summary("duckdb", str(settings.duckdb_path))
        if not settings.duckdb_path.exists():
            return summary
    else:
        summary = Summary("postgres", "the PG* database")
    with connect(settings, read_only=True) as conn:
        raw = _tables(conn, "raw")
        if NIGHTS_TABLE in raw:
            for date, load_type, status, counts in execute(
                conn, f"select extract_date, load_type, status, row_counts from raw.{NIGHTS_TABLE} "
                "order by extract_date"
            ).fetchall():
                rows = sum(json.loads(counts).values()) if counts else 0
                summary.nights.append(Night(str(date), load_type or "", status or "", rows))
        for table in [spec.table for spec in FILES] + ["child_pseudonyms"]:
            if table in raw:
                summary.raw_rows[table] = int(fetch_value(conn, f"select count(*) from raw.{table}"))
    try:
        with connect_marts(settings) as conn:
            summary.marts = {
                table: int(fetch_value(conn, f"select count(*) from marts.{table}"))
                for table in published_tables(conn)
            } or None
    except FootprintError:
        summary.marts = None
    return summary


def render(summary: Summary) -> str:
    out = [f"warehouse: {summary.target} ({summary.location})"]
    if not summary.nights and not summary.raw_rows:
        out.append("  nothing loaded yet")
        return "\n".join(out)
    out.append("")
    out.append(f"{'night':<12} {'load type':<10} {'status':<10} {'rows':>12}")
    for n in summary.nights:
        out.append(f"{n.extract_date:<12} {n.load_type:<10} {n.status:<10} {n.rows:>12,}")
    out.append("")
    out.append(f"{'raw table':<28} {'rows':>12}")
    for table, rows in summary.raw_rows.items():
        out.append(f"{table:<28} {rows:>12,}")
    out.append("")
    if summary.marts:
        out.append(f"{'published mart':<28} {'rows':>12}")
        for table, rows in summary.marts.items():
            out.append(f"{table:<28} {rows:>12,}")
    else:
        out.append("no marts published yet")
    return "\n".join(out)
