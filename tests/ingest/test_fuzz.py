"""Bad input beyond the catalogue: a generated night's files corrupted at random (Hypothesis).

One file of a `small` nightly night is damaged (truncated mid-record, random bytes, NUL
bytes, re-encoded as Latin-1, mixed line endings, its header repeated, a byte-order mark in
the middle, a 10 MB field, one field too many) and the manifest rewritten to match it, so
the loader's own checks decide, not only the checksum. Each night must either load exactly
(raw holds the records a strict RFC 4180 reading finds, and nothing else) or be refused
with a FootprintError naming the file and the row (record, line or header): never another
exception, never part of the night in raw, never a value from the file in the message.

The examples are bounded and derandomised by the `ci` settings profile (tests/conftest.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
import traceback
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from footprint.contract import FILES, FILES_BY_NAME, MANIFEST_NAME, NIGHTS_TABLE
from footprint.errors import FootprintError
from footprint.ingest.landing import sha256_file
from footprint.settings import Settings
from tests.support.places import environment

BACKENDS = ["duckdb", "postgres"]
PSEUDONYM_KEY = "fuzz-tests-pseudonym-key-0123456789abcdef"
BOM = b"\xef\xbb\xbf"
BIG_FIELD = 10 * 1024 * 1024
WHERE = re.compile(r"\b(record \d+|line \d+|header)\b")


# --- the night and a warehouse to load it into ------------------------------------------------

@pytest.fixture(scope="module")
def night(tmp_path_factory) -> Path:
    from tests.support.pipeline import write_nights

    return write_nights(tmp_path_factory.mktemp("fuzz-landing"), nights=1)[1]  # a nightly night


@pytest.fixture(scope="module", params=BACKENDS)
def warehouse(request, tmp_path_factory, night):
    root = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    env = {"FOOTPRINT_PSEUDONYM_KEY": PSEUDONYM_KEY}
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        server.create_database("fuzz")
        env.update(server.env("fuzz"))
    settings = Settings.from_env({"FOOTPRINT_TARGET": request.param,
                                  "FOOTPRINT_DUCKDB_PATH": str(root / "warehouse.duckdb"),
                                  "FOOTPRINT_REPORTS_DIR": str(root / "reports")})
    with environment(env):
        from footprint.ingest.raw_load import load_night

        load_night(night, settings)  # the night as delivered loads exactly: the baseline
        assert raw_night(settings, night) == expected_rows(night)
        yield settings


def night_date(folder: Path) -> dt.date:
    return dt.date.fromisoformat(folder.name)


def raw_night(settings: Settings, folder: Path) -> dict[str, list[tuple]]:
    from footprint.warehouse import connect, fetch_all

    with connect(settings) as conn:
        return {
            spec.table: [tuple(r) for r in fetch_all(
                conn, f"select {', '.join(spec.column_names)} from raw.{spec.table} "
                      "where _extract_date = %s order by _source_row", (night_date(folder),))]
            for spec in FILES
        }


def forget_night(settings: Settings, folder: Path) -> None:
    from footprint.warehouse import connect, execute

    with connect(settings) as conn:
        for spec in FILES:
            execute(conn, f"delete from raw.{spec.table} where _extract_date = %s", (night_date(folder),))
        execute(conn, f"delete from raw.{NIGHTS_TABLE} where extract_date = %s", (night_date(folder),))
        conn.commit()


def night_is_absent(settings: Settings, folder: Path) -> bool:
    from footprint.warehouse import connect, fetch_value

    with connect(settings) as conn:
        nights = fetch_value(conn, f"select count(*) from raw.{NIGHTS_TABLE} where extract_date = %s",
                             (night_date(folder),))
    return nights == 0 and not any(raw_night(settings, folder).values())


# --- a strict reading of a file: what "loads exactly" means ----------------------------------

def records(data: bytes) -> list[list[str]]:
    """RFC 4180, strictly: UTF-8 (a leading BOM allowed), header first."""
    text = data.removeprefix(BOM).decode("utf-8")
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    finally:
        csv.field_size_limit(limit)


def contract_rows(name: str, data: bytes) -> list[tuple]:
    spec = FILES_BY_NAME[name]
    header, *rows = records(data)
    where = [header.index(c) for c in spec.column_names]
    return [tuple(row[i] or None for i in where) for row in rows]


def expected_rows(folder: Path) -> dict[str, list[tuple]]:
    return {spec.table: contract_rows(spec.name, (folder / spec.name).read_bytes()) for spec in FILES}


def record_count(data: bytes, fallback: int) -> int:
    """What the manifest says once rewritten to match: the records a strict reading finds."""
    try:
        return len([r for r in records(data) if r]) - 1
    except (UnicodeDecodeError, csv.Error):
        return fallback


# --- the damage ---------------------------------------------------------------------------------

def header_end(data: bytes) -> int:
    return data.index(b"\n") + 1


def body_offset(data: bytes, fraction: float) -> int:
    start = header_end(data)
    return start + int((len(data) - start) * fraction)


def rewrite(data: bytes, change) -> bytes:
    """Change the parsed records, and write the file back (RFC 4180, minimal quoting)."""
    rows = records(data)
    change(rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _truncate(data: bytes, draw) -> bytes:
    return data[: body_offset(data, draw(st.floats(0.01, 0.99)))]


def _insert(what: bytes):
    def damage(data: bytes, draw) -> bytes:
        at = body_offset(data, draw(st.floats(0, 1)))
        return data[:at] + what + data[at:]
    return damage


def _random_bytes(data: bytes, draw) -> bytes:
    return _insert(draw(st.binary(min_size=1, max_size=12)))(data, draw)


def _latin1(data: bytes, draw) -> bytes:
    marked = _insert("é".encode())(data, draw)  # a letter Latin-1 spells in one byte, UTF-8 in two
    return marked.decode("utf-8").encode("latin-1", errors="replace")


def _mixed_line_endings(data: bytes, draw) -> bytes:
    lines = data.split(b"\n")
    picks = draw(st.sets(st.integers(0, max(len(lines) - 2, 0)), min_size=1, max_size=5))
    return b"\n".join(line + b"\r" if i in picks else line for i, line in enumerate(lines))


def _header_twice(data: bytes, draw) -> bytes:
    end = header_end(data)
    return data[:end] + data[:end].removeprefix(BOM) + data[end:]


def _big_field(data: bytes, draw) -> bytes:
    def change(rows: list[list[str]]) -> None:
        if len(rows) > 1:
            row = rows[draw(st.integers(1, len(rows) - 1))]
            row[draw(st.integers(0, len(row) - 1))] = "x" * BIG_FIELD
    return rewrite(data, change)


def _one_field_too_many(data: bytes, draw) -> bytes:
    def change(rows: list[list[str]]) -> None:
        if len(rows) > 1:
            rows[draw(st.integers(1, len(rows) - 1))].append("extra")
    return rewrite(data, change)


DAMAGE = {
    "truncated mid-record": _truncate,
    "random bytes": _random_bytes,
    "NUL bytes": lambda data, draw: _insert(b"\x00" * draw(st.integers(1, 3)))(data, draw),
    "re-encoded as Latin-1": _latin1,
    "mixed line endings": _mixed_line_endings,
    "header repeated": _header_twice,
    "byte-order mark in the middle": _insert(BOM),
    "a 10 MB field": _big_field,
    "one field too many": _one_field_too_many,
}


def damaged_night(source: Path, into: Path, name: str, damage) -> tuple[Path, bytes]:
    folder = into / source.name
    shutil.copytree(source, folder)
    original = (folder / name).read_bytes()
    data = damage(original)
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    entry = manifest["files"][name]
    entry.update(sha256=sha256_file(folder / name), rows=record_count(data, entry["rows"]))
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    return folder, data


def values_of(data: bytes, label: str) -> set[str]:
    """Field values to look for in a message (seven-digit person ids included), but not the
    column names or the file's own label (a truncated date can be a piece of the night's)."""
    text = data.decode("utf-8", errors="replace")
    found = set(re.findall(r"[^,\r\n\"]{6,200}", text))
    header = text.split("\n", 1)[0]
    return {v for v in found if v not in header and v not in label}


# --- the property --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(DAMAGE))
@hypothesis_settings(max_examples=max(3, hypothesis_settings.default.max_examples // 5))  # per kind of damage
@given(draws=st.data())
def test_a_damaged_file_loads_exactly_or_is_refused_by_file_and_row(warehouse, night, kind, draws):
    from footprint.ingest.raw_load import load_night

    name = draws.draw(st.sampled_from([spec.name for spec in FILES]), label="file")
    with tempfile.TemporaryDirectory() as tmp:
        folder, data = damaged_night(night, Path(tmp), name, lambda original: DAMAGE[kind](original, draws.draw))
        forget_night(warehouse, folder)
        with environment({"FOOTPRINT_PSEUDONYM_KEY": PSEUDONYM_KEY}):
            try:
                load_night(folder, warehouse)
            except FootprintError as exc:
                event(f"{kind}: refused")
                refused(warehouse, folder, name, kind, data, exc)
                return
        event(f"{kind}: loaded")
        loaded = raw_night(warehouse, folder)
        assert loaded == expected_rows(folder), f"{kind} in {name}: loaded, but not exactly as written"


def refused(settings: Settings, folder: Path, name: str, kind: str, data: bytes, exc: FootprintError) -> None:
    message = str(exc)
    shown = "".join(traceback.format_exception(exc))
    assert f"{folder.name}/{name}" in message, f"{kind}: the message does not name the file: {message}"
    assert WHERE.search(message.split("\nWhat to do:")[0]), f"{kind}: the message names no row: {message}"
    assert night_is_absent(settings, folder), f"{kind} in {name}: part of the night reached raw"
    echoed = [v for v in values_of(data, f"{folder.name}/{name}") if v in shown]
    assert not echoed, f"{kind} in {name}: the error shows a value from the file"
