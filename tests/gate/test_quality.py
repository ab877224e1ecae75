"""The quality gate (footprint.gate.validate + expectations/) on DuckDB and on a real PostgreSQL.

Built from generated data: the `small` preset's initial load and four nightly
loads go through the real loader into one warehouse per backend and are
accepted. Every case then takes the next generated night, breaks one thing in
its CSV files (and marks every sensitive value so a leak would be seen),
writes a fresh manifest, loads it (replacing the previous case's version of
that night), validates it and checks: the verdict, the finding (file, column,
check, row ids), and that no planted sensitive value reaches the summary, the
stored validation_result, the report or the log. The nights as rows and the
catalogue of bad inputs live in tests/quality_cases.py, shared with
tests/test_write_audit_publish.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from footprint.contract import FILES, FILES_BY_TABLE, NIGHTS_TABLE
from footprint.settings import CONFIG_DIR, Settings
from tests.support.quality_cases import (
    CATALOGUE,
    WARNINGS,
    Night,
    iso,
    note_unknown_worker,
    nth,
    parse_any,
    plant_secrets,
    read_night,
    sensitive_values,
    ten_times_case_notes,
    unknown_sex,
    write_night_folder,
)

BACKENDS = ["duckdb", "postgres"]
START = dt.date(2022, 3, 1)
NIGHTLY = 4  # accepted nightly loads before the test night: the volume baseline
PSEUDONYM_KEY = "quality-gate-tests-key-0123456789abcdef"


# --- warehouse helpers --------------------------------------------------------------------------

def set_status(settings: Settings, night: dt.date, status: str) -> None:
    from footprint.warehouse import connect, execute

    with connect(settings) as conn:
        execute(conn, f"update raw.{NIGHTS_TABLE} set status = %s where extract_date = %s", [status, night])
        conn.commit()


def night_status(settings: Settings, night: dt.date) -> tuple[str, dict]:
    from footprint.warehouse import connect, execute

    with connect(settings) as conn:
        status, result = execute(
            conn, f"select status, validation_result from raw.{NIGHTS_TABLE} where extract_date = %s", [night]
        ).fetchone()
    return status, json.loads(result) if result else {}


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _generated(tmp_path_factory) -> list[Path]:
    from footprint.devtools.generate import generate

    out = tmp_path_factory.mktemp("landing")
    return generate(out, "small", START, nights=NIGHTLY + 1, history_years=1, seed=20220301, progress=False)


@pytest.fixture(scope="session")
def _warehouses(pg_server, tmp_path_factory, _generated):
    """Per backend: settings and the history loaded and accepted (initial + NIGHTLY nightly loads)."""
    from footprint.gate.validate import validate_night
    from footprint.ingest.raw_load import load_night

    root = tmp_path_factory.mktemp("quality")
    pg_server.create_database("quality_gate")
    env = {**pg_server.env("quality_gate"), "FOOTPRINT_PSEUDONYM_KEY": PSEUDONYM_KEY}
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        for backend in BACKENDS:
            settings = Settings.from_env({
                "FOOTPRINT_TARGET": backend,
                "FOOTPRINT_DUCKDB_PATH": str(root / backend / "warehouse.duckdb"),
                "FOOTPRINT_REPORTS_DIR": str(root / backend / "reports"),
            })
            history = []
            for n, folder in enumerate(_generated[: NIGHTLY + 1]):
                loaded = load_night(folder, settings)
                if n in (0, NIGHTLY):  # the initial load and the last nightly one go through the gate
                    history.append(validate_night(loaded.extract_date, settings))
                else:  # the gate's verdict on the others, without spending its time
                    set_status(settings, loaded.extract_date, "accepted")
            out[backend] = {"settings": settings, "history": history}
    return out, env


@pytest.fixture(params=BACKENDS)
def wh(request, _warehouses, monkeypatch):
    """One backend's session warehouse; PG* (and the pseudonym key) set for the test."""
    out, env = _warehouses
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return out[request.param]


@pytest.fixture
def night(_generated) -> Night:
    """A fresh copy of the night after the history, its sensitive values marked."""
    n = read_night(_generated[NIGHTLY + 1])
    plant_secrets(n)
    return n


def run_case(wh, night: Night, tmp_path: Path, caplog, config=None):
    from footprint.gate.validate import validate_night
    from footprint.ingest.raw_load import load_night

    folder = write_night_folder(night, tmp_path / "landing")
    load_night(folder, wh["settings"])
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="footprint.gate.validate"):
        result = validate_night(night.date, wh["settings"], config=config)
    status, stored = night_status(wh["settings"], night.date)
    texts = {
        "summary": result.summary(),
        "stored": json.dumps(stored),
        "report": result.report_path.read_text(encoding="utf-8"),
        "log": caplog.text,
    }
    return result, status, stored, texts


def assert_no_sensitive(night: Night, texts: dict[str, str]) -> None:
    planted = sensitive_values(night)
    assert planted, "the night should carry sensitive values to look for"
    for where, text in texts.items():
        assert "SECRET-" not in text, where
        leaked = [v for v in planted if v in text]
        assert not leaked, f"{len(leaked)} sensitive value(s) in the {where}"


# --- good nights -----------------------------------------------------------------------------

def test_history_nights_pass(wh):
    """Generated nights pass: the initial load (exempt from volume) and a nightly load (banded)."""
    initial, nightly = wh["history"]
    for result in (initial, nightly):
        assert result.passed and result.status == "accepted", result.summary()
        assert not result.failures and not result.warnings, result.summary()
        assert night_status(wh["settings"], result.extract_date)[0] == "accepted"
    assert initial.load_type == "initial"
    assert all(v["why"] == "initial load: exempt" for v in initial.volume.values())
    # Three accepted nightly loads before it (the initial one never counts).
    assert nightly.volume["case_notes.csv"]["evaluated"] and nightly.volume["case_notes.csv"]["nights"] == 3


def test_good_night_passes(wh, night, tmp_path, caplog):
    result, status, stored, texts = run_case(wh, night, tmp_path, caplog)
    assert result.passed, result.summary()
    assert status == "accepted"
    assert stored["passed"] is True and stored["errors"] == 0 and stored["findings"] == []
    assert result.failures == [] and result.warnings == []
    assert result.report_path.is_file() and result.report_path.parent.name == night.date.isoformat()
    assert "ACCEPTED" in texts["report"]
    assert str(result.report_path) in texts["log"]
    assert all(v["evaluated"] and v["nights"] == NIGHTLY for v in result.volume.values())
    assert_no_sensitive(night, texts)


def test_a_night_stored_out_of_its_files_order_is_read_in_it(wh, night, tmp_path):
    """The gate reads a night without an `order by` (sorting England's 34 M case notes cost
    seconds and gigabytes); rows the warehouse gives back out of order are sorted after."""
    import pandas as pd

    from footprint.gate.night_data import read_frames
    from footprint.ingest.raw_load import load_night
    from footprint.warehouse import connect, execute

    load_night(write_night_folder(night, tmp_path / "landing"), wh["settings"])
    with connect(wh["settings"]) as conn:
        in_order = read_frames(conn, night.date)
        # the night's case notes written again, last record first
        execute(conn, "create temporary table reversed_notes as select * from raw.case_notes "
                      "where _extract_date = %s order by _source_row desc", [night.date])
        execute(conn, "delete from raw.case_notes where _extract_date = %s", [night.date])
        execute(conn, "insert into raw.case_notes select * from reversed_notes order by _source_row desc")
        conn.commit()
        stored = execute(conn, "select _source_row from raw.case_notes where _extract_date = %s",
                         [night.date]).fetchall()
        scanned = [int(r[0]) for r in stored]
        assert scanned != sorted(scanned), "the warehouse should give the rows back out of order"
        again = read_frames(conn, night.date)
    assert len(in_order["case_notes"]) > 100
    for table, frame in in_order.items():
        pd.testing.assert_frame_equal(again[table], frame)


# --- the catalogue of bad inputs (tests/quality_cases.py) ------------------------------------------

@pytest.mark.parametrize("case", list(CATALOGUE), ids=[c.replace(" ", "-") for c in CATALOGUE])
def test_bad_night_is_rejected(wh, night, tmp_path, caplog, case):
    from footprint.gate.validate import QualityGateError

    mutate, file, column, check = CATALOGUE[case]
    mutate(night)
    result, status, stored, texts = run_case(wh, night, tmp_path, caplog)

    assert not result.passed and status == "rejected", result.summary()
    assert stored["passed"] is False and stored["errors"] == len(result.failures)
    with pytest.raises(QualityGateError, match=check):
        result.raise_for_status()
    hits = [f for f in result.failures if (f.file, f.column, f.check) == (file, column, check)]
    assert hits, f"expected {file} {column} {check} among:\n{result.summary()}"
    finding = hits[0]
    assert finding.severity == "error"
    if check == "volume":
        assert "rows; expected" in finding.detail
    else:
        assert finding.unexpected_count >= 1
        key = FILES_BY_TABLE[file.removesuffix(".csv")].row_key  # none for the children's file
        assert finding.row_ids and all(set(r) == {key, "_source_row"} - {None} for r in finding.row_ids)
        assert all(isinstance(r["_source_row"], int) and r["_source_row"] >= 1 for r in finding.row_ids)
    # The summary (what the CLI prints), the log, the report and the stored result all name it.
    for where in ("summary", "log", "report"):
        assert file in texts[where] and check in texts[where], where
        if column:
            assert column in texts[where], where
    assert any(r.levelno == logging.ERROR and file in r.getMessage() for r in caplog.records)
    assert "REJECTED" in texts["report"]
    # No child's person id names a row anywhere: only record keys and record numbers do.
    persons = {p["pers_person_id"] for p in night.rows["ssd_person"] if p["pers_person_id"]}
    for where, text in texts.items():
        assert not persons & set(re.findall(r"[\w-]+", text)), where
    assert str(result.report_path) in texts["log"]
    assert any((f["file"], f["column"], f["check"]) == (file, column, check) for f in stored["findings"])
    assert_no_sensitive(night, texts)


def test_catalogue_covers_every_class():
    from footprint.gate.suites import CHECKS

    classes = {CHECKS[check][0] for _, _, _, check in CATALOGUE.values()}
    assert classes == {"format", "enumeration", "plausibility", "reference", "volume"}
    assert len(CATALOGUE) >= 25


# --- warnings, history, configuration ---------------------------------------------------------

@pytest.mark.parametrize("case", list(WARNINGS), ids=[c.replace(" ", "-") for c in WARNINGS])
def test_warning_only_problem_passes_and_is_reported(wh, night, tmp_path, caplog, case):
    mutate, file, column, check = WARNINGS[case]
    mutate(night)
    result, status, stored, texts = run_case(wh, night, tmp_path, caplog)

    assert result.passed and status == "accepted", result.summary()
    assert result.failures == []
    assert [(f.file, f.column, f.check, f.severity) for f in result.warnings] == [(file, column, check, "warning")]
    assert stored["passed"] is True and stored["warnings"] == 1
    assert "ACCEPTED" in texts["report"] and "Warnings" in texts["report"]
    assert check in texts["report"] and column in texts["report"]
    assert any(r.levelno == logging.WARNING and column in r.getMessage() for r in caplog.records)
    assert_no_sensitive(night, texts)


def _late_notification(n: Night, history: Night) -> dict:
    """A correction, sent tonight, of a notification whose episode is only in the initial load."""
    here = {e["miss_table_id"] for e in n.rows["ssd_missing"]}
    episode = next(e for e in history.rows["ssd_missing"]
                   if e["miss_table_id"] not in here and e["is_deleted"] == "N")
    start = parse_any(episode["miss_missing_episode_start_date"])
    notice = copy.deepcopy(nth(n, "missing_notifications", 0))
    notice.update({
        "mino_notification_id": "LATE0001", "mino_missing_id": episode["miss_table_id"],
        "mino_person_id": episode["miss_person_id"], "mino_sent_date": iso(start + dt.timedelta(hours=1)),
        "modified_at": iso(n.produced_at - dt.timedelta(hours=3)),
    })
    return notice


def test_references_resolve_from_accepted_history(wh, night, tmp_path, caplog, _generated):
    night.rows["missing_notifications"].append(_late_notification(night, read_night(_generated[0])))
    result, status, _, _ = run_case(wh, night, tmp_path, caplog)
    assert result.passed and not result.warnings, result.summary()


def test_rejected_night_is_not_history(wh, night, tmp_path, caplog, _generated):
    """The same late correction, once the night that held its episode is rejected: unknown."""
    night.rows["missing_notifications"].append(_late_notification(night, read_night(_generated[0])))
    set_status(wh["settings"], START, "rejected")
    try:
        result, status, _, _ = run_case(wh, night, tmp_path, caplog)
    finally:
        set_status(wh["settings"], START, "accepted")
    assert status == "rejected"
    late = [f for f in result.failures if (f.column, f.check) == ("mino_missing_id", "reference")]
    assert late and any(r["mino_notification_id"] == "LATE0001" for r in late[0].row_ids), result.summary()


def _episode_against_history(n: Night, history: Night, starts_at) -> dict:
    """Tonight, a new episode of a child whose earlier episode is only in the initial load."""
    here = {e["miss_table_id"] for e in n.rows["ssd_missing"]}
    children = {p["pers_person_id"] for p in n.rows["ssd_person"]}
    earlier = next(e for e in history.rows["ssd_missing"] if e["miss_table_id"] not in here
                   and e["is_deleted"] == "N" and e["miss_missing_episode_end_date"] and e["miss_person_id"] in children)
    start, end = (parse_any(earlier[c]) for c in ("miss_missing_episode_start_date", "miss_missing_episode_end_date"))
    again = dict(nth(n, "ssd_missing", 0), miss_table_id="39999998", miss_person_id=earlier["miss_person_id"],
                 miss_missing_episode_start_date=iso(starts_at(start, end)),
                 miss_missing_episode_end_date=iso(starts_at(start, end) + dt.timedelta(hours=2)),
                 modified_at=iso(n.produced_at - dt.timedelta(hours=3)), is_deleted="N")
    n.rows["ssd_missing"].append(again)
    return again


def test_an_episode_overlapping_one_in_accepted_history_is_a_warning(wh, night, tmp_path, caplog, _generated):
    _episode_against_history(night, read_night(_generated[0]), lambda start, end: start + (end - start) / 2)
    result, status, _, _ = run_case(wh, night, tmp_path, caplog)
    assert result.passed and status == "accepted", result.summary()
    (finding,) = result.warnings
    assert (finding.file, finding.column, finding.check) == (
        "ssd_missing.csv", "miss_missing_episode_start_date", "episodes_do_not_overlap")
    assert [r["miss_table_id"] for r in finding.row_ids] == ["39999998"], "tonight's row; history is not re-reported"


def test_an_episode_starting_as_the_last_one_ended_does_not_overlap(wh, night, tmp_path, caplog, _generated):
    _episode_against_history(night, read_night(_generated[0]), lambda start, end: end)
    result, status, _, _ = run_case(wh, night, tmp_path, caplog)
    assert result.passed and not result.warnings, result.summary()


def test_initial_load_is_exempt_from_volume(wh, night, tmp_path, caplog):
    """A first load carries all history: ten times a nightly one is expected, not an error."""
    ten_times_case_notes(night)
    night.load_type = "initial"
    result, status, _, _ = run_case(wh, night, tmp_path, caplog)
    assert result.passed and status == "accepted", result.summary()
    assert all(v["why"] == "initial load: exempt" for v in result.volume.values())


def test_severity_is_configuration(wh, night, tmp_path, caplog):
    """The same unknown sex code: an error by default, a warning once configured so."""
    import yaml

    from footprint.gate.suites import QualityConfig

    raw = yaml.safe_load((CONFIG_DIR / "quality.yml").read_text(encoding="utf-8"))
    raw["severity"]["files"]["ssd_person"] = {"enumeration": {"pers_sex": "warning"}}
    unknown_sex(night)
    result, status, _, _ = run_case(wh, night, tmp_path, caplog, config=QualityConfig.from_dict(raw))
    assert result.passed and status == "accepted", result.summary()
    assert [(f.column, f.check) for f in result.warnings] == [("pers_sex", "enumeration")]


# --- a large night, checked in slices ----------------------------------------------------------

def _sliced_files() -> set[str]:
    from footprint.gate.suites import load_suite_modules
    from footprint.settings import EXPECTATIONS_DIR

    return {m.spec.name for m in load_suite_modules(EXPECTATIONS_DIR).values() if m.row_by_row}


IN_SLICES = {name: case for name, case in {**CATALOGUE, **WARNINGS}.items() if case[1] in _sliced_files()}
SLICE = 60  # rows: the small preset's night of case notes is a few slices


def _every_row_problem_at_once(n: Night) -> None:
    for mutate, _, _, check in IN_SLICES.values():
        if check != "volume":
            mutate(n)


SLICED_NIGHTS = {
    "good night": lambda n: None,
    "every row-level problem of those files at once": _every_row_problem_at_once,
    "ten times the usual case notes": ten_times_case_notes,
}


def _as_checked(result) -> dict:
    stored = result.to_json()
    return {k: v for k, v in stored.items() if k not in ("seconds", "slices", "report")}


@pytest.mark.parametrize("case", list(SLICED_NIGHTS), ids=lambda c: c.replace(" ", "-"))
def test_a_night_checked_in_slices_is_found_as_when_checked_whole(wh, night, tmp_path, caplog, case):
    """Files larger than `rows_per_slice` (England's initial 34 M case notes) are checked a slice
    of rows at a time: the verdict and every finding (counts, row ids, the volume) are the same."""
    import dataclasses

    from footprint.gate.suites import QualityConfig
    from footprint.gate.validate import validate_night

    SLICED_NIGHTS[case](night)
    whole, *_ = run_case(wh, night, tmp_path, caplog)
    config = dataclasses.replace(QualityConfig.load(CONFIG_DIR / "quality.yml"), rows_per_slice=SLICE)
    sliced = validate_night(night.date, wh["settings"], config=config)
    assert whole.slices == {}
    assert set(sliced.slices) == {name for name, rows in sliced.rows.items() if rows > SLICE} & _sliced_files()
    assert sliced.slices["case_notes.csv"] == -(-sliced.rows["case_notes.csv"] // SLICE) > 1
    assert _as_checked(sliced) == _as_checked(whole)
    if case != "good night":
        assert sliced.failures
    report = sliced.report_path.read_text(encoding="utf-8")
    assert f"| in {sliced.slices['case_notes.csv']} slices of {SLICE} rows |" in report


def test_an_id_repeated_in_two_slices_is_found_on_both_rows(wh, night, tmp_path, caplog):
    """The key's uniqueness is counted over the whole night in the warehouse: a slice alone
    would not see the first note's id again in the last."""
    import dataclasses

    from footprint.gate.suites import QualityConfig
    from footprint.gate.validate import validate_night

    notes = night.rows["case_notes"]
    notes[-1]["cano_casenote_id"] = notes[0]["cano_casenote_id"]
    run_case(wh, night, tmp_path, caplog)
    config = dataclasses.replace(QualityConfig.load(CONFIG_DIR / "quality.yml"), rows_per_slice=SLICE)
    result = validate_night(night.date, wh["settings"], config=config)
    assert result.slices["case_notes.csv"] > 1 and result.status == "rejected"
    [finding] = [f for f in result.failures if f.check == "unique"]
    assert (finding.file, finding.unexpected_count) == ("case_notes.csv", 2)
    assert [r["_source_row"] for r in finding.row_ids] == [1, len(notes)]
    assert finding.element_count == len(notes)


def test_a_file_checked_in_slices_cannot_be_looked_up(tmp_path):
    """A check that looks rows up in a file checked in slices would find only a slice: it fails
    by name instead, and a file other files' ids are found in cannot be declared row by row."""
    import shutil

    import pandas as pd

    from footprint.errors import FootprintError
    from footprint.gate.night_data import NightView
    from footprint.gate.suites import QualityConfig, load_suite_modules
    from footprint.settings import EXPECTATIONS_DIR

    view = NightView(None, START, dt.datetime(2022, 3, 2), {}, QualityConfig(), {}, sliced={"case_notes"})
    with pytest.raises(FootprintError, match="case_notes.csv is checked in slices"):
        view.known("case_notes", pd.Series(["1"]))
    copied = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, copied)
    person = copied / "ssd_person.py"
    person.write_text(person.read_text(encoding="utf-8") + "\nROW_BY_ROW = True\n", encoding="utf-8")
    try:
        with pytest.raises(FootprintError, match="ssd_person.csv: it must be read whole"):
            load_suite_modules(copied)
    finally:
        load_suite_modules(EXPECTATIONS_DIR)  # the suites' modules as the other tests import them


def test_cli_exits_non_zero_on_rejection(wh, night, tmp_path, capsys, monkeypatch):
    from footprint.cli import main
    from footprint.ingest.raw_load import load_night

    note_unknown_worker(night)
    load_night(write_night_folder(night, tmp_path / "landing"), wh["settings"])
    settings = wh["settings"]
    monkeypatch.setenv("FOOTPRINT_TARGET", settings.target)
    monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(settings.duckdb_path))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(settings.reports_dir))
    code = main(["validate", night.date.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert "rejected" in out and "case_notes.csv cano_created_by_professional_id" in out and "reference" in out
    assert "99999" not in out.replace("cano_casenote_id=", "")  # rows are named by id, not by the bad value
    assert "SECRET-" not in out


def test_default_config_is_valid_and_every_file_has_a_suite():
    from footprint.gate.suites import QualityConfig, load_suite_modules
    from footprint.settings import EXPECTATIONS_DIR

    config = QualityConfig.load(CONFIG_DIR / "quality.yml")
    modules = load_suite_modules(EXPECTATIONS_DIR)
    assert set(modules) == {spec.table for spec in FILES}
    for module in modules.values():
        suite = module.build_suite(config)
        checks = {e.meta["check"] for e in suite.expectations}
        assert {"unique", "required", "volume"} <= checks
        for exp in suite.expectations:
            assert exp.meta["file"] == module.spec.name
            # No expectation may look at a sensitive column directly: only at derived flags.
            cols = {getattr(exp, a, None) for a in ("column", "column_A", "column_B")}
            assert not {c.removesuffix("__parsed") for c in cols if c} & module.spec.sensitive_columns


def test_bad_config_is_refused():
    from footprint.errors import FootprintError
    from footprint.gate.suites import QualityConfig

    with pytest.raises(FootprintError, match="unknown check"):
        QualityConfig.from_dict({"severity": {"checks": {"spelling": "error"}}})
    with pytest.raises(FootprintError, match="severity must be one of"):
        QualityConfig.from_dict({"severity": {"checks": {"unique": "fatal"}}})
    with pytest.raises(FootprintError, match="unknown column"):
        QualityConfig.from_dict({"severity": {"files": {"case_notes": {"reference": {"cano_txt": "warning"}}}}})
    with pytest.raises(FootprintError, match="future_allowed"):
        QualityConfig.from_dict({"future_allowed": {"ssd_cla_reviews": ["clar_due"]}})
    for rows in (0, "many", True):
        with pytest.raises(FootprintError, match="rows_per_slice"):
            QualityConfig.from_dict({"rows_per_slice": rows})


def test_importing_quality_is_light():
    code = (
        "import sys, footprint.gate.validate, footprint.gate.suites; "
        "heavy = [m for m in ('great_expectations', 'duckdb', 'pandas', 'psycopg2') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_validating_a_night_never_loaded_is_a_clear_error(wh, tmp_path):
    from footprint.errors import FootprintError
    from footprint.gate.validate import validate_night

    with pytest.raises(FootprintError, match="is not loaded"):
        validate_night(dt.date(2030, 1, 1), wh["settings"])
    empty = Settings.from_env({"FOOTPRINT_TARGET": "duckdb", "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "empty.duckdb")})
    with pytest.raises(FootprintError, match="load a night before validating"):
        validate_night(dt.date(2030, 1, 1), empty)


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_an_id_is_known_only_when_the_pool_holds_it_and_a_missing_id_never_is(dtype):
    import pandas as pd

    from footprint.gate.suites import is_in

    ids = pd.Series(["P1", None, "P3", "P1", ""], index=[10, 11, 12, 13, 14], dtype=dtype)
    pool = pd.Series(["P1", None, "P9", ""], dtype=dtype)
    found = is_in(ids, pool)
    assert found.dtype == bool and list(found.index) == [10, 11, 12, 13, 14]
    assert found.tolist() == [True, False, False, True, True]


def _pandas_strict(series, formats):
    """Each form tried in turn by pandas alone, strictly: what the gate's date checks mean."""
    import pandas as pd

    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
    todo = series.notna()
    for fmt in formats:
        out[todo] = pd.to_datetime(series[todo], format=fmt, errors="coerce").astype("datetime64[us]")
        todo &= out.isna()
    return out


def _near_dates():
    from hypothesis import strategies as st

    def two(low, high):
        return st.integers(low, high).map(lambda n: st.sampled_from([f"{n:02d}", str(n)])).flatmap(lambda s: s)

    year = st.sampled_from(["2022", "2024", "2023", "1899", "0001", "3022", "22"])
    sep = st.sampled_from(["-", "/"])
    clock = st.one_of(st.just(""), st.tuples(st.sampled_from([" ", "T"]), two(0, 25), two(0, 61),
                                             st.one_of(st.just(""), two(0, 61).map(":".__add__))).map(
        lambda t: f"{t[0]}{t[1]}:{t[2]}{t[3]}"))
    iso = st.tuples(year, sep, two(0, 13), two(0, 32)).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[1]}{t[3]}")
    uk = st.tuples(two(0, 32), sep, two(0, 13), year).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[1]}{t[3]}")
    padding = st.sampled_from(["", " "])
    return st.tuples(padding, st.one_of(iso, uk), clock, padding).map("".join) | st.sampled_from(["", "abc", None])


@pytest.mark.parametrize("kind", ["date", "timestamp"])
def test_dates_parse_exactly_as_pandas_reads_each_form_strictly(kind):
    import pandas as pd
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from footprint.contract import DATE_FORMATS, TIMESTAMP_FORMATS
    from footprint.gate.dates import parse_temporal

    formats = DATE_FORMATS if kind == "date" else TIMESTAMP_FORMATS
    fixed = ["31/02/2022", "2022-02-29 10:00", "2024-02-29 10:00:00", "2022-04-31", "31/12/2022 23:59:60",
             "1/3/2022 9:05", "2022-03-01T10:00", "01/01/0001", " 2022-03-01", "2022-13-01 10:00", "01/03/2022"]

    @settings(max_examples=150, deadline=None)
    @given(st.lists(_near_dates(), max_size=40))
    def agrees(values):
        series = pd.Series(fixed + values, dtype="str")
        assert parse_temporal(series, formats).equals(_pandas_strict(series, formats))

    agrees()
    sample = dict(zip(fixed, parse_temporal(pd.Series(fixed, dtype="str"), formats), strict=True))
    assert pd.isna(sample["31/02/2022"]) and pd.isna(sample["2022-02-29 10:00"]) and pd.isna(sample["2022-04-31"])
    readable, meaning = ("01/03/2022", "2022-03-01") if kind == "date" else ("2024-02-29 10:00:00", "2024-02-29 10:00")
    assert sample[readable] == pd.Timestamp(meaning)


def test_gx_takes_a_nights_frame_without_hashing_it():
    # GX fingerprints every frame under 1 GB by hashing all its columns (seconds a night at
    # England's size) into a marker nothing reads; the gate turns that off with its GX context.
    import pandas as pd

    from footprint.gate.run_suites import _gx_batch_definition

    frame = pd.DataFrame({"pers_person_id": ["P1", "P2"], "_source_row": [1, 2]})
    batch = _gx_batch_definition("ssd_person").get_batch(batch_parameters={"dataframe": frame})
    assert "ge_load_time" in batch.batch_markers
    assert "pandas_data_fingerprint" not in batch.batch_markers


@pytest.mark.parametrize("counted_by", ["pandas", "duckdb"])
def test_a_key_is_repeated_on_every_row_that_shares_it_and_a_missing_one_never(monkeypatch, counted_by):
    import pandas as pd

    from footprint.gate import suites
    from footprint.gate.suites import repeated

    monkeypatch.setattr(suites, "_COUNT_IN_DUCKDB_FROM", 10**9 if counted_by == "pandas" else 0)

    keys = pd.Series(["N1", "N2", "N1", None, None, "n1", "N3", "N1"], dtype="str")
    assert repeated(keys, {"threads": 1}).tolist() == [True, False, True, False, False, False, False, True]
    assert not repeated(pd.Series(["A", None], dtype="str"), {}).any()


def test_a_column_parsed_in_slices_reads_as_when_parsed_whole(monkeypatch):
    # Arrow parses a large column a slice at a time: a value must land on its own row whichever
    # slice it falls in, the last short slice included.
    import pandas as pd

    from footprint.contract import TIMESTAMP_FORMATS
    from footprint.gate import dates

    values = ["2022-03-01 10:00", None, "31/02/2022 09:00", "1/3/2022 9:05", "01/03/2022 23:59:59", "",
              "2022-03-02T08:30", "2022-02-29 10:00", "15/06/2023 12:00", "2024-02-29 00:00:00", "abc"]
    series = pd.Series(values * 3, dtype="str")
    whole = dates.parse_temporal(series, TIMESTAMP_FORMATS)
    monkeypatch.setattr(dates, "_PARSE_SLICE", 4)
    sliced = dates.parse_temporal(series, TIMESTAMP_FORMATS)
    assert sliced.equals(whole)
    assert sliced.equals(_pandas_strict(series, TIMESTAMP_FORMATS))
    assert sliced.notna().sum() == 6 * 3


@pytest.mark.parametrize(("form", "values"), [
    ("%Y-%m", ["2022-03", "2022-3", "2022-13", "1899-01", "2022-03-01"]),
    ("%d.%m.%Y", ["01.03.2022", "01x03x2022", "31.02.2022", "1.3.2022"]),
    ("%H:%M %d/%m/%Y", ["10:05 01/03/2022", "10:05 31/02/2022", "9:05 01/03/2022", "24:00 01/03/2022"]),
])
def test_a_form_without_a_day_or_with_a_dot_parses_as_pandas_reads_it(form, values):
    # A contract may gain such a form: the fast path must not assume a day field, nor read a
    # literal dot as any character.
    import pandas as pd

    from footprint.gate.dates import parse_temporal

    series = pd.Series([*values, "", None], dtype="str")
    parsed = parse_temporal(series, (form,))
    assert parsed.equals(_pandas_strict(series, (form,)))
    assert parsed.notna().sum() >= 2
