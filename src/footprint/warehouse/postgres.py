"""The production target: PostgreSQL, reached through the standard PG* variables (libpq reads them).

Readers see views in `marts` (and `restricted`); each publish moves the
built tables under a new version suffix into `marts_versions` and repoints
the views in one transaction. The raw load COPYs files through the server's
own CSV parser.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from footprint.errors import TransientError
from footprint.warehouse.base import (
    BUILD_SCHEMA,
    PUBLISHED_SCHEMA,
    RAW,
    RESTRICTED_BUILD_SCHEMA,
    RESTRICTED_SCHEMA,
    Connection,
    CsvFile,
    Cursor,
    LoadFailure,
    LoadStamp,
    Params,
)

if TYPE_CHECKING:
    import pandas as pd
    from psycopg2.extensions import connection as PgConnection

    from footprint.settings import Settings

log = logging.getLogger(__name__)

COPY_CHUNK = 1 << 23  # few reads: each needs the GIL, which the loader's byte-scan thread holds in turns
VERSIONS_SCHEMA = "marts_versions"
KEEP_VERSIONS = 2  # the live one and the one before it, for readers mid-query
# build schema -> the schema readers see
PUBLICATIONS = ((BUILD_SCHEMA, PUBLISHED_SCHEMA), (RESTRICTED_BUILD_SCHEMA, RESTRICTED_SCHEMA))

# A file with only contract columns is COPYed straight into raw: an INSERT ... SELECT from a
# stage costs about as much again as the COPY (it writes row by row, COPY in batches). The
# metadata columns then take defaults, and the defaults must be constants, or they are
# evaluated for every row (current_setting() per row made the load a third slower). So each
# metadata column but the row number has a domain of its own, whose default the loader sets
# to this load's value for the length of its transaction: a domain's default can change
# without locking the tables that use it (ALTER TABLE ... SET DEFAULT would lock raw against
# readers for the whole load). The row number comes from a sequence per table.
META_DOMAINS = {
    "_extract_date": f"{RAW}.meta_extract_date",
    "_produced_at": f"{RAW}.meta_produced_at",
    "_source_file": f"{RAW}.meta_source_file",
    "_loaded_at": f"{RAW}.meta_loaded_at",
}
_SOURCE_ROW = "_source_row"

# What COPY's errors mean, by a phrase of their primary message.
_CSV_FAULTS = (
    ("missing data for column", "too few fields"),
    ("extra data after last expected column", "too many fields"),
    ("unterminated csv quoted field", "unterminated quote"),
    ("carriage return", "mixed line endings"),
    ("newline", "mixed line endings"),
)


# A backend whose client has gone (a worker killed mid-statement, or while it waits for a lock)
# notices within this long and rolls back; it would otherwise run on, holding its locks.
CLIENT_CHECK_MS = 2000


def session_options() -> str:
    """libpq options for every warehouse session: ours, and dbt's through PGOPTIONS."""
    return f"{os.environ.get('PGOPTIONS', '')} -c client_connection_check_interval={CLIENT_CHECK_MS}".strip()


def source_row_sequence(table: str) -> str:
    return f"{RAW}.{table}__source_row"


class PostgresTarget:
    name = "postgres"

    def connect(self, settings: Settings, read_only: bool = False) -> PgConnection:
        import psycopg2

        try:
            conn = psycopg2.connect("", options=session_options())
        except psycopg2.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TransientError(f"cannot connect to the PostgreSQL warehouse: {first}") from None
        if read_only:
            conn.set_session(readonly=True)
        return conn

    def connect_marts(self, settings: Settings) -> PgConnection:
        """The warehouse database, whose `marts` schema holds the published views."""
        return self.connect(settings, read_only=True)

    def execute(self, conn: Connection, sql: str, params: Params = ()) -> Cursor:
        cur = _pg(conn).cursor()
        if params:
            cur.execute(sql, params)
        else:
            cur.execute(sql)
        return cur

    def frame(self, conn: Connection, sql: str, params: Params = ()) -> pd.DataFrame:
        import pandas as pd

        with _pg(conn).cursor() as cur:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return pd.DataFrame.from_records(cur.fetchall(), columns=names)

    def frames(self, conn: Connection, sql: str, params: Params, rows: int) -> Iterator[pd.DataFrame]:
        import pandas as pd

        # A server-side cursor, in the connection's transaction: the server keeps the result,
        # the client holds one frame of it.
        with _pg(conn).cursor(name="footprint_frames") as cur:
            cur.itersize = rows
            cur.execute(sql, params)
            while records := cur.fetchmany(rows):
                yield pd.DataFrame.from_records(records, columns=[d[0] for d in cur.description or ()])

    def insert_rows(self, conn: Connection, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[str]]) -> None:
        # psycopg2 would spell a list as ARRAY['…', …], one expression node per element: slow to
        # parse at tens of thousands of values. COPY takes the same rows as one stream.
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        buf.seek(0)
        _pg(conn).cursor().copy_expert(f"copy {table} ({', '.join(columns)}) from stdin with (format csv)", buf)

    def tables(self, conn: Connection, schema: str, base_tables_only: bool = False) -> list[str]:
        kind = "and table_type = 'BASE TABLE' " if base_tables_only else ""
        rows = self.execute(conn, "select table_name from information_schema.tables where table_schema = %s "
                                  f"{kind}order by table_name", (schema,)).fetchall()
        return [r[0] for r in rows]

    def published_tables(self, conn: Connection) -> list[str]:
        return self.tables(conn, PUBLISHED_SCHEMA)

    def create_schema(self, conn: Connection, schema: str) -> None:
        # Checked first: `create schema if not exists` needs CREATE on the database even when
        # the schema exists, and the loader role (footprint.publish.roles) only owns `raw`.
        if not self.execute(conn, "select 1 from pg_namespace where nspname = %s", (schema,)).fetchone():
            self.execute(conn, f"create schema {schema}")

    def create_raw_tables(self, conn: Connection, tables: dict[str, Sequence[str]],
                          meta_types: dict[str, str]) -> None:
        for meta, domain in META_DOMAINS.items():
            if not _first(self.execute(conn, "select to_regtype(%s)", (domain,))):
                self.execute(conn, f"create domain {domain} as {meta_types[meta]}")
        for table, columns in tables.items():
            if _first(self.execute(conn, "select to_regclass(%s)", (f"{RAW}.{table}",))):
                continue  # no DDL, and so no lock, on the nights that follow the first
            self._create_raw_table(conn, table, columns, meta_types)

    def _create_raw_table(self, conn: Connection, table: str, columns: Sequence[str],
                          meta_types: dict[str, str]) -> None:
        sequence = source_row_sequence(table)
        # cache: nextval once per row costs a shared-buffer lock each; the loader resets it per file.
        self.execute(conn, f"create sequence if not exists {sequence} cache 1000")
        definitions = [f"{name} text" for name in columns]
        for meta in meta_types:
            if meta == _SOURCE_ROW:
                definitions.append(f"{meta} bigint not null default nextval('{sequence}')")
            else:
                definitions.append(f"{meta} {META_DOMAINS[meta]} not null")
        self.execute(conn, f"create table if not exists {RAW}.{table} (\n    " + ",\n    ".join(definitions) + "\n)")
        self.execute(conn, f"alter sequence {sequence} owned by {RAW}.{table}.{_SOURCE_ROW}")
        # Rows arrive night by night, so a BRIN index finds a night's rows (the reload's
        # delete, the gate's batch) for almost no upkeep. DuckDB's zone maps do it unasked.
        self.execute(conn, f"create index if not exists {table}__extract_date "
                           f"on {RAW}.{table} using brin (_extract_date)")

    def raw_loader(self, conn: Connection) -> PostgresRawLoader:
        return PostgresRawLoader(_pg(conn))

    def publish(self, conn: Connection, settings: Settings, marts: list[str]) -> str:
        """Switch every view in one transaction. A BI session holding a transaction open keeps
        the views locked; rather than queue every new reader behind a waiting switch, each try
        gives up after a short lock timeout, rolls back whole, and tries again a little later."""
        from footprint.warehouse.postgres_publish import drop_old_versions, switch_with_retries

        pg = _pg(conn)
        tables_by_schema = {published: self.tables(pg, built, base_tables_only=True)
                            for built, published in PUBLICATIONS}
        switch_with_retries(pg, tables_by_schema)
        drop_old_versions(pg, tables_by_schema)
        return f"schema {PUBLISHED_SCHEMA}"


class PostgresRawLoader:
    """A night's files COPYed into raw, in one transaction on one connection."""

    def __init__(self, conn: PgConnection):
        self.conn = conn

    def begin(self) -> None:
        """psycopg2 opens the transaction with the first statement."""

    def start_night(self, stamp: LoadStamp) -> None:
        self._set_defaults(_extract_date=stamp.extract_date, _produced_at=stamp.produced_at,
                           _loaded_at=stamp.loaded_at)

    def end_night(self) -> None:
        # The defaults are this load's only: nothing else may ever pick them up.
        for domain in META_DOMAINS.values():
            self.conn.cursor().execute(f"alter domain {domain} drop default")

    def _set_defaults(self, **values: object) -> None:
        cur = self.conn.cursor()
        for meta, value in values.items():
            cur.execute(f"alter domain {META_DOMAINS[meta]} set default %s", (value,))

    def load_file(self, f: CsvFile, stamp: LoadStamp) -> int:
        cur = self.conn.cursor()
        # Readers go on; a second loader waits: the row-number sequence is one per table.
        cur.execute(f"lock table {RAW}.{f.table} in share row exclusive mode")
        cur.execute(f"delete from {RAW}.{f.table} where _extract_date = %s", (stamp.extract_date,))
        if f.only_contract_columns:
            return self._copy_straight(f)
        return self._copy_through_stage(f, stamp)

    # FORCE_NULL: a quoted empty field is NULL too, as DuckDB reads it (the contract: empty = NULL).
    _OPTIONS = "format csv, header true, delimiter ',', quote '\"', escape '\"', encoding 'UTF8'"

    def _copy_straight(self, f: CsvFile) -> int:
        """Only contract columns (the header check saw them all, each once): COPY straight into
        raw, in the header's order; the metadata columns take the load's defaults."""
        cur = self.conn.cursor()
        self._set_defaults(_source_file=f.name)
        cur.execute("select setval(%s, 1, false)", (source_row_sequence(f.table),))
        columns = ", ".join(f.header)
        with open(f.path, "rb") as fh:
            cur.copy_expert(f"copy {RAW}.{f.table} ({columns}) from stdin with "
                            f"({self._OPTIONS}, force_null ({columns}))", fh, size=COPY_CHUNK)
        return int(cur.rowcount)

    def _copy_through_stage(self, f: CsvFile, stamp: LoadStamp) -> int:
        """Columns the contract does not name: COPY cannot skip a file column, so the file goes
        to a stage that holds every column, named by position. It is session-private, never
        WAL-logged, dropped before the next file, and only its contract columns are selected
        into raw. The identity column numbers the records in file order, as COPY inserts them."""
        cur = self.conn.cursor()
        width = len(f.header)
        stage_cols = ", ".join(f"c{i + 1} text" for i in range(width))
        cur.execute(f"create temporary table _footprint_stage ({stage_cols}, "
                    "_source_row bigint generated always as identity) on commit drop")
        copy_cols = ", ".join(f"c{i + 1}" for i in range(width))
        select = ", ".join(f"c{i + 1}" for i in f.select)
        with open(f.path, "rb") as fh:
            cur.copy_expert(f"copy _footprint_stage ({copy_cols}) from stdin with "
                            f"({self._OPTIONS}, force_null ({select}))", fh, size=COPY_CHUNK)
        count = cur.rowcount
        cur.execute(
            f"insert into {RAW}.{f.table} ({', '.join([*f.columns, *f.meta_columns])}) "
            f"select {select}, %s, %s, %s, _source_row, %s from _footprint_stage",
            (stamp.extract_date, stamp.produced_at, f.name, stamp.loaded_at),
        )
        cur.execute("drop table _footprint_stage")
        return int(count)

    def failure(self, exc: Exception) -> LoadFailure | None:
        import psycopg2

        if not isinstance(exc, psycopg2.Error):
            return None
        # Never str(exc): its CONTEXT line quotes the record COPY was reading, whatever the error.
        diag = exc.diag
        line = _context_line(diag.context or "")
        code = exc.pgcode or ""
        if not code.startswith(("22", "23")):  # not the data: permissions, disk, connection…
            return LoadFailure(False, None, f"PostgreSQL failed while loading it: "
                                            f"{code or type(exc).__name__} {diag.message_primary or ''}".rstrip(),
                               transient=is_transient_code(code, exc))
        if code == "22021":
            return LoadFailure(True, line, "not valid UTF-8")
        primary = (diag.message_primary or "").lower()
        for needle, what in _CSV_FAULTS:
            if needle in primary:
                return LoadFailure(True, line, what)
        return LoadFailure(True, line, f"not readable as CSV ({code})")

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        try:
            self.conn.rollback()
        except Exception:  # noqa: BLE001 - nothing to roll back is fine
            log.debug("rollback: nothing to roll back")


# SQLSTATEs of a server in trouble, not of the data: connection (08), resources such as a full
# disk (53), operator intervention such as a restart (57P), lock not available (55P03),
# serialization failure and deadlock (40001, 40P01).
_TRANSIENT_CODES = ("08", "53", "57P", "55P03", "40001", "40P01")


def is_transient_code(code: str, exc: BaseException) -> bool:
    import psycopg2

    # A connection lost mid-statement comes without a SQLSTATE.
    return code.startswith(_TRANSIENT_CODES) or (not code and isinstance(exc, psycopg2.OperationalError))


def _context_line(context: str) -> int | None:
    import re

    m = re.search(r"\bline (\d+)", context)
    return int(m.group(1)) if m else None


def _first(cur: Cursor) -> Any:
    row = cur.fetchone()
    return row[0] if row else None


def _pg(conn: Connection) -> PgConnection:
    from psycopg2.extensions import connection

    assert isinstance(conn, connection), "a PostgreSQL connection"
    return conn
