"""The raw loader and the child pseudonyms, on a real DuckDB file and a real PostgreSQL server.

Input nights are built here with landing.write_csv/write_manifest (small and
fast); malformed files are written byte by byte. Every rejection is checked
for the same three things: the message names the file, record and column;
nothing of the night is written; and the sensitive value planted in the bad
row appears nowhere (message, traceback, logs).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import stat
import traceback
from pathlib import Path

import pytest

from footprint.contract import FILES, FILES_BY_NAME, MANIFEST_NAME, META_COLUMNS, NIGHTS_TABLE
from footprint.errors import FootprintError
from footprint.ingest.landing import ExtractError, read_manifest, write_csv, write_manifest
from footprint.settings import Settings

KEY = "test-pseudonym-key-0f3a9c1e7d2b4a6f8e0d"
OTHER_KEY = "another-pseudonym-key-77aa0c3e5f1b2d4c6e8a"
SECRET = "Zebediah Quuxworth"  # planted in sensitive columns; must never be echoed
D1, D2 = dt.date(2022, 3, 1), dt.date(2022, 3, 2)
EXTRA_SSD = ("pers_forename", "pers_surname", "pers_upn")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(params=["duckdb", "postgres"])
def target(request, monkeypatch, tmp_path) -> str:
    monkeypatch.delenv("FOOTPRINT_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(tmp_path / "landing"))
    if request.param == "duckdb":
        request.getfixturevalue("duckdb_env")
    else:
        request.getfixturevalue("pg_env")
        monkeypatch.setenv("FOOTPRINT_TARGET", "postgres")
        monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    return request.param


@pytest.fixture
def landing(tmp_path) -> Path:
    path = tmp_path / "landing"
    path.mkdir(exist_ok=True)
    return path


# --- building nights ---------------------------------------------------------------------------


def value(column: str, i: int, night: dt.date) -> str | None:
    """A deterministic value; free text carries commas, quotes, newlines and non-ASCII."""
    if column.endswith("person_id"):
        return f"P{i % 4:04d}"  # leading zeros: identifiers are strings
    if column in ("cano_text", "clar_review_summary"):
        return f'Seen at home, said "fine".\nSecond line, night {night} — café #{i}'
    if column == "cano_subject":
        return f"Subject {i}, with comma"
    if column == "is_deleted":
        return "N"
    if column == "cano_linked_missing_id":
        return None  # empty = NULL
    if column in ("modified_at", "cano_created_date"):
        return f"{night} 0{i % 10}:15:00"
    return f"{column}-{i:03d}"


def rows_of(spec, ids, night) -> list[list[str | None]]:
    return [[value(c, i, night) for c in spec.column_names] for i in ids]


def make_night(landing: Path, night: dt.date, ids=range(3), load_type: str = "nightly",
               extra_columns: bool = False, shuffle: bool = False, bom: bool = False) -> Path:
    folder = landing / str(night)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for spec in FILES:
        header = list(spec.column_names)
        rows = rows_of(spec, ids, night)
        if extra_columns and spec.name == "ssd_person.csv":
            header += list(EXTRA_SSD)
            rows = [r + [SECRET, SECRET, f"UPN-{SECRET}"] for r in rows]
        if shuffle:
            order = list(reversed(range(len(header))))
            header = [header[j] for j in order]
            rows = [[r[j] for j in order] for r in rows]
        path = folder / spec.name
        counts[spec.name] = write_csv(path, header, rows)
        if bom:
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    write_manifest(folder, night, dt.datetime.combine(night, dt.time(1, 12, 9)), load_type, counts)
    return folder


def rewrite(folder: Path, name: str, data: bytes, rows: int | None = None) -> None:
    """Replace a file and write a manifest that agrees with its bytes (and says `rows`)."""
    (folder / name).write_bytes(data)
    manifest = read_manifest(folder)
    counts = {n: e["rows"] for n, e in manifest.files.items()}
    if rows is not None:
        counts[name] = rows
    write_manifest(folder, manifest.extract_date, manifest.produced_at, manifest.load_type, counts)


def csv_lines(header, rows) -> list[str]:
    """Each record as its own CSV text (with its newline), so tests can damage one record."""
    out = []
    for row in [header, *rows]:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v for v in row])
        out.append(buf.getvalue())
    return out


def field_text(v: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([v])
    return buf.getvalue()


# --- reading the warehouse ---------------------------------------------------------------------


@contextlib.contextmanager
def warehouse():
    from footprint.warehouse import connect

    with connect(Settings.from_env()) as conn:
        yield conn


def query(sql: str, params=(), conn=None) -> list[tuple]:
    from footprint.warehouse import execute

    if conn is None:
        with warehouse() as conn:
            return execute(conn, sql, params).fetchall()
    return execute(conn, sql, params).fetchall()


def raw_tables(conn=None) -> set[str]:
    rows = query("select table_name from information_schema.tables where table_schema = 'raw'", conn=conn)
    return {r[0] for r in rows}


def text_columns(table: str, conn) -> list[str]:
    return [r[0] for r in query(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = %s "
        "and data_type in ('text', 'VARCHAR', 'character varying')", (table,), conn)]


def snapshot() -> dict:
    """Every raw table's rows, all columns but the load time, in a stable order."""
    snap = {}
    with warehouse() as conn:
        tables = raw_tables(conn)
        for spec in FILES:
            if spec.table in tables:
                cols = ", ".join([*spec.column_names, *[m for m in META_COLUMNS if m != "_loaded_at"]])
                snap[spec.table] = query(f"select {cols} from raw.{spec.table} order by _extract_date, _source_row",
                                         conn=conn)
        if NIGHTS_TABLE in tables:
            snap[NIGHTS_TABLE] = query(
                f"select extract_date, produced_at, source_system, load_type, status, row_counts, "
                f"manifest_sha256, validated_at, validation_result from raw.{NIGHTS_TABLE} order by extract_date",
                conn=conn,
            )
        for table in ("child_pseudonyms", "pseudonym_key"):
            if table in tables:
                cols = "person_id, child_key" if table == "child_pseudonyms" else "fingerprint"
                snap[table] = query(f"select {cols} from raw.{table} order by 1", conn=conn)
    return snap


def load(folder: Path):
    from footprint.ingest.raw_load import load_night

    return load_night(folder, Settings.from_env())


# --- loading -----------------------------------------------------------------------------------


def test_load_then_reload_is_idempotent(target, landing):
    folder = make_night(landing, D1, ids=range(5), load_type="initial")
    result = load(folder)
    assert result.extract_date == D1 and result.load_type == "initial"
    assert result.rows == {spec.name: 5 for spec in FILES} and result.total_rows == 40
    assert result.produced_at == dt.datetime(2022, 3, 1, 1, 12, 9)
    once = snapshot()
    # The gate has been: reloading the night sends it back through the gate.
    query_commit(f"update raw.{NIGHTS_TABLE} set status = 'accepted', validated_at = %s, "
                 "validation_result = '{}'", (dt.datetime(2022, 3, 1, 3, 0),))
    load(folder)
    assert snapshot() == once
    (date, load_type, status, counts, sha, loaded_at, validated_at, vresult), = query(
        f"select extract_date, load_type, status, row_counts, manifest_sha256, loaded_at, validated_at, "
        f"validation_result from raw.{NIGHTS_TABLE}"
    )
    assert (date, load_type, status, validated_at, vresult) == (D1, "initial", "loaded", None, None)
    assert json.loads(counts) == {spec.name: 5 for spec in FILES}
    assert len(sha) == 64 and isinstance(loaded_at, dt.datetime)
    assert query("select count(distinct _loaded_at) from raw.case_notes") == [(1,)]


def query_commit(sql: str, params=()) -> None:
    from footprint.warehouse import connect, execute

    with connect(Settings.from_env()) as conn:
        execute(conn, sql, params)
        conn.commit()


def test_values_land_exactly(target, landing):
    """Free text round-trips byte for byte; empty and quoted-empty are both NULL; ids keep their zeros;
    _source_row is the record number even when records span lines; columns in any order, BOM or not."""
    folder = make_night(landing, D1, ids=range(4), shuffle=True, bom=True)
    spec = FILES_BY_NAME["case_notes.csv"]
    texts = ['a "quoted" word, a comma\nand a newline', "  spaces kept  ", "line\r\nbreak (CRLF inside quotes)",
             "Ünïcödé — ‘quotes’ 日本"]
    rows = rows_of(spec, range(4), D1)
    t = spec.column_names.index("cano_text")
    s = spec.column_names.index("cano_subject")
    for i, row in enumerate(rows):
        row[t] = texts[i]
    rows[2][s] = ""  # unquoted empty
    rewrite(folder, spec.name, "".join(csv_lines(spec.column_names, rows)).encode())
    load(folder)
    got = query("select cano_casenote_id, cano_person_id, cano_text, cano_subject, cano_linked_missing_id, "
                "_source_row, _source_file from raw.case_notes order by _source_row")
    assert [r[2] for r in got] == texts
    assert [r[5] for r in got] == [1, 2, 3, 4]
    assert {r[6] for r in got} == {"case_notes.csv"}
    assert got[0][1] == "P0000" and got[2][3] is None and all(r[4] is None for r in got)
    person = query("select pers_person_id, pers_sex, pers_dob from raw.ssd_person order by _source_row")
    assert person[1] == ("P0001", "pers_sex-001", "pers_dob-001")  # shuffled header: each value in its column


def test_quoted_empty_is_null_like_unquoted(target, landing):
    folder = make_night(landing, D1, ids=range(2))
    spec = FILES_BY_NAME["ssd_person.csv"]
    data = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP1,\"\",,WBRI\nP2,M,\"\",\"\"\n"
    rewrite(folder, spec.name, data.encode(), rows=2)
    load(folder)
    assert query("select pers_sex, pers_dob, pers_ethnicity from raw.ssd_person order by _source_row") == [
        (None, None, "WBRI"), ("M", None, None)]


def test_empty_files_load_as_no_rows(target, landing):
    """A quiet night: event files with a header and no record."""
    folder = make_night(landing, D1)
    for name in ("missing_notifications.csv", "ssd_missing.csv"):
        spec = FILES_BY_NAME[name]
        rewrite(folder, name, (",".join(spec.column_names) + "\n").encode(), rows=0)
    result = load(folder)
    assert result.rows["missing_notifications.csv"] == 0 and result.rows["case_notes.csv"] == 3
    assert query("select count(*) from raw.ssd_missing") == [(0,)]


def test_overlapping_nights_both_kept(target, landing):
    load(make_night(landing, D1, ids=range(0, 5)))
    load(make_night(landing, D2, ids=range(3, 8)))
    assert query("select _extract_date, count(*) from raw.case_notes group by 1 order by 1") == [(D1, 5), (D2, 5)]
    # the overlapping records (3 and 4) are there once per night: history, not upsert
    assert query("select cano_casenote_id, count(*) from raw.case_notes group by 1 having count(*) > 1 "
                 "order by 1") == [("cano_casenote_id-003", 2), ("cano_casenote_id-004", 2)]
    before = snapshot()
    load(landing / str(D1))  # reloading one night leaves the other alone
    assert snapshot() == before
    assert [r[0] for r in query(f"select extract_date from raw.{NIGHTS_TABLE} order by 1")] == [D1, D2]


def test_extra_columns_never_loaded(target, landing):
    load(make_night(landing, D1, extra_columns=True, shuffle=True))
    cols = [r[0] for r in query("select column_name from information_schema.columns where table_schema = 'raw' "
                                "and table_name = 'ssd_person' order by ordinal_position")]
    assert cols == [*FILES_BY_NAME["ssd_person.csv"].column_names, *META_COLUMNS]
    assert query("select count(*) from raw.ssd_person") == [(3,)]
    with warehouse() as conn:
        for table in raw_tables(conn):
            every = ", ".join(f"coalesce({c}, '')" for c in text_columns(table, conn))
            assert query(f"select count(*) from raw.{table} where strpos(concat_ws('|', {every}), %s) > 0",
                         (SECRET,), conn) == [(0,)], table
        if target == "postgres":
            assert query("select count(*) from pg_class where relname = '_footprint_stage'", conn=conn) == [(0,)]
            # the metadata domains' defaults were the load's only
            domains = query("select typname, typdefault from pg_type where typtype = 'd' and typnamespace = "
                            "'raw'::regnamespace order by 1", conn=conn)
            assert domains == [(f"meta_{m}", None) for m in ("extract_date", "loaded_at", "produced_at", "source_file")]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    from footprint.devtools.generate import generate

    return generate(tmp_path_factory.mktemp("gen"), "small", D1, nights=1, history_years=1, seed=7)


def test_generated_nights_round_trip(target, generated):
    """The generator's `small` preset (UK dates, extra SSD columns, BOMs, free text) loads whole."""
    for folder in generated:
        result = load(Path(folder))
        manifest = read_manifest(Path(folder))
        assert result.rows == {name: entry["rows"] for name, entry in manifest.files.items()}
    nights = query(f"select extract_date, load_type from raw.{NIGHTS_TABLE} order by 1")
    assert nights == [(D1, "initial"), (D1 + dt.timedelta(days=1), "nightly")]
    assert set(mapping()) == person_ids_in_raw()


# --- malformed files and manifest mismatches ---------------------------------------------------

CN = FILES_BY_NAME["case_notes.csv"]
TEXT = CN.column_names.index("cano_text")
SUBJECT = CN.column_names.index("cano_subject")


def _record(i: int, **changes) -> list[str | None]:
    row = rows_of(CN, [i], D2)[0]
    for name, v in changes.items():
        row[CN.column_names.index(name)] = v
    return row


def _notes(lines: list[str]) -> bytes:
    return "".join(lines).encode()


def _join(fields: list[str]) -> str:
    return ",".join(fields) + "\n"


def bad_unbalanced_quote(folder):
    lines = csv_lines(CN.column_names, [_record(i) for i in range(4)])
    fields = [field_text(v or "") for v in _record(1)]
    fields[TEXT] = f'"{SECRET} opens a quote and never closes it'
    lines[2] = _join(fields)
    rewrite(folder, CN.name, _notes(lines), rows=4)
    return ["case_notes.csv", "record 2", "column cano_text"]


def bad_text_after_closing_quote(folder):
    lines = csv_lines(CN.column_names, [_record(i) for i in range(4)])
    fields = [field_text(v or "") for v in _record(2)]
    fields[SUBJECT] = f'"{SECRET} said "hi" to me"'  # the exporter forgot to double the quotes
    lines[3] = _join(fields)
    rewrite(folder, CN.name, _notes(lines), rows=4)
    return ["case_notes.csv", "record 3", "column cano_subject"]


def bad_quote_in_unquoted_field(folder):
    lines = csv_lines(CN.column_names, [_record(i) for i in range(4)])
    fields = [field_text(v or "") for v in _record(1)]
    fields[SUBJECT] = f'{SECRET.replace(" ", "")}"s note'
    lines[2] = _join(fields)
    rewrite(folder, CN.name, _notes(lines), rows=4)
    return ["case_notes.csv", "record 2", "column cano_subject"]


def bad_too_many_fields(folder):
    lines = csv_lines(CN.column_names, [_record(i) for i in range(4)])
    lines[3] = lines[3].rstrip("\n") + f",{SECRET}\n"
    rewrite(folder, CN.name, _notes(lines), rows=4)
    return ["case_notes.csv", "record 3", f"{len(CN.columns) + 1} fields"]


def bad_too_few_fields(folder):
    lines = csv_lines(CN.column_names, [_record(i, is_deleted=SECRET) for i in range(4)])
    lines[2] = lines[2].rsplit(",", 1)[0] + "\n"
    rewrite(folder, CN.name, _notes(lines), rows=4)
    return ["case_notes.csv", "record 2", "column is_deleted"]


def bad_missing_contract_column(folder):
    header = [c for c in CN.column_names if c != "cano_text"]
    rows = [[v for j, v in enumerate(_record(i, cano_subject=SECRET)) if j != TEXT] for i in range(3)]
    rewrite(folder, CN.name, _notes(csv_lines(header, rows)), rows=3)
    return ["case_notes.csv", "header", "cano_text"]


def bad_duplicated_header(folder):
    header = [*CN.column_names, "cano_subject"]
    rows = [_record(i) + [SECRET] for i in range(3)]
    rewrite(folder, CN.name, _notes(csv_lines(header, rows)), rows=3)
    return ["case_notes.csv", "header", "cano_subject", "more than once"]


def bad_encoding(folder):
    lines = csv_lines(CN.column_names, [_record(i, cano_text=f"{SECRET} XBADX") for i in range(4)])
    data = _notes(lines)
    at = data.index(b"XBADX", data.index(b"cano_casenote_id-001"))  # record 2's text
    data = data[:at] + b"\xff\xfe" + data[at + 5:]
    rewrite(folder, CN.name, data, rows=4)
    return ["case_notes.csv", "record 2", "column cano_text", "UTF-8"]


def bad_encoding_in_header(folder):
    data = _notes(csv_lines(CN.column_names, [_record(i) for i in range(2)]))
    data = data.replace(b"cano_subject", b"cano_subj\xe9ct", 1)
    rewrite(folder, CN.name, data, rows=2)
    return ["case_notes.csv", "header (line 1)", "UTF-8"]


def bad_encoding_in_extra_column(folder):
    """DuckDB never parses a column it does not select: the byte scan must see it."""
    header = [*CN.column_names, "cano_extra_notes"]
    lines = csv_lines(header, [_record(i) + [f"{SECRET} XBADX"] for i in range(3)])
    lines[3] = lines[3].replace("XBADX", "\udcff")
    data = "".join(lines).encode("utf-8", "surrogateescape")
    rewrite(folder, CN.name, data, rows=3)
    return ["case_notes.csv", "record 3", "column cano_extra_notes", "UTF-8"]


def bad_nul_byte(folder):
    lines = csv_lines(CN.column_names, [_record(i, cano_text=f"{SECRET}\x00end") if i == 1 else _record(i)
                                        for i in range(3)])
    rewrite(folder, CN.name, _notes(lines), rows=3)
    return ["case_notes.csv", "record 2", "column cano_text", "NUL"]


def bad_blank_line(folder):
    lines = csv_lines(CN.column_names, [_record(i, cano_subject=SECRET) for i in range(3)])
    lines.insert(2, "\n")
    rewrite(folder, CN.name, _notes(lines), rows=3)
    return ["case_notes.csv", "record 2", "blank line"]


def bad_line_endings(folder):
    lines = csv_lines(CN.column_names, [_record(i, cano_subject=SECRET) for i in range(3)])
    lines[2] = lines[2][:-1] + "\r\n"
    rewrite(folder, CN.name, _notes(lines), rows=3)
    return ["case_notes.csv", "record 2", "CRLF"]


def bad_row_count(folder):
    manifest = read_manifest(folder)
    counts = {n: e["rows"] for n, e in manifest.files.items()}
    counts[CN.name] += 1
    write_manifest(folder, manifest.extract_date, manifest.produced_at, manifest.load_type, counts)
    return ["case_notes.csv", "3 records", "manifest says 4"]


def bad_sha(folder):
    with open(folder / CN.name, "a", encoding="utf-8") as fh:  # written after the manifest
        fh.write(_join([field_text(v or "") for v in _record(9, cano_text=SECRET)]))
    return ["case_notes.csv", "sha256"]


def bad_missing_file(folder):
    (folder / CN.name).unlink()
    return ["case_notes.csv", "missing"]


def bad_missing_manifest(folder):
    (folder / MANIFEST_NAME).unlink()
    return [str(D2), MANIFEST_NAME]


def bad_manifest_omits_file(folder):
    manifest = read_manifest(folder)
    counts = {n: e["rows"] for n, e in manifest.files.items() if n != CN.name}
    write_manifest(folder, manifest.extract_date, manifest.produced_at, manifest.load_type, counts)
    return [MANIFEST_NAME, "case_notes.csv", "not listed"]


BAD = [
    bad_unbalanced_quote, bad_text_after_closing_quote, bad_quote_in_unquoted_field, bad_too_many_fields,
    bad_too_few_fields, bad_missing_contract_column, bad_duplicated_header, bad_encoding,
    bad_encoding_in_header, bad_encoding_in_extra_column, bad_nul_byte, bad_blank_line, bad_line_endings, bad_row_count, bad_sha,
    bad_missing_file, bad_missing_manifest, bad_manifest_omits_file,
]


@pytest.mark.parametrize("damage", BAD, ids=[f.__name__[4:] for f in BAD])
def test_bad_night_rejected_and_nothing_written(target, landing, damage, caplog):
    load(make_night(landing, D1, ids=range(3), load_type="initial"))
    before = snapshot()
    folder = make_night(landing, D2, ids=range(3))
    expected = damage(folder)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ExtractError) as info:
        load(folder)
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert info.value.__context__ is None and info.value.__cause__ is None  # no database error inside
    shown = "".join(traceback.format_exception(info.value)) + caplog.text
    for piece in (SECRET, SECRET.replace(" ", ""), "Zebediah", "Quuxworth"):
        assert piece not in shown
    assert snapshot() == before


@pytest.mark.parametrize("damage", [bad_unbalanced_quote, bad_row_count], ids=["unbalanced_quote", "row_count"])
def test_bad_reload_keeps_the_good_night(target, landing, damage):
    folder = make_night(landing, D2, ids=range(4))
    load(folder)
    before = snapshot()
    damage(folder)
    with pytest.raises(ExtractError):
        load(folder)
    assert snapshot() == before


def test_error_in_a_later_file_rolls_back_the_earlier_ones(target, landing):
    """service_involvements.csv is loaded last: its failure must undo the seven before it."""
    load(make_night(landing, D1))
    before = snapshot()
    folder = make_night(landing, D2)
    spec = FILES_BY_NAME["service_involvements.csv"]
    lines = csv_lines(spec.column_names, rows_of(spec, range(3), D2))
    lines[2] = lines[2].rstrip("\n") + ",extra\n"
    rewrite(folder, spec.name, "".join(lines).encode(), rows=3)
    with pytest.raises(ExtractError, match="service_involvements.csv: record 2"):
        load(folder)
    assert snapshot() == before


SCAN_CASES = {
    b'a,b\n"x\n\ny",2\n3,4\n': None,  # a blank line inside a quoted field is text
    b'a,b\n1,2\n\n3,4\n': "a blank line",
    b'a,b\r\n1,2\r\n\r\n3,4\r\n': "a blank line",
    b'a,b\n1,2\n3,4\n\n': "a blank line",
    b'a,b\n1,"x"y\n': "a misplaced quote",
    b'a,b\n1,x"y\n': "a misplaced quote",
    b'a,b\n1,"x ""q"" y"\n2,""""\n': None,
    b'a,b\n1,"x\n': "a quoted field that is never closed",
    b'\xef\xbb\xbf"a",b\n1,2\n': None,
    b'a,b\n1,x\x00\n': "a NUL byte",
    b'a,b\n1,caf\xc3\xa9\n': None,
    b'a,b\n1,caf\xe9\n': "not valid UTF-8",
    b'a,b\n1,caf\xc3': "not valid UTF-8",
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
def test_byte_scan_does_not_depend_on_block_size(monkeypatch, tmp_path, chunk):
    import footprint.ingest.bytescan

    monkeypatch.setattr(footprint.ingest.bytescan, "SCAN_CHUNK", chunk)
    for i, (data, expected) in enumerate(SCAN_CASES.items()):
        path = tmp_path / f"{i}.csv"
        path.write_bytes(data)
        scan = footprint.ingest.bytescan.scan_bytes(path)
        assert (scan.problem, scan.sha256) == (expected, hashlib.sha256(data).hexdigest()), data


# --- child pseudonyms --------------------------------------------------------------------------


def person_ids_in_raw() -> set[str]:
    from footprint.ingest.pseudonym import PERSON_ID_COLUMNS

    ids: set[str] = set()
    for table, col in PERSON_ID_COLUMNS:
        ids |= {r[0] for r in query(f"select {col} from raw.{table} where {col} is not null")}
    return ids


def mapping() -> dict[str, str]:
    return dict(query("select person_id, child_key from raw.child_pseudonyms"))


def test_child_keys_cover_raw_and_stay_stable(target, landing):
    from footprint.ingest.pseudonym import PERSON_ID_COLUMNS, child_key

    assert {c for _, c in PERSON_ID_COLUMNS} >= {"pers_person_id", "cano_person_id", "clar_cla_person_id"}
    load(make_night(landing, D1, ids=range(2)))
    first = mapping()
    assert set(first) == person_ids_in_raw() == {"P0000", "P0001"}
    assert first == {pid: child_key(pid, KEY) for pid in first}
    assert all(len(k) == 64 and pid not in k for pid, k in first.items())
    load(make_night(landing, D2, ids=range(5)))
    second = mapping()
    assert set(second) == person_ids_in_raw() == {"P0000", "P0001", "P0002", "P0003"}
    assert {pid: second[pid] for pid in first} == first
    load(landing / str(D1))
    assert mapping() == second


def test_key_rotation_recomputes_every_key(target, landing, monkeypatch):
    from footprint.ingest.pseudonym import child_key

    load(make_night(landing, D1, ids=range(2)))
    old = mapping()
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", OTHER_KEY)
    load(make_night(landing, D2, ids=range(3, 4)))  # a night that does not mention D1's children
    new = mapping()
    assert set(new) == person_ids_in_raw() == {"P0000", "P0001", "P0003"}
    assert new == {pid: child_key(pid, OTHER_KEY) for pid in new}
    assert all(new[pid] != old[pid] for pid in old)
    assert len(query("select fingerprint from raw.pseudonym_key")) == 1


def test_duckdb_creates_a_private_key_file(duckdb_env, landing, monkeypatch, caplog, tmp_path):
    from footprint.ingest.pseudonym import child_key

    monkeypatch.delenv("FOOTPRINT_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("FOOTPRINT_PSEUDONYM_KEY_FILE", raising=False)
    caplog.set_level(logging.INFO)
    key_file = Path(duckdb_env["FOOTPRINT_DUCKDB_PATH"]).parent / "pseudonym.key"
    assert not key_file.exists()
    load(make_night(landing, D1, ids=range(2)))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert str(key_file) in caplog.text
    key = key_file.read_text().strip()
    assert len(key) >= 32 and key not in caplog.text
    first = mapping()
    assert first == {pid: child_key(pid, key) for pid in first}
    load(make_night(landing, D2, ids=range(2)))
    assert mapping() == first and key_file.read_text().strip() == key
    # FOOTPRINT_PSEUDONYM_KEY_FILE names another file: a new key, so every child key changes
    other = tmp_path / "secrets" / "other.key"
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY_FILE", str(other))
    load(landing / str(D2))
    assert stat.S_IMODE(other.stat().st_mode) == 0o600
    assert mapping() == {pid: child_key(pid, other.read_text().strip()) for pid in first}
    # and FOOTPRINT_PSEUDONYM_KEY set to the file's text gives the same keys
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", other.read_text().strip())
    before = mapping()
    load(landing / str(D2))
    assert mapping() == before


def test_postgres_refuses_without_a_key(pg_env, landing, monkeypatch):
    monkeypatch.setenv("FOOTPRINT_TARGET", "postgres")
    monkeypatch.delenv("FOOTPRINT_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("FOOTPRINT_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(FootprintError, match="FOOTPRINT_PSEUDONYM_KEY is not set"):
        load(make_night(landing, D1))
    assert raw_tables() == set()


def test_placeholder_key_refused(duckdb_env, landing, monkeypatch):
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", "change-me-to-a-long-random-secret")
    with pytest.raises(FootprintError, match="placeholder"):
        load(make_night(landing, D1))


def test_child_key_is_hmac_sha256():
    import hmac

    from footprint.ingest.pseudonym import child_key

    assert child_key("P0001", KEY) == hmac.new(KEY.encode(), b"P0001", hashlib.sha256).hexdigest()
    assert child_key("P0001", KEY) != child_key("P0001", OTHER_KEY)
    assert child_key("P0001", KEY) != child_key("P001", KEY)


# --- command line ------------------------------------------------------------------------------


def test_cli_load_and_show(target, landing, capsys):
    from footprint.cli import main

    make_night(landing, D1, load_type="initial")
    make_night(landing, D2)
    assert main(["load", str(D1)]) == 0
    assert main(["load", str(landing / str(D2))]) == 0
    out = capsys.readouterr().out
    assert "night 2022-03-01 (initial) loaded" in out and "24 rows" in out
    assert main(["show"]) == 0
    out = capsys.readouterr().out
    assert "2022-03-01   initial    loaded" in out and "2022-03-02   nightly    loaded" in out
    assert "case_notes" in out and "child_pseudonyms" in out
    bad = make_night(landing, dt.date(2022, 3, 3))
    bad_unbalanced_quote(bad)
    assert main(["load", "2022-03-03"]) == 2
    err = capsys.readouterr().err
    assert "case_notes.csv: record 2" in err and SECRET not in err


def test_show_on_an_empty_warehouse(duckdb_env, capsys):
    from footprint.cli import main

    assert main(["show"]) == 0
    assert "nothing loaded yet" in capsys.readouterr().out


def test_bench_on_a_small_night(landing):
    from footprint.devtools.bench import report, run_bench

    folder = make_night(landing, D1, ids=range(20), load_type="initial", extra_columns=True)
    timings = run_bench(folder, ["duckdb", "postgres"])
    assert [t.target for t in timings] == ["duckdb", "postgres"]
    assert all(t.rows == 160 and t.loader_seconds > 0 and t.bare_seconds > 0 for t in timings)
    text = report(folder, timings)
    assert "duckdb" in text and "postgres" in text and "ratio" in text


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, footprint.ingest.raw_load, footprint.ingest.pseudonym, footprint.readers.show, footprint.devtools.bench; "
            "print(sorted(m for m in ('duckdb', 'psycopg2', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ})
    assert out.stdout.strip() == "[]"
