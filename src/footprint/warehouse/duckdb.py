"""The embedded default: a DuckDB file for the warehouse, another for the published marts.

A DuckDB file has one writing process. The nightly steps write the warehouse
file (FOOTPRINT_DUCKDB_PATH) one at a time; readers open only the marts file
(FOOTPRINT_MARTS_PATH), which publish writes aside and renames into place, so
a BI tool holding it open never blocks the night and never sees raw data.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from footprint.errors import FootprintError, TransientError
from footprint.warehouse.base import (
    BUILD_SCHEMA,
    RAW,
    Connection,
    CsvFile,
    Cursor,
    LoadFailure,
    LoadStamp,
    Params,
)

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from footprint.settings import Settings

log = logging.getLogger(__name__)

_LINE = re.compile(r"CSV Error on Line: (\d+)")
_LOCK_HOLDER = re.compile(r"Could not set lock on file.*\(PID (\d+)\)")
# What DuckDB's CSV errors mean, by a phrase of their text (the rest of which quotes the file).
_CSV_FAULTS = (
    ("unterminated quote", "unterminated quote"),
    ("expected number of columns", "wrong number of fields"),
    ("invalid unicode", "not valid UTF-8"),
    ("maximum line size", "a record longer than DuckDB's maximum line size"),
    ("state machine", "not valid CSV (mixed line endings?)"),
)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _for_pandas(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """pandas keeps text as arrow large strings: from DuckDB's default arrow strings, to_pandas
    copies every text column (England's initial case notes: 7 s and 3.6 GB more at the peak).
    A setting rather than a connect() option: dbt's connection to the same file opens without it,
    and DuckDB refuses a second connection whose options differ."""
    conn.execute("set arrow_large_buffer_size = true")
    return conn


class DuckDBTarget:
    name = "duckdb"

    def connect(self, settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        import duckdb

        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = duckdb.connect(str(settings.duckdb_path), read_only=read_only, config=dict(settings.duckdb_config))
        except duckdb.IOException as exc:
            lock = _LOCK_HOLDER.search(str(exc))
            if lock is None:
                raise
            # Another process has the file open for writing: it lets go when it ends (a crashed
            # one already has, the kernel drops its lock), so a later try gets in.
            raise TransientError(f"{settings.duckdb_path}: the warehouse file is in use by another "
                                 f"process (PID {lock.group(1)}); try again once it has finished") from None
        return _for_pandas(conn)

    def connect_marts(self, settings: Settings) -> duckdb.DuckDBPyConnection:
        """The marts file attached read-only as catalog `marts`, whatever the file is called."""
        import duckdb

        if not settings.marts_path.exists():
            raise FootprintError(f"no published marts yet at {settings.marts_path}: run a night first")
        conn = duckdb.connect(":memory:", config=dict(settings.duckdb_config))
        conn.execute(f"attach '{_sql_path(settings.marts_path)}' as marts (read_only)")
        conn.execute("use marts")
        return _for_pandas(conn)

    def execute(self, conn: Connection, sql: str, params: Params = ()) -> Cursor:
        # On the connection itself: its cursor() is a second connection with a transaction of
        # its own, so work done through it would escape a `begin ... rollback` on the first.
        return _duck(conn).execute(sql.replace("%s", "?"), list(params))

    def frame(self, conn: Connection, sql: str, params: Params = ()) -> pd.DataFrame:
        return _duck(conn).sql(sql.replace("%s", "?"), params=list(params)).to_arrow_table().to_pandas()

    def frames(self, conn: Connection, sql: str, params: Params, rows: int) -> Iterator[pd.DataFrame]:
        import pyarrow as pa

        # A cursor of its own: a query on the connection would end the one being streamed. It
        # reads what is committed, as the gate's reads are.
        with _for_pandas(_duck(conn).cursor()) as cursor:
            reader = cursor.sql(sql.replace("%s", "?"), params=list(params)).to_arrow_reader(rows)
            pending = reader.schema.empty_table()
            # The reader's batches end at a row group (122,880 rows) whatever size is asked for.
            for batch in reader:
                pending = pa.concat_tables([pending, pa.Table.from_batches([batch])])
                while pending.num_rows >= rows:
                    yield pending.slice(0, rows).to_pandas()
                    pending = pending.slice(rows)
            if pending.num_rows:
                yield pending.to_pandas()

    def insert_rows(self, conn: Connection, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[str]]) -> None:
        # DuckDB binds a Python list as one LIST value; lists unnested side by side are the rows.
        by_column = [list(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in columns]
        lists = ", ".join("unnest(%s::text[])" for _ in columns)
        self.execute(conn, f"insert into {table} ({', '.join(columns)}) select {lists}", by_column)

    def tables(self, conn: Connection, schema: str, base_tables_only: bool = False) -> list[str]:
        kind = "and table_type = 'BASE TABLE' " if base_tables_only else ""
        rows = self.execute(
            conn,
            "select table_name from information_schema.tables where table_schema = %s "
            f"and table_catalog = current_database() {kind}order by table_name",
            (schema,),
        ).fetchall()
        return [r[0] for r in rows]

    def published_tables(self, conn: Connection) -> list[str]:
        rows = self.execute(conn, "select table_name from information_schema.tables "
                                  "where table_catalog = 'marts' and table_schema = 'main' order by 1").fetchall()
        return [r[0] for r in rows]

    def create_schema(self, conn: Connection, schema: str) -> None:
        self.execute(conn, f"create schema if not exists {schema}")

    def create_raw_tables(self, conn: Connection, tables: dict[str, Sequence[str]],
                          meta_types: dict[str, str]) -> None:
        for table, columns in tables.items():
            definitions = [f"{name} text" for name in columns]
            definitions += [f"{meta} {kind} not null" for meta, kind in meta_types.items()]
            self.execute(conn, f"create table if not exists {RAW}.{table} (\n    "
                               + ",\n    ".join(definitions) + "\n)")

    def raw_loader(self, conn: Connection) -> DuckDBRawLoader:
        return DuckDBRawLoader(_duck(conn))

    def publish(self, conn: Connection, settings: Settings, marts: list[str]) -> str:
        """The marts into a file of their own, written aside and renamed into place: rename(2) is
        atomic, so a reader opens either the old complete file or the new one. The restricted
        worklist stays in the warehouse file: the published file is for BI and holds only marts."""
        duck = _duck(conn)
        marts_path = settings.marts_path
        marts_path.parent.mkdir(parents=True, exist_ok=True)
        staging_file = marts_path.with_name(f".{marts_path.name}.{os.getpid()}.publishing")
        remove_publish_leftovers(marts_path)
        duck.execute(f"attach '{_sql_path(staging_file)}' as publishing")
        try:
            for table in marts:
                duck.execute(f"create table publishing.main.{table} as select * from {BUILD_SCHEMA}.{table}")
            duck.execute("checkpoint publishing")
        finally:
            duck.execute("detach publishing")
        os.replace(staging_file, marts_path)
        return str(marts_path)


def remove_publish_leftovers(marts_path: Path) -> list[Path]:
    """Delete what publishes that never finished left beside the marts file: their half-written
    `.<marts>.<pid>.publishing` file (and its WAL), for this process and any that is gone. A
    crash mid-publish leaves one; readers never open it, but it holds a copy of the marts."""
    removed = []
    pattern = re.compile(rf"^\.{re.escape(marts_path.name)}\.(\d+)\.publishing(\.wal)?$")
    for path in marts_path.parent.glob(f".{marts_path.name}.*.publishing*"):
        m = pattern.match(path.name)
        if m and (int(m.group(1)) == os.getpid() or not _alive(int(m.group(1)))):
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("removed %d file(s) left by a publish that never finished", len(removed))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class DuckDBRawLoader:
    """A night's files parsed by DuckDB's read_csv, in one transaction on one connection."""

    def __init__(self, conn: duckdb.DuckDBPyConnection):
        self.conn = conn

    def begin(self) -> None:
        self.conn.execute("begin transaction")

    def start_night(self, stamp: LoadStamp) -> None:
        """Nothing to prepare: every metadata value is a bound parameter."""

    def load_file(self, f: CsvFile, stamp: LoadStamp) -> int:
        self.conn.execute(f"delete from {RAW}.{f.table} where _extract_date = ?", [stamp.extract_date])
        # Columns named by position (c1..cN) from our own header read: no sniffing, and no
        # dependence on how DuckDB would rename an odd or duplicated header name.
        columns = "{" + ", ".join(f"'c{i + 1}': 'VARCHAR'" for i in range(len(f.header))) + "}"
        select = ", ".join(f"c{i + 1}" for i in f.select)
        sql = (
            f"insert into {RAW}.{f.table} ({', '.join([*f.columns, *f.meta_columns])}) "
            f"select {select}, ?, ?, ?, row_number() over (), ? "
            f"from read_csv(?, columns = {columns}, header = true, auto_detect = false, "
            "all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            "encoding = 'utf-8', null_padding = false, ignore_errors = false)"
        )
        # row_number() over () runs as DuckDB's streaming window, which keeps the scan's order
        # (insertion order is preserved by default), so it numbers records as they are in the file.
        params = [stamp.extract_date, stamp.produced_at, f.name, stamp.loaded_at, str(f.path)]
        row = self.conn.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    def failure(self, exc: Exception) -> LoadFailure | None:
        import duckdb

        if not isinstance(exc, duckdb.Error):
            return None
        text = str(exc)  # read for its kind and line number only: it quotes the offending line
        m = _LINE.search(text)
        line = int(m.group(1)) if m else None
        lowered = text.lower()
        for needle, what in _CSV_FAULTS:
            if needle in lowered:
                return LoadFailure(True, line, what)
        if m or isinstance(exc, duckdb.InvalidInputException):
            return LoadFailure(True, line, f"not readable as CSV ({type(exc).__name__})")
        # A full disk or a lost lock is an IOException; memory runs out with OutOfMemoryException.
        transient = isinstance(exc, duckdb.IOException | duckdb.OutOfMemoryException)
        return LoadFailure(False, None, f"DuckDB failed while loading it ({type(exc).__name__}; its message "
                                        "is withheld because it can quote the file)", transient=transient)

    def end_night(self) -> None:
        """Nothing to undo."""

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        try:
            self.conn.rollback()
        except Exception:  # noqa: BLE001 - nothing to roll back is fine
            log.debug("rollback: nothing to roll back")


def _duck(conn: Connection) -> duckdb.DuckDBPyConnection:
    import duckdb

    assert isinstance(conn, duckdb.DuckDBPyConnection), "a DuckDB connection"
    return conn
