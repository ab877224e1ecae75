"""Checks before anything is written: the manifest, every contract file's presence and header.

Messages name the night, the file, the line and the column; never a value
from the data (a headerless file's first row would be data, so an odd header
name is shown by its position).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from footprint.contract import FILES, MANIFEST_NAME, META_COLUMNS, FileSpec
from footprint.ingest.landing import ExtractError, Manifest, read_manifest, sha256_file
from footprint.warehouse.base import CsvFile

BOM = b"\xef\xbb\xbf"
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .-]{0,63}$")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


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

    @property
    def has_extra_columns(self) -> bool:
        return len(self.header) > len(self.spec.columns)

    def csv_file(self) -> CsvFile:
        """The file as the warehouse is to parse it."""
        return CsvFile(
            table=self.spec.table, name=self.spec.name, path=self.path, header=self.header,
            select=tuple(self.select_positions()), columns=tuple(self.spec.column_names),
            meta_columns=META_COLUMNS,
        )


def header_name(column: str, position: int) -> str:
    """A header name fit for a message (a headerless file's first row would be data)."""
    return column if _PLAIN_NAME.match(column) else f"#{position + 1}"


def _decoded_lines(fh: BinaryIO) -> Iterator[str]:
    first = True
    for raw in iter(fh.readline, b""):
        if first:
            raw, first = raw.removeprefix(BOM), False
        yield raw.decode("utf-8")


def read_header(path: Path, label: str) -> list[str]:
    """The first CSV record, read on its own: a bad byte further on is not the header's fault."""
    problem = None
    header: list[str] | None = None
    with open(path, "rb") as fh:
        try:
            header = next(csv.reader(_decoded_lines(fh), strict=True), None)
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
            raise ExtractError(f"{label}: header (line 1): column {header_name(name, i)} appears more than once")
        seen.add(name)
    return {name: header.index(name) for name in spec.column_names}


def _manifest_entry(folder: Path, manifest: Manifest, spec: FileSpec) -> tuple[int, str]:
    """The manifest's record count and sha256 for one file, checked for form."""
    where = f"{folder.name}/{MANIFEST_NAME}"
    entry = manifest.files.get(spec.name)
    if entry is None:
        raise ExtractError(f"{where}: {spec.name} is not listed")
    rows, sha = entry.get("rows"), entry.get("sha256")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise ExtractError(f"{where}: {spec.name}: rows must be a whole number")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise ExtractError(f"{where}: {spec.name}: sha256 must be 64 hex digits")
    return rows, sha.lower()


def verify_manifest(folder: Path) -> tuple[Manifest, str, list[NightFile]]:
    """Manifest well-formed, every contract file listed and present, every header usable."""
    if not folder.is_dir():
        raise ExtractError(f"{folder}: no such night folder")
    manifest = read_manifest(folder)
    manifest_sha = sha256_file(folder / MANIFEST_NAME)
    files = []
    for spec in FILES:
        label = f"{folder.name}/{spec.name}"
        rows, sha = _manifest_entry(folder, manifest, spec)
        path = folder / spec.name
        if not path.is_file():
            raise ExtractError(f"{label}: missing: the manifest lists it, the folder does not have it")
        header = read_header(path, label)
        position = check_header(header, spec, label)
        files.append(NightFile(spec, path, label, tuple(header), position, rows, sha))
    return manifest, manifest_sha, files
