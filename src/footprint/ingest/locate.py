"""Naming a broken file's first fault in our own words: record, physical line, column.

The databases' own error texts quote the offending line, so they are never
passed on: a file that failed is re-read here with the csv module, the rare
path, in plain Python. Messages carry positions and column names, never a
value from the data.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from footprint.ingest.bytescan import MISPLACED_QUOTE, SCAN_CHUNK, ByteScan
from footprint.ingest.landing import ExtractError
from footprint.ingest.manifest import BOM, NightFile, header_name

# A record this long is kept whole when locating a problem; beyond it, only its start.
LOCATE_KEEP_CHARS = 1 << 22
_MISPLACED_QUOTE_TEXT = re.compile(MISPLACED_QUOTE.pattern.decode())
_SURROGATE = re.compile("[\udc80-\udcff]")
_ENDING_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}
_TEXT_AFTER_QUOTE = "text follows the closing quote of a quoted field (an unbalanced or unescaped quote)"


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

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self.line = 0
        self.kept: list[str] = []
        self._kept_chars = 0
        self.truncated = False
        self.record_line = 1

    def __iter__(self) -> Iterator[str]:
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

    def ending(self) -> str:
        """The line ending of the record's last line ('' when it was not kept whole)."""
        return line_ending(self.kept[-1]) if self.kept and not self.truncated else ""


def _step(state: str, c: str) -> tuple[str, str | None]:
    """RFC 4180 quoting as a state machine over one record: the state after `c` and the fault
    `c` makes, if any. States: start (of a field), unquoted, quoted, closing (a quote met
    inside a quoted field: an escaped quote, or the closing one)."""
    if state == "quoted":
        return ("closing" if c == '"' else "quoted"), None
    if c == ",":
        return "start", None
    if state == "start":
        return ("quoted" if c == '"' else "unquoted"), None
    if state == "unquoted":
        return "unquoted", ("quote inside an unquoted field" if c == '"' else None)
    return ("quoted", None) if c == '"' else ("closing", _TEXT_AFTER_QUOTE)


def raw_problem(text: str) -> tuple[int, str] | None:
    """(field index, what) of the first RFC 4180 quoting fault in one record's text."""
    field, opened, state = 0, 0, "start"
    for c in text:
        if state != "quoted" and c in "\r\n":
            return None
        if state == "start" and c == '"':
            opened = field
        next_state, fault = _step(state, c)
        if fault:
            return field, fault
        if c == "," and state != "quoted":
            field += 1
        state = next_state
    if state == "quoted":
        return opened, "quoted field never closed (unbalanced quote)"
    return None


def line_ending(text: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            return ending
    return ""


class _Locator:
    """The checks of one record, in the order a fault is reported."""

    def __init__(self, header: tuple[str, ...], header_ending: str):
        self.header = header
        self.width = len(header)
        self.header_ending = header_ending

    def column(self, i: int) -> str:
        return header_name(self.header[i], i) if i < self.width else f"#{i + 1} (beyond the header's {self.width})"

    def unreadable(self, record: int, lines: _RecordLines) -> Problem:
        found = raw_problem("".join(lines.kept))
        if found:
            return Problem(record, lines.record_line, self.column(found[0]), found[1])
        return Problem(record, lines.record_line, None, "not valid CSV")

    def check(self, record: int, row: list[str], lines: _RecordLines) -> Problem | None:
        at = lines.record_line
        text = "".join(lines.kept)
        # Whole-record tests first (C speed); a field at a time only once one is positive.
        if _MISPLACED_QUOTE_TEXT.search(text):
            found = raw_problem(text)
            if found:
                return Problem(record, at, self.column(found[0]), found[1])
        if not row:
            return Problem(record, at, None, "a blank line")
        if _SURROGATE.search(text) or "\x00" in text:
            fault = self._bad_field(row)
            if fault:
                return Problem(record, at, self.column(fault[0]), fault[1])
        return self._shape(record, row, lines)

    @staticmethod
    def _bad_field(row: list[str]) -> tuple[int, str] | None:
        for i, value in enumerate(row):
            if _SURROGATE.search(value):
                return i, "not valid UTF-8"
            if "\x00" in value:
                return i, "a NUL byte"
        return None

    def _shape(self, record: int, row: list[str], lines: _RecordLines) -> Problem | None:
        at, width = lines.record_line, self.width
        if len(row) < width:
            return Problem(record, at, self.column(len(row)),
                           f"missing: the record has {len(row)} fields, the header {width}")
        if len(row) > width:
            return Problem(record, at, None, f"the record has {len(row)} fields, the header {width}")
        ending = lines.ending()
        if ending and self.header_ending and ending != self.header_ending:
            return Problem(record, at, None, f"line ends with {_ENDING_NAMES[ending]}, the header's with "
                                             f"{_ENDING_NAMES[self.header_ending]}")
        return None


def locate_problem(path: Path, header: tuple[str, ...], db_line: int | None = None,
                   db_what: str | None = None) -> Problem | None:
    """Re-read a file that failed and name its first fault: record, line, column.

    The csv module for speed, with a character scan of any record that holds a
    quote. `db_line` (the database's physical line of the failure) is a
    fallback when no fault is found here.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        with open(path, "rb") as fh:
            found, db_record = _scan_records(fh, header, db_line)
    finally:
        csv.field_size_limit(limit)
    if found is not None:
        return found
    if db_line is not None or db_what is not None:
        return Problem(db_record, db_line, None, db_what or "the database could not parse the file here")
    return None


def _scan_records(fh: BinaryIO, header: tuple[str, ...], db_line: int | None) -> tuple[Problem | None, int | None]:
    """The first fault, else None and the record holding the database's line (if it gave one)."""
    lines = _RecordLines(fh)
    reader = csv.reader(lines, strict=True)
    next(reader)
    locator = _Locator(header, line_ending(lines.kept[-1]))
    record, db_record = 0, None
    while True:
        lines.start_record()
        try:
            row = next(reader)
        except StopIteration:
            return None, db_record
        except csv.Error:
            return locator.unreadable(record + 1, lines), None
        record += 1
        found = locator.check(record, row, lines)
        if found:
            return found, None
        if db_line is not None and db_record is None and lines.record_line <= db_line <= lines.line:
            db_record = record


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


def malformed(f: NightFile, db_line: int | None = None, db_what: str | None = None,
              scan: ByteScan | None = None) -> ExtractError:
    """The error for a file that failed: its first fault located, else what the database said."""
    problem = locate_problem(f.path, f.header, db_line, db_what)
    if problem is None and scan is not None and scan.problem:
        problem = Problem(None, _line_at(f.path, scan.offset or 0), None, scan.problem)
    if problem is None:
        problem = Problem(None, None, None, db_what or "not valid CSV")
    return ExtractError(problem.message(f.label))


def check_scan(f: NightFile, future: Future[ByteScan | None]) -> None:
    """Raise when the byte scan found the file not to be the manifest's, or malformed."""
    scan = future.result()
    if scan is None:
        raise ExtractError(f"{f.label}: the byte scan was cancelled")
    if scan.sha256 != f.sha256:
        raise ExtractError(
            f"{f.label}: sha256 differs from the manifest's: the file changed after the "
            "manifest was written, or is incomplete"
        )
    if scan.problem:
        raise malformed(f, scan=scan)
