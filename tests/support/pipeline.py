"""Helpers for end-to-end tests: realistic generated nights, and a mart checksum."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

START = dt.date(2022, 3, 1)


def write_nights(landing: Path, nights: int = 1, preset: str = "small", seed: int = 7,
                 history_years: int = 1) -> list[Path]:
    """An initial load on START, then `nights` nightly folders."""
    from footprint.devtools.generate import generate

    return generate(landing, preset, START, nights, history_years, seed)


def marts_checksum(conn, tables: list[str], schema: str = "marts") -> dict[str, str]:
    """A digest per mart of every row, ordered: equal digests mean equal marts."""
    digests = {}
    cur = conn.cursor()
    for table in tables:
        cur.execute(f"select * from {schema}.{table}")
        rows = sorted(tuple("" if v is None else str(v) for v in row) for row in cur.fetchall())
        digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests
