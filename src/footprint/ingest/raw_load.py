"""Raw load: verify one night against its manifest, then load its eight files in one transaction.

The raw layout (dbt sources, the quality gate and the roles build on it):

* schema `raw`, one table per contract file (FileSpec.table): the contract
  columns in contract order, all text (typing is dbt staging's job), then
  the load metadata META_COLUMNS: `_extract_date` date, `_produced_at`
  timestamp (the manifest's), `_source_file` text, `_source_row` bigint
  (CSV record number, 1 = first data record), `_loaded_at` timestamp (UTC)
  (on PostgreSQL four of them are domains over those types: see PG_META_DOMAINS);
* `raw.extract_nights`: one row per night, its manifest facts and its state
  (`loaded`, then `accepted` or `rejected` by the quality gate);
* `raw.child_pseudonyms` and `raw.pseudonym_key`: see footprint.ingest.pseudonym.

A night is checked before anything is committed: the manifest, every file's
presence and header, and one pass over each file's bytes (sha256, and the
faults one database would let through or read differently from the other)
that runs in a background thread while the database parses the files. The
database's own CSV reader does the parsing, never Python: DuckDB's read_csv,
selecting the contract columns; PostgreSQL's COPY, straight into raw when the
file has only contract columns, else into a temporary stage whose extra
columns are never selected. Record counts come from the database and are
compared with the manifest's. Only when every check has passed does the one
transaction commit: the night's previous rows replaced, `extract_nights`
upserted, child keys refreshed. Anything wrong rolls all of it back.

Error messages name the file, the record (and physical line) and the column;
they never carry a value from the data. The databases' own error texts quote
the offending line, so they are never passed on: a failed file is re-read
here with the csv module to locate the problem in our own words.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import logging
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from footprint.contract import (
    FILES,
    MANIFEST_NAME,
    META_COLUMNS,
    NIGHT_LOADED,
    NIGHTS_TABLE,
    FileSpec,
)
from footprint.errors import FootprintError
from footprint.ingest.landing import ExtractError, Manifest, read_manifest, sha256_file
from footprint.settings import Settings

log = logging.getLogger(__name__)

RAW = "raw"
BOM = b"\xef\xbb\xbf"
SCAN_CHUNK = 1 << 20  # small: the scan holds the GIL while it searches a block
COPY_CHUNK = 1 << 23  # few reads: each needs the GIL, which the byte scan thread holds in turns
# A record this long is kept whole when locating a problem; beyond it, only its start.
LOCATE_KEEP_CHARS = 1 << 22
_DATE_ARG = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .-]{0,63}$")

# A run of an odd number of quotes with neither side a delimiter, line end or
# quote: impossible in RFC 4180, where an odd run opens a field (after a
# delimiter) or closes one (before a delimiter). Catches `"x"y`, `x"y` and the
# unescaped quotes of `"he said "hi""`, which DuckDB and PostgreSQL would
# otherwise read differently (PostgreSQL silently drops the quotes).
_MISPLACED_QUOTE = re.compile(rb'"(?<=[^,\r\n"]")(?:"")*(?=[^,\r\n"])')
_MISPLACED_QUOTE_TEXT = re.compile(_MISPLACED_QUOTE.pattern.decode())
_BLANK_LINE = re.compile(rb"\n\r?\n")
_SURROGATE = re.compile("[\udc80-\udcff]")
_DUCKDB_LINE = re.compile(r"CSV Error on Line: (\d+)")
_PG_LINE = re.compile(r"\bline (\d+)")

NIGHTS_COLUMNS = (
    "extract_date", "produced_at", "source_system", "load_type", "status", "row_counts",
    "manifest_sha256", "loaded_at", "validated_at", "validation_result",
)


@dataclass(frozen=True)
class LoadResult:
    extract_date: dt.date
    load_type: str
    produced_at: dt.datetime
    rows: dict[str, int]  # file name -> records loaded
    total_rows: int
    seconds: float


@dataclass(frozen=True)
class NightFile:
    """One contract file of a night, after its manifest entry and header have been checked."""

    spec: FileSpec
    path: Path
    label: str  # "<night>/<file>", how messages name it
    header: tuple[str, ...]
    position: dict[str, int]  # contract column -> 0-based position in the header
    rows: int  # the manifest's record count
    sha256: str  # the manifest's

    def select_positions(self) -> list[int]:
        return [self.position[name] for name in self.spec.column_names]


# --- DDL -------------------------------------------------------------------------------------


META_TYPES = {
    "_extract_date": "date",
    "_produced_at": "timestamp",
    "_source_file": "text",
    "_source_row": "bigint",
    "_loaded_at": "timestamp",
}

# PostgreSQL copies a file with only contract columns straight into raw: an INSERT ... SELECT
# from a stage costs about as much again as the COPY (it writes row by row, COPY in batches).
# The metadata columns then take defaults, and the defaults must be constants, or they are
# evaluated for every row (current_setting() per row made the load a third slower). So each
# metadata column but the row number has a domain of its own, whose default the loader sets
# to this load's value for the length of its transaction: a domain's default can change
# without locking the tables that use it (ALTER TABLE ... SET DEFAULT would lock raw against
# readers for the whole load). The row number comes from a sequence per table.
PG_META_DOMAINS = {
    "_extract_date": f"{RAW}.meta_extract_date",
    "_produced_at": f"{RAW}.meta_produced_at",
    "_source_file": f"{RAW}.meta_source_file",
    "_loaded_at": f"{RAW}.meta_loaded_at",
}


def source_row_sequence(spec: FileSpec) -> str:
    return f"{RAW}.{spec.table}__source_row"


def raw_table_ddl(spec: FileSpec, postgres: bool = False) -> str:
    columns = [f"{name} text" for name in spec.column_names]
    for meta in META_COLUMNS:
        if not postgres:
            columns.append(f"{meta} {META_TYPES[meta]} not null")
        elif meta == "_source_row":
            columns.append(f"{meta} bigint not null default nextval('{source_row_sequence(spec)}')")
        else:
            columns.append(f"{meta} {PG_META_DOMAINS[meta]} not null")
    return f"create table if not exists {RAW}.{spec.table} (\n    " + ",\n    ".join(columns) + "\n)"


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


def ensure_raw_schema(conn) -> None:
    """Create the raw schema and tables that are missing; the caller commits."""
    from footprint.ingest.pseudonym import ensure_tables
    from footprint.warehouse import execute, is_duckdb

    if is_duckdb(conn):
        execute(conn, f"create schema if not exists {RAW}")
    elif not execute(conn, "select 1 from pg_namespace where nspname = %s", (RAW,)).fetchone():
        # Checked first: `create schema if not exists` needs CREATE on the database even when
        # the schema exists, and the loader role (footprint.publish.roles) only owns `raw`.
        execute(conn, f"create schema {RAW}")
    if not is_duckdb(conn):
        for meta, domain in PG_META_DOMAINS.items():
            if not execute(conn, "select to_regtype(%s)", (domain,)).fetchone()[0]:
                execute(conn, f"create domain {domain} as {META_TYPES[meta]}")
    for spec in FILES:
        if is_duckdb(conn):
            execute(conn, raw_table_ddl(spec))
            continue
        if execute(conn, "select to_regclass(%s)", (f"{RAW}.{spec.table}",)).fetchone()[0]:
            continue  # no DDL, and so no lock, on the nights that follow the first
        # cache: nextval once per row costs a shared-buffer lock each; the loader resets it per file.
        execute(conn, f"create sequence if not exists {source_row_sequence(spec)} cache 1000")
        execute(conn, raw_table_ddl(spec, postgres=True))
        execute(conn, f"alter sequence {source_row_sequence(spec)} owned by {RAW}.{spec.table}._source_row")
        # Rows arrive night by night, so a BRIN index finds a night's rows (the reload's
        # delete, the gate's batch) for almost no upkeep. DuckDB's zone maps do it unasked.
        execute(conn, f"create index if not exists {spec.table}__extract_date "
                      f"on {RAW}.{spec.table} using brin (_extract_date)")
    execute(conn, NIGHTS_DDL)
    ensure_tables(conn)


# --- checks before the load --------------------------------------------------------------------


def _name(column: str, position: int) -> str:
    """A header name fit for a message (a headerless file's first row would be data)."""
    return column if _PLAIN_NAME.match(column) else f"#{position + 1}"


def read_header(path: Path, label: str) -> list[str]:
    """The first CSV record, read on its own: a bad byte further on is not the header's fault."""
    with open(path, "rb") as fh:

        def lines():
            first = True
            for raw in iter(fh.readline, b""):
                if first:
                    raw, first = raw.removeprefix(BOM), False
                yield raw.decode("utf-8")

        problem = None
        try:
            header = next(csv.reader(lines(), strict=True), None)
        except UnicodeDecodeError:
            problem = "not valid UTF-8"
        except csv.Error:
            problem = "not valid CSV (misplaced quotes)"
    # Outside the except block: a decode error holds the line's bytes, and would be the context.
    if problem:
        raise ExtractError(f"{label}: header (line 1): {problem}")
    if not header:
        raise ExtractError(f"{label}: no header: the file is empty or starts with a blank line")
    return header


def check_header(header: list[str], spec: FileSpec, label: str) -> dict[str, int]:
    """Contract column -> position. Missing columns are checked before duplicates so that a
    file without a header (whose first row is data) is named by contract columns only."""
    missing = [name for name in spec.column_names if name not in header]
    if missing:
        raise ExtractError(f"{label}: header (line 1): contract column(s) missing: {', '.join(missing)}")
    seen: set[str] = set()
    for i, name in enumerate(header):
        if name in seen:
            raise ExtractError(f"{label}: header (line 1): column {_name(name, i)} appears more than once")
        seen.add(name)
    return {name: header.index(name) for name in spec.column_names}


def verify_manifest(folder: Path) -> tuple[Manifest, str, list[NightFile]]:
    """Manifest well-formed, every contract file listed and present, every header usable."""
    if not folder.is_dir():
        raise ExtractError(f"{folder}: no such night folder")
    manifest = read_manifest(folder)
    manifest_sha = sha256_file(folder / MANIFEST_NAME)
    files = []
    for spec in FILES:
        label = f"{folder.name}/{spec.name}"
        entry = manifest.files.get(spec.name)
        if entry is None:
            raise ExtractError(f"{folder.name}/{MANIFEST_NAME}: {spec.name} is not listed")
        rows, sha = entry.get("rows"), entry.get("sha256")
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise ExtractError(f"{folder.name}/{MANIFEST_NAME}: {spec.name}: rows must be a whole number")
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
            raise ExtractError(f"{folder.name}/{MANIFEST_NAME}: {spec.name}: sha256 must be 64 hex digits")
        path = folder / spec.name
        if not path.is_file():
            raise ExtractError(f"{label}: missing: the manifest lists it, the folder does not have it")
        header = read_header(path, label)
        position = check_header(header, spec, label)
        files.append(NightFile(spec, path, label, tuple(header), position, rows, sha.lower()))
    return manifest, manifest_sha, files


@dataclass(frozen=True)
class ByteScan:
    sha256: str
    problem: str | None = None  # first structural problem seen, in our words
    offset: int | None = None  # its byte offset in the file


def scan_bytes(path: Path, check_utf8: bool = True, cancel: threading.Event | None = None) -> ByteScan | None:
    """One pass over the file: its sha256, and the faults one of the two databases would let
    through or read differently: NUL bytes (DuckDB keeps them), misplaced quotes (PostgreSQL
    drops them), blank lines (DuckDB skips them) and, with `check_utf8`, invalid UTF-8 (DuckDB
    never decodes a column it does not select, so needed only when the file has extra
    columns). None if cancelled."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    problem: tuple[str, int] | None = None
    pending, pending_at = b"", 0  # unscanned tail (from the last newline) and its offset
    in_quotes = False  # quote parity; with valid quoting, parity = inside a quoted field
    with open(path, "rb", buffering=0) as fh:
        head = fh.read(len(BOM))
        digest.update(head)
        if head == BOM:  # not data: the quote of a quoted first header name follows it
            head, pending_at = b"", len(BOM)
        while True:
            if cancel is not None and cancel.is_set():
                return None
            block = fh.read(SCAN_CHUNK)
            digest.update(block)
            if head:
                block, head = head + block, b""
            if problem is not None:
                if not block:
                    break
                continue
            block_at = pending_at + len(pending)
            # An ASCII block is valid UTF-8, unless it follows a split multi-byte character.
            if check_utf8 and (not block or not block.isascii() or decoder.getstate()[0]):
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    problem = ("not valid UTF-8", max(block_at + exc.start - 3, 0))
            nul = block.find(b"\x00")
            if problem is None and nul >= 0:
                problem = ("a NUL byte", block_at + nul)
            if block:
                cut = block.rfind(b"\n")
                if cut < 0:
                    pending += block
                    continue
                # The newline stays at the start of the next segment too, so a blank line
                # across the cut is still seen; it is not a quote, so parity is unchanged.
                seg = b"".join((pending, memoryview(block)[: cut + 1])) if pending or cut + 1 < len(block) else block
                next_pending, cut = block[cut:], len(pending) + cut
            else:
                seg, next_pending, cut = pending, b"", len(pending)
            if problem is None:
                m = _MISPLACED_QUOTE.search(seg)
                if m:
                    problem = ("a misplaced quote", pending_at + m.start())
            if problem is None:
                pos = 0
                if _BLANK_LINE.search(seg):  # rare outside free text: look closer
                    for m in _BLANK_LINE.finditer(seg):
                        in_quotes ^= bool(seg.count(b'"', pos, m.start()) & 1)
                        pos = m.start()
                        if not in_quotes:
                            problem = ("a blank line", pending_at + m.start() + 1)
                            break
                in_quotes ^= bool(seg.count(b'"', pos) & 1)
            pending, pending_at = next_pending, pending_at + cut
            if not block:
                break
    if problem is None and in_quotes:
        problem = ("a quoted field that is never closed", pending_at)
    return ByteScan(digest.hexdigest(), *(problem or (None, None)))


# --- locating a problem, in our own words --------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    record: int | None  # 1 = first data record, like _source_row
    line: int | None  # physical line where the record starts, 1 = header
    column: str | None
    what: str

    def message(self, label: str) -> str:
        where = []
        if self.record is not None:
            where.append(f"record {self.record}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{label}: {', '.join(where) + ': ' if where else ''}{self.what}"


class _RecordLines:
    """Feeds csv.reader one physical line at a time, keeping the lines of the record being read."""

    def __init__(self, fh):
        self._fh = fh
        self.line = 0
        self.kept: list[str] = []
        self._kept_chars = 0
        self.truncated = False
        self.record_line = 1

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = self._fh.readline()
        if not raw:
            raise StopIteration
        if self.line == 0:
            raw = raw.removeprefix(BOM)
        self.line += 1
        # surrogateescape: a bad byte becomes a lone surrogate in its field, so the field is known.
        text = raw.decode("utf-8", "surrogateescape")
        if self._kept_chars < LOCATE_KEEP_CHARS:
            self.kept.append(text)
            self._kept_chars += len(text)
        else:
            self.truncated = True
        return text

    def start_record(self) -> None:
        self.kept, self._kept_chars, self.truncated = [], 0, False
        self.record_line = self.line + 1


def _raw_problem(text: str) -> tuple[int, str] | None:
    """(field index, what) of the first RFC 4180 quoting fault in one record's text."""
    field, opened, state = 0, 0, "start"
    for c in text:
        if state == "start":
            if c == '"':
                state, opened = "quoted", field
            elif c == ",":
                field += 1
            elif c in "\r\n":
                return None
            else:
                state = "unquoted"
        elif state == "unquoted":
            if c == ",":
                field, state = field + 1, "start"
            elif c == '"':
                return field, "quote inside an unquoted field"
            elif c in "\r\n":
                return None
        elif state == "quoted":
            if c == '"':
                state = "closing"
        else:  # a quote inside a quoted field: an escaped quote, or the closing one
            if c == '"':
                state = "quoted"
            elif c == ",":
                field, state = field + 1, "start"
            elif c in "\r\n":
                return None
            else:
                return field, "text follows the closing quote of a quoted field (an unbalanced or unescaped quote)"
    if state == "quoted":
        return opened, "quoted field never closed (unbalanced quote)"
    return None


def _line_ending(text: str) -> str:
    return "\r\n" if text.endswith("\r\n") else "\n" if text.endswith("\n") else "\r" if text.endswith("\r") else ""


_ENDING_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


def locate_problem(path: Path, header: tuple[str, ...], db_line: int | None = None,
                   db_what: str | None = None) -> Problem | None:
    """Re-read a file that failed and name its first fault: record, line, column.

    The rare path, so plain Python: the csv module for speed, with a character
    scan of any record that holds a quote. `db_line` (the database's physical
    line of the failure) is a fallback when no fault is found here.
    """
    width = len(header)

    def column(i: int) -> str:
        return _name(header[i], i) if i < width else f"#{i + 1} (beyond the header's {width})"

    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        with open(path, "rb") as fh:
            lines = _RecordLines(fh)
            reader = csv.reader(lines, strict=True)
            next(reader)
            ending = _line_ending(lines.kept[-1])
            record = 0
            db_record = None
            while True:
                lines.start_record()
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    record += 1
                    found = _raw_problem("".join(lines.kept))
                    if found:
                        return Problem(record, lines.record_line, column(found[0]), found[1])
                    return Problem(record, lines.record_line, None, "not valid CSV")
                record += 1
                text = "".join(lines.kept)
                # Whole-record tests first (C speed); a field at a time only once one is positive.
                if _MISPLACED_QUOTE_TEXT.search(text):
                    found = _raw_problem(text)
                    if found:
                        return Problem(record, lines.record_line, column(found[0]), found[1])
                if not row:
                    return Problem(record, lines.record_line, None, "a blank line")
                if _SURROGATE.search(text) or "\x00" in text:
                    for i, value in enumerate(row):
                        if _SURROGATE.search(value):
                            return Problem(record, lines.record_line, column(i), "not valid UTF-8")
                        if "\x00" in value:
                            return Problem(record, lines.record_line, column(i), "a NUL byte")
                if len(row) < width:
                    return Problem(record, lines.record_line, column(len(row)),
                                   f"missing: the record has {len(row)} fields, the header {width}")
                if len(row) > width:
                    return Problem(record, lines.record_line, None,
                                   f"the record has {len(row)} fields, the header {width}")
                this_ending = _line_ending(lines.kept[-1]) if lines.kept and not lines.truncated else ""
                if this_ending and ending and this_ending != ending:
                    return Problem(record, lines.record_line, None,
                                   f"line ends with {_ENDING_NAMES[this_ending]}, the header's with "
                                   f"{_ENDING_NAMES[ending]}")
                if db_line is not None and db_record is None and lines.record_line <= db_line <= lines.line:
                    db_record = record
    finally:
        csv.field_size_limit(limit)
    if db_line is not None or db_what is not None:
        return Problem(db_record, db_line, None, db_what or "the database could not parse the file here")
    return None


def _line_at(path: Path, offset: int) -> int:
    line = 1
    with open(path, "rb") as fh:
        remaining = offset
        while remaining > 0:
            block = fh.read(min(SCAN_CHUNK, remaining))
            if not block:
                break
            line += block.count(b"\n")
            remaining -= len(block)
    return line


def _malformed(f: NightFile, db_line: int | None = None, db_what: str | None = None,
               scan: ByteScan | None = None) -> ExtractError:
    problem = locate_problem(f.path, f.header, db_line, db_what)
    if problem is None and scan is not None and scan.problem:
        problem = Problem(None, _line_at(f.path, scan.offset or 0), None, scan.problem)
    if problem is None:
        problem = Problem(None, None, None, db_what or "not valid CSV")
    return ExtractError(problem.message(f.label))


def _check_scan(f: NightFile, future: Future) -> None:
    scan = future.result()
    if scan.sha256 != f.sha256:
        raise ExtractError(
            f"{f.label}: sha256 differs from the manifest's: the file changed after the "
            "manifest was written, or is incomplete"
        )
    if scan.problem:
        raise _malformed(f, scan=scan)


# --- the two warehouses ------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """A database error while loading a file, in our own words."""

    in_data: bool  # the file's content: locate it; else the database itself (disk, rights…)
    line: int | None  # the database's physical line, when it said
    what: str


@dataclass(frozen=True)
class _Stamp:
    extract_date: dt.date
    produced_at: dt.datetime
    loaded_at: dt.datetime


class _Target:
    """What differs between DuckDB and PostgreSQL: transactions, and parsing a file."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql: str, params: tuple | list = ()):
        from footprint.warehouse import execute

        return execute(self.conn, sql, params)

    def begin(self) -> None:
        pass

    def start_night(self, stamp: _Stamp) -> None:
        """After the schema exists, before the first file."""

    def end_night(self) -> None:
        """After the last file, before the commit."""

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        try:
            self.conn.rollback()
        except Exception:  # noqa: BLE001 - nothing to roll back is fine
            log.debug("rollback: nothing to roll back")

    def load_file(self, f: NightFile, stamp: _Stamp) -> int:
        raise NotImplementedError

    def failure(self, exc: Exception) -> Failure | None:
        """`exc` from load_file in our words, or None if it is not the database's."""
        raise NotImplementedError

    @staticmethod
    def insert_columns(spec: FileSpec) -> str:
        return ", ".join([*spec.column_names, *META_COLUMNS])


class _DuckDB(_Target):
    def begin(self) -> None:
        self.conn.execute("begin transaction")

    def load_file(self, f: NightFile, stamp: _Stamp) -> int:
        spec = f.spec
        self.execute(f"delete from {RAW}.{spec.table} where _extract_date = %s", (stamp.extract_date,))
        # Columns named by position (c1..cN) from our own header read: no sniffing, and no
        # dependence on how DuckDB would rename an odd or duplicated header name.
        columns = "{" + ", ".join(f"'c{i + 1}': 'VARCHAR'" for i in range(len(f.header))) + "}"
        select = ", ".join(f"c{i + 1}" for i in f.select_positions())
        sql = (
            f"insert into {RAW}.{spec.table} ({self.insert_columns(spec)}) "
            f"select {select}, ?, ?, ?, row_number() over (), ? "
            f"from read_csv(?, columns = {columns}, header = true, auto_detect = false, "
            "all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            "encoding = 'utf-8', null_padding = false, ignore_errors = false)"
        )
        # row_number() over () runs as DuckDB's streaming window, which keeps the scan's order
        # (insertion order is preserved by default), so it numbers records as they are in the file.
        params = [stamp.extract_date, stamp.produced_at, spec.name, stamp.loaded_at, str(f.path)]
        return int(self.conn.execute(sql, params).fetchone()[0])

    def failure(self, exc: Exception) -> Failure | None:
        import duckdb

        if not isinstance(exc, duckdb.Error):
            return None
        text = str(exc)  # read for its kind and line number only: it quotes the offending line
        m = _DUCKDB_LINE.search(text)
        line = int(m.group(1)) if m else None
        lowered = text.lower()
        for needle, what in (
            ("unterminated quote", "unterminated quote"),
            ("expected number of columns", "wrong number of fields"),
            ("invalid unicode", "not valid UTF-8"),
            ("maximum line size", "a record longer than DuckDB's maximum line size"),
            ("state machine", "not valid CSV (mixed line endings?)"),
        ):
            if needle in lowered:
                return Failure(True, line, what)
        if m or isinstance(exc, duckdb.InvalidInputException):
            return Failure(True, line, f"not readable as CSV ({type(exc).__name__})")
        return Failure(False, None, f"DuckDB failed while loading it ({type(exc).__name__}; its message "
                                    "is withheld because it can quote the file)")


class _Postgres(_Target):
    def start_night(self, stamp: _Stamp) -> None:
        self._set_defaults(_extract_date=stamp.extract_date, _produced_at=stamp.produced_at,
                           _loaded_at=stamp.loaded_at)

    def end_night(self) -> None:
        # The defaults are this load's only: nothing else may ever pick them up.
        for domain in PG_META_DOMAINS.values():
            self.conn.cursor().execute(f"alter domain {domain} drop default")

    def _set_defaults(self, **values) -> None:
        cur = self.conn.cursor()
        for meta, value in values.items():
            cur.execute(f"alter domain {PG_META_DOMAINS[meta]} set default %s", (value,))

    def load_file(self, f: NightFile, stamp: _Stamp) -> int:
        spec = f.spec
        cur = self.conn.cursor()
        # Readers go on; a second loader waits: the row-number sequence is one per table.
        cur.execute(f"lock table {RAW}.{spec.table} in share row exclusive mode")
        cur.execute(f"delete from {RAW}.{spec.table} where _extract_date = %s", (stamp.extract_date,))
        # FORCE_NULL: a quoted empty field is NULL too, as DuckDB reads it (the contract: empty = NULL).
        options = "format csv, header true, delimiter ',', quote '\"', escape '\"', encoding 'UTF8'"
        if len(f.header) == len(spec.columns):
            # Only contract columns (check_header saw them all, each once): COPY straight into
            # raw, in the header's order; the metadata columns take the load's defaults.
            self._set_defaults(_source_file=spec.name)
            cur.execute("select setval(%s, 1, false)", (source_row_sequence(spec),))
            columns = ", ".join(f.header)
            with open(f.path, "rb") as fh:
                cur.copy_expert(f"copy {RAW}.{spec.table} ({columns}) from stdin with "
                                f"({options}, force_null ({columns}))", fh, size=COPY_CHUNK)
            return int(cur.rowcount)
        # Columns the contract does not name: COPY cannot skip a file column, so the file goes
        # to a stage that holds every column, named by position. It is session-private, never
        # WAL-logged, dropped before the next file, and only its contract columns are selected
        # into raw. The identity column numbers the records in file order, as COPY inserts them.
        width = len(f.header)
        stage_cols = ", ".join(f"c{i + 1} text" for i in range(width))
        cur.execute(
            f"create temporary table _footprint_stage ({stage_cols}, "
            "_source_row bigint generated always as identity) on commit drop"
        )
        copy_cols = ", ".join(f"c{i + 1}" for i in range(width))
        select = ", ".join(f"c{i + 1}" for i in f.select_positions())
        with open(f.path, "rb") as fh:
            cur.copy_expert(f"copy _footprint_stage ({copy_cols}) from stdin with "
                            f"({options}, force_null ({select}))", fh, size=COPY_CHUNK)
        count = cur.rowcount
        cur.execute(
            f"insert into {RAW}.{spec.table} ({self.insert_columns(spec)}) "
            f"select {select}, %s, %s, %s, _source_row, %s from _footprint_stage",
            (stamp.extract_date, stamp.produced_at, spec.name, stamp.loaded_at),
        )
        cur.execute("drop table _footprint_stage")
        return int(count)

    def failure(self, exc: Exception) -> Failure | None:
        import psycopg2

        if not isinstance(exc, psycopg2.Error):
            return None
        # Never str(exc): its CONTEXT line quotes the record COPY was reading, whatever the error.
        diag = exc.diag
        m = _PG_LINE.search(diag.context or "")
        line = int(m.group(1)) if m else None
        code = exc.pgcode or ""
        if not code.startswith(("22", "23")):  # not the data: permissions, disk, connection…
            return Failure(False, None, f"PostgreSQL failed while loading it: "
                                        f"{code or type(exc).__name__} {diag.message_primary or ''}".rstrip())
        if code == "22021":
            return Failure(True, line, "not valid UTF-8")
        primary = (diag.message_primary or "").lower()
        for needle, what in (
            ("missing data for column", "too few fields"),
            ("extra data after last expected column", "too many fields"),
            ("unterminated csv quoted field", "unterminated quote"),
            ("carriage return", "mixed line endings"),
            ("newline", "mixed line endings"),
        ):
            if needle in primary:
                return Failure(True, line, what)
        return Failure(True, line, f"not readable as CSV ({code})")


# --- the load ------------------------------------------------------------------------------------


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _london_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)


def load_night(folder: Path, settings: Settings | None = None) -> LoadResult:
    """Verify the night in `folder` and load it into raw, replacing any earlier load of it.

    Raises ExtractError (nothing written) if the night is incomplete or malformed.
    """
    from footprint.ingest.pseudonym import load_key, refresh_child_keys
    from footprint.warehouse import connect, is_duckdb

    started = time.perf_counter()
    folder = Path(folder)
    settings = settings or Settings.from_env()
    key = load_key(settings)  # before any work: PostgreSQL without a key is refused outright
    manifest, manifest_sha, files = verify_manifest(folder)
    stamp = _Stamp(manifest.extract_date, _london_naive(manifest.produced_at), _utcnow())
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="footprint-scan")
    scans = {f.spec.name: pool.submit(scan_bytes, f.path, len(f.header) > len(f.spec.columns), cancel)
             for f in files}
    rows: dict[str, int] = {}
    try:
        with connect(settings) as conn:
            target = _DuckDB(conn) if is_duckdb(conn) else _Postgres(conn)
            target.begin()
            try:
                ensure_raw_schema(conn)
                target.start_night(stamp)
                for i, f in enumerate(files):
                    tick = time.perf_counter()
                    rows[f.spec.name] = _load_one(target, f, stamp, files[: i + 1], scans)
                    log.info("%s: %d records in %.1f s", f.label, rows[f.spec.name], time.perf_counter() - tick)
                tick = time.perf_counter()
                for f in files:
                    _check_scan(f, scans[f.spec.name])
                log.debug("byte checks done %.1f s after the last file", time.perf_counter() - tick)
                target.end_night()
                _upsert_night(target, manifest, manifest_sha, rows, stamp)
                tick = time.perf_counter()
                refresh_child_keys(conn, key, manifest.extract_date)
                log.debug("child keys in %.1f s", time.perf_counter() - tick)
                tick = time.perf_counter()
                target.commit()
                log.debug("commit in %.1f s", time.perf_counter() - tick)
            except BaseException:
                target.rollback()
                raise
    finally:
        cancel.set()
        pool.shutdown(wait=False, cancel_futures=True)
    result = LoadResult(
        extract_date=manifest.extract_date,
        load_type=manifest.load_type,
        produced_at=stamp.produced_at,
        rows=rows,
        total_rows=sum(rows.values()),
        seconds=time.perf_counter() - started,
    )
    log.info("night %s (%s) loaded: %d rows in %.1f s", result.extract_date, result.load_type,
             result.total_rows, result.seconds)
    return result


def _load_one(target: _Target, f: NightFile, stamp: _Stamp, so_far: list[NightFile],
              scans: dict[str, Future]) -> int:
    try:
        count = target.load_file(f, stamp)
    except Exception as exc:
        failure = target.failure(exc)
        if failure is None:
            raise
    else:
        failure = None
    # Raised outside the `except` block on purpose: an exception raised inside it would carry
    # the database's error as its context, and tracebacks print that, offending line and all.
    if failure is not None and not failure.in_data:
        target.rollback()
        raise FootprintError(f"{f.label}: {failure.what}")
    if failure is not None or count != f.rows:
        target.rollback()
        # In file order, and a file that is not the manifest's before how it parses.
        for g in so_far:
            _check_scan(g, scans[g.spec.name])
        if failure is not None:
            raise _malformed(f, failure.line, failure.what)
        raise ExtractError(f"{f.label}: {count} records where the manifest says {f.rows}")
    return count


def _upsert_night(target: _Target, manifest: Manifest, manifest_sha: str, rows: dict[str, int],
                  stamp: _Stamp) -> None:
    values = (
        manifest.extract_date, stamp.produced_at, manifest.source_system, manifest.load_type,
        NIGHT_LOADED, json.dumps(rows, sort_keys=True), manifest_sha, stamp.loaded_at, None, None,
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in NIGHTS_COLUMNS[1:])
    target.execute(
        f"insert into {RAW}.{NIGHTS_TABLE} ({', '.join(NIGHTS_COLUMNS)}) "
        f"values ({', '.join(['%s'] * len(NIGHTS_COLUMNS))}) "
        f"on conflict (extract_date) do update set {updates}",
        values,
    )
