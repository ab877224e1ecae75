"""What the stages hand a warehouse target, and what every target provides.

The stages (ingest, gate, publish, readers) speak SQL that both engines
accept; where the engines differ (connecting, bulk writes, parsing a CSV
file into raw, swapping the published marts) each target implements the
same `Target` protocol in a module of its own: `duckdb.py`, `postgres.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    from psycopg2.extensions import connection as PgConnection
    from psycopg2.extensions import cursor as PgCursor

    from footprint.settings import Settings

# A DB-API connection to either engine; the caller commits.
Connection: TypeAlias = "duckdb.DuckDBPyConnection | PgConnection"
# What `execute` returns: something with fetchone/fetchall (a DuckDB connection is its own cursor).
Cursor: TypeAlias = "duckdb.DuckDBPyConnection | PgCursor"
Params: TypeAlias = "Sequence[Any]"

RAW = "raw"
# dbt builds the marts here; readers never see it (write-audit-publish).
BUILD_SCHEMA = "marts_build"
PUBLISHED_SCHEMA = "marts"
# The worklist with the person ids the IRO service needs: PostgreSQL publishes it to its own schema.
RESTRICTED_BUILD_SCHEMA = "restricted_build"
RESTRICTED_SCHEMA = "restricted"


@dataclass(frozen=True)
class LoadStamp:
    """The load metadata every row of one night carries."""

    extract_date: dt.date
    produced_at: dt.datetime  # the manifest's, Europe/London wall clock
    loaded_at: dt.datetime  # UTC


@dataclass(frozen=True)
class CsvFile:
    """One contract file of a night, as the database is to parse it into `raw.<table>`."""

    table: str
    name: str  # the file name, stored as _source_file
    path: Path
    header: tuple[str, ...]  # the file's header, as read by the loader
    select: tuple[int, ...]  # 0-based header positions of the contract columns, in contract order
    columns: tuple[str, ...]  # the contract columns, in contract order
    meta_columns: tuple[str, ...]  # the load metadata columns that follow them

    @property
    def only_contract_columns(self) -> bool:
        return len(self.header) == len(self.columns)


@dataclass(frozen=True)
class LoadFailure:
    """A database error while loading a file, in our own words."""

    in_data: bool  # the file's content: locate it; else the database itself (disk, rights…)
    line: int | None  # the database's physical line, when it said
    what: str
    transient: bool = False  # not the data: a lost connection, a lock, a full disk (worth a retry)


class RawLoader(Protocol):
    """One night's load on one connection: begin, load each file, end, commit (or roll back)."""

    def begin(self) -> None: ...

    def start_night(self, stamp: LoadStamp) -> None: ...

    def load_file(self, f: CsvFile, stamp: LoadStamp) -> int: ...

    def failure(self, exc: Exception) -> LoadFailure | None:
        """`exc` from load_file in our words, or None if it is not the database's."""

    def end_night(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class Target(Protocol):
    """One warehouse engine."""

    name: str

    def connect(self, settings: Settings, read_only: bool = False) -> Connection: ...

    def connect_marts(self, settings: Settings) -> Connection: ...

    def execute(self, conn: Connection, sql: str, params: Params = ()) -> Cursor: ...

    def frame(self, conn: Connection, sql: str, params: Params = ()) -> pd.DataFrame: ...

    def frames(self, conn: Connection, sql: str, params: Params, rows: int) -> Iterator[pd.DataFrame]: ...

    def insert_rows(self, conn: Connection, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[str]]) -> None: ...

    def tables(self, conn: Connection, schema: str, base_tables_only: bool = False) -> list[str]: ...

    def published_tables(self, conn: Connection) -> list[str]: ...

    def create_schema(self, conn: Connection, schema: str) -> None: ...

    def create_raw_tables(self, conn: Connection, tables: dict[str, Sequence[str]],
                          meta_types: dict[str, str]) -> None:
        """Each missing `raw.<table>`: its text `columns`, then the typed load metadata."""

    def raw_loader(self, conn: Connection) -> RawLoader: ...

    def publish(self, conn: Connection, settings: Settings, marts: list[str]) -> str:
        """Make the built `marts` (and the restricted worklist) what readers see, all at once;
        return where they now are."""
