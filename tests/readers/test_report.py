"""The audit report on the hand-audit fixture (DuckDB): its figures are the marts', its packs and its
suppressed edition give nothing away, and no output holds a person id, a name or note text.

The fixture's person file carries the SSD name columns and every free text a marker
(tests/report_fixture.py); both nights go through the whole pipeline, then the report is built
for January-February 2022, the hand audit's period, in both editions.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from footprint.categories import CATEGORIES
from footprint.devtools.fixtures.hand_audit import HAND_AUDIT_ORACLE
from tests.support.report_fixture import run_fixture, secrets, shingles
from tests.support.report_pages import keyed_rows, number, output_texts, parse, table

pytestmark = pytest.mark.dbt

PERIOD = ("2022-01-01", "2022-02-28")
KEY = "report-test-pseudonym-key-0123456789abcdef"
IRO_NAMES = {"W0101": "Anwen Morgan", "W0102": "Bethan Price", "W0103": "Carys Lloyd",
             "W0104": "Dafydd Hughes", "W0105": "Elin Rowlands"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from footprint.readers.report import Options, build_report

    base = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOOTPRINT_TARGET", "duckdb")
        mp.setenv("FOOTPRINT_LANDING_DIR", str(base / "landing"))
        mp.setenv("FOOTPRINT_DUCKDB_PATH", str(base / "warehouse.duckdb"))
        mp.setenv("FOOTPRINT_MARTS_PATH", str(base / "marts.duckdb"))
        mp.setenv("FOOTPRINT_REPORTS_DIR", str(base / "reports"))
        mp.setenv("FOOTPRINT_PSEUDONYM_KEY", KEY)
        run_fixture(base / "landing")
        period = Options(date_from=dt.date.fromisoformat(PERIOD[0]), date_to=dt.date.fromisoformat(PERIOD[1]))
        service = build_report(base / "service", options=period)
        suppressed = build_report(base / "suppressed", options=Options(period.date_from, period.date_to,
                                                                           suppress=True))
        yield {"base": base, "service": service, "suppressed": suppressed, "mp": mp}


def marts_rows(sql: str) -> list[tuple]:
    from footprint.warehouse import connect_marts, execute

    with connect_marts() as conn:
        return execute(conn, sql).fetchall()


# the figures shown are the marts' --------------------------------------------------------------

def test_the_comparison_table_shows_the_hand_audit(built):
    rows = keyed_rows(built["service"].index, "reaudit-table")
    period = {key: cells[1] for key, cells in rows.items()}
    assert number(period["children"]) == 11
    assert (number(period["male"]), number(period["female"])) == (9, 2)
    assert period["ages"] == "11 to 17"
    assert number(period["get_safe"]) == 8
    assert period["prior_90d"] == "1 to 20"
    expected = HAND_AUDIT_ORACLE["children_by_category"]
    assert {c: number(period[f"children_{c}"]) for c in CATEGORIES} == expected
    assert expected == {"timely_footprint": 5, "late_footprint": 1, "discussed_at_review": 1,
                        "discussed_with_child": 1, "contact_not_about_missing": 2, "no_footprint": 1}
    assert number(period["notifications"]) == HAND_AUDIT_ORACLE["notifications"]
    header = table(built["service"].index, "reaudit-table")[0]
    assert header[1:3] == ["Jan 2022 to Feb 2022", "Nov 2021 to Dec 2021"], "compared with the two months before"


def test_the_workbook_gives_the_same_numbers(built):
    import openpyxl

    book = openpyxl.load_workbook(built["service"].workbook)
    sheet = book["Audit snapshots"]
    assert sheet.freeze_panes == "A2"
    values = {row[0].value: row[2].value for row in sheet.iter_rows(min_row=2)}
    assert (values["children"], values["male"], values["female"], values["get_safe"]) == (11, 9, 2, 8)
    assert values["ages"] == "11 to 17"
    assert {c: values[f"children_{c}"] for c in CATEGORIES} == HAND_AUDIT_ORACLE["children_by_category"]
    assert all(isinstance(values[k], int) for k in ("children", "male", "get_safe")), "counts are numbers"
    service = book["Service monthly"]
    header = [c.value for c in service[1]]
    feb = next(r for r in service.iter_rows(min_row=2, values_only=True)
               if r[header.index("period_month")] == dt.datetime(2022, 2, 1))
    (rate,) = marts_rows("select timely_rate from marts.fct_service_compliance_monthly "
                         "where period_month = date '2022-02-01'")[0]
    assert feb[header.index("timely_rate")] == pytest.approx(float(rate)), "a rate is a number"
    assert service.cell(1, header.index("timely_rate") + 1).comment.text.startswith("timely_footprint /")


def test_the_per_iro_table_and_the_trend_equal_the_marts(built):
    index = built["service"].index
    monthly = marts_rows(
        "select iro_key, sum(notifications), sum(timely_footprint), sum(no_footprint) "
        "from marts.fct_iro_compliance_monthly where period_month between date '2022-01-01' and date '2022-02-01' "
        "and notifications > 0 group by iro_key")
    shown = keyed_rows(index, "iro-table", "data-iro")
    assert set(shown) == {r[0] for r in monthly}
    for key, notifications, timely, none in monthly:
        cells = shown[key]
        assert (number(cells[1]), number(cells[2]), number(cells[7])) == (notifications, timely, none), key
    trend = keyed_rows(index, "trend-table", "data-month")
    for month, notifications, rate in marts_rows(
            "select period_month, notifications, timely_rate from marts.fct_service_compliance_monthly"):
        if month.isoformat() in trend:
            cells = trend[month.isoformat()]
            assert number(cells[1]) == notifications
            assert cells[2] == ("\u2013" if rate is None else f"{float(rate) * 100:.0f}%")
    (awaiting, overdue), = marts_rows(
        "select count(*) filter (where worklist_status = 'awaiting'), count(*) filter (where worklist_status = "
        "'overdue') from marts.rpt_footprint_worklist")
    tables = parse(index)
    assert tables.counts  # the headline's counts are marked
    text = index.read_text(encoding="utf-8")
    assert f'id="awaiting-now">{awaiting}<' in text and f'id="overdue-now">{overdue}<' in text


def test_the_trend_has_every_month_and_marks_a_change_of_criteria():
    from footprint.readers.report.figures import months_of
    from footprint.readers.report.periods import Period

    rows = [{"period_month": dt.date(2022, m, 1), "criteria_version": v} for m, v in ((1, "1"), (2, "1"), (3, "2"))]
    months = months_of(rows, Period(dt.date(2022, 2, 1), dt.date(2022, 3, 31)))
    assert [m.criteria_changed for m in months] == [False, False, True]
    assert [m.in_period for m in months] == [False, True, True]


def test_the_health_section_reads_the_health_mart(built):
    nights = marts_rows("select extract_date, status, gate_errors, rows_loaded from marts.rpt_pipeline_health "
                        "order by 1")
    assert [(n[0].isoformat(), n[1]) for n in nights] == [("2022-03-01", "accepted"), ("2022-03-02", "accepted")]
    assert all(n[2] == 0 and n[3] > 0 for n in nights)
    text = built["service"].index.read_text(encoding="utf-8")
    assert 'id="last-accepted">2 Mar 2022<' in text


# what a pack and the suppressed edition give away ----------------------------------------------------

def test_each_learning_pack_names_only_its_own_iro(built):
    packs = built["service"].packs
    assert len(packs) == 5
    for path in packs:
        text = path.read_text(encoding="utf-8")
        own = [key for key, name in IRO_NAMES.items() if name in text]
        assert len(own) == 1, f"{path.name} names {own}"
        others = [v for key, name in IRO_NAMES.items() if key != own[0] for v in (name, key)]
        assert not [v for v in others if v in text], f"{path.name} names another IRO"
        assert own[0].lower() in path.name, "the file is named after its own IRO"


def test_the_suppressed_edition_hides_small_counts_and_every_iro(built):
    out = built["suppressed"]
    assert not out.packs and not (out.out_dir / "iro").exists()
    pages = parse(out.index)
    assert pages.counts, "the counts are marked"
    low = [c for c in pages.counts if re.fullmatch(r"[1-5]", c)]
    assert not low, f"counts from 1 to 5 shown: {low}"
    for path, text in output_texts(out.out_dir).items():
        for key, name in IRO_NAMES.items():
            assert name not in text and not re.search(rf"\b{key}\b", text), f"{path} names {name}"
    for table_id in ("iro-table", "worklist-table", "never-notified-table", "pack-notifications"):
        assert table_id not in pages.tables, f"{table_id} is not in the suppressed edition"


def test_no_suppressed_cell_can_be_recomputed_from_a_total(built):
    index = built["suppressed"].index
    for cells in keyed_rows(index, "mix-table", "data-month").values():
        parts, total = cells[1:8], cells[8]
        assert [*parts, total].count("c") != 1, cells
        if "c" not in parts and total != "c":
            assert sum(map(number, parts)) == number(total)
    rows = keyed_rows(index, "reaudit-table")
    for column in (1, 2):
        for line in (("male", "female", "unknown_sex"), ("get_safe", "not_get_safe"),
                     tuple(f"children_{c}" for c in CATEGORIES) + ("children_awaiting",)):
            members = [rows[k][column] for k in line if k in rows] + [rows["children"][column]]
            assert members.count("c") != 1, (line, members)


def test_the_suppressed_workbook_has_no_small_count(built):
    import openpyxl

    book = openpyxl.load_workbook(built["suppressed"].workbook)
    assert set(book.sheetnames) == {"About", "Service monthly", "Audit snapshots", "Pipeline health", "Columns"}
    counted = {"notifications", "not_notified", *CATEGORIES, "awaiting_footprint"}
    sheet = book["Service monthly"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        for name, value in zip(header, row, strict=True):
            if name in counted:
                assert value == "c" or not 1 <= value <= 5, (name, row)
    audit = book["Audit snapshots"]
    for row in audit.iter_rows(min_row=2, values_only=True):
        assert all(v == "c" or not isinstance(v, int) or not 1 <= v <= 5 for v in row[2:4]), row


# no person id, name, date of birth or note text anywhere ------------------------------------------------

def test_no_output_holds_a_person_id_a_name_a_date_of_birth_or_note_text(built):
    found = secrets(built["base"] / "landing")
    assert all(found.values()), "the fixture has every kind of secret"
    text_shingles = set().union(*(shingles(t) for t in found["free text"]))
    scanned = 0
    for edition in ("service", "suppressed"):
        for path, text in output_texts(built[edition].out_dir).items():
            scanned += 1
            assert "SECRET-" not in text, f"{path} holds free text"
            for kind in ("person id", "name or UPN", "date of birth"):
                for value in found[kind]:
                    assert not re.search(rf"(?<![\w.]){re.escape(value)}(?![\w.])", text), f"{path}: a {kind}"
            assert not (shingles(re.sub(r"<[^>]+>", " ", text)) & text_shingles), f"{path} holds note text"
    assert scanned > 10


# the command and the nightly switch -----------------------------------------------------------------

def test_the_command_writes_the_report_and_prints_where(built, tmp_path, capsys):
    from footprint import cli

    assert cli.main(["report", "--out", str(tmp_path / "r"), "--from", PERIOD[0], "--to", PERIOD[1],
                     "--compare-from", "2021-07-01", "--compare-to", "2021-08-31"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "r" / "index.html") in out and "5 learning packs" in out
    header = table(tmp_path / "r" / "index.html", "reaudit-table")[0]
    assert header[2] == "Jul 2021 to Aug 2021"


def test_the_nightly_report_is_switched_into_place_and_a_failure_keeps_the_previous(built, tmp_path,
                                                                                      monkeypatch):
    from footprint import nightly
    from footprint.readers.report import build as report_build

    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    first = nightly.report()
    latest = tmp_path / "reports" / "latest"
    assert first["index"] == str(latest / "index.html") and (latest / "footprint.xlsx").exists()
    (latest / "marker").write_text("the previous report")
    nightly.report()
    assert not (latest / "marker").exists(), "the new report replaced the previous one whole"
    (latest / "marker").write_text("the previous report")

    def broken(out_dir, *args, **kwargs):
        Path(out_dir).mkdir(parents=True)
        (Path(out_dir) / "index.html").write_text("half written")
        raise RuntimeError("render failed")

    monkeypatch.setattr(report_build, "build_report", broken)
    with pytest.raises(RuntimeError, match="render failed"):
        nightly.report()
    assert (latest / "marker").exists() and "half written" not in (latest / "index.html").read_text()
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["latest"], "nothing left aside"


# in a real browser -------------------------------------------------------------------------------------

def _assert_opens_offline(seen, charts: int) -> None:
    assert not seen.errors, seen.errors
    assert seen.requests == [seen.url] and not seen.blocked, seen.blocked
    assert seen.resources == 0, "nothing but the page itself loaded"
    assert len(seen.charts) >= charts
    empty = [c for c in seen.charts if c["width"] <= 0 or c["height"] <= 0 or c["marks"] == 0]
    assert not empty, f"charts that drew nothing: {empty}"
    assert seen.screenshot.stat().st_size > 10_000


@pytest.mark.browser
def test_the_report_and_a_pack_open_offline_in_chromium_with_every_chart_drawn(built, tmp_path):
    from tests.support.report_browser import visit

    index = visit(built["service"].index, tmp_path / "index.png")
    _assert_opens_offline(index, charts=4 + 5)  # four charts and a small line per IRO
    pack = visit(built["service"].packs[0], tmp_path / "pack.png")
    _assert_opens_offline(pack, charts=2)
    suppressed = visit(built["suppressed"].index, tmp_path / "suppressed.png")
    _assert_opens_offline(suppressed, charts=4)


def test_the_health_mart_counts_the_rows_each_night_loaded(built):
    from tests.readers.test_report_postgres import manifest_rows

    nights = marts_rows("select extract_date, rows_loaded, gate_expectations from marts.rpt_pipeline_health "
                        "order by 1")
    assert {n[0].isoformat(): n[1] for n in nights} == manifest_rows(built["base"] / "landing")
    assert all(n[2] > 50 for n in nights)


def test_a_formula_looking_text_is_written_as_text():
    import openpyxl

    from footprint.readers.report.workbook import Sheet, write_workbook

    texts = ['=HYPERLINK("http://example.invalid","x")', "+44 1234", "-x", "@x", "=1+1", "plain"]
    path = write_workbook(Path(__import__("tempfile").mkdtemp()) / "t.xlsx", [("edition", "-test")],
                          [Sheet("Names", ["iro_name"], [[t] for t in texts])])
    sheet = openpyxl.load_workbook(path)["Names"]
    cells = [sheet.cell(r, 1) for r in range(2, len(texts) + 2)]
    assert [c.value for c in cells] == texts
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, True, False]


def test_a_rejected_night_shows_with_the_night_that_made_it_good(built):
    """The health mart's rows as a rejected night leaves them (see int_pipeline__nights' unit test)."""
    import dataclasses

    from footprint.readers.report import html, pages
    from footprint.readers.report.data import load_marts
    from footprint.readers.report.method import method
    from footprint.readers.report.periods import Period
    from footprint.settings import Settings

    marts = load_marts(Settings.from_env())
    accepted, latest = marts.health
    rejected = {**accepted, "extract_date": dt.date(2022, 3, 1), "status": "rejected", "rejected_stage": "quality gate",
                "gate_errors": 2, "is_latest_accepted": False, "later_accepted_extract_date": dt.date(2022, 3, 2),
                "is_made_good": True}
    marts = dataclasses.replace(marts, health=[rejected, latest])
    period = Period(dt.date(2022, 1, 1), dt.date(2022, 2, 28))
    page = pages.index_page(marts, period, period.before(), method(Settings.from_env().criteria_path, "1"),
                            False, dt.datetime(2022, 3, 2, 7, 0))
    pages.draw_index(page)
    out = built["base"] / "rejected.html"
    out.write_text(html.render_index(page), encoding="utf-8")
    assert table(out, "rejected-nights")[1] == ["1 Mar 2022", "quality gate", "2 Mar 2022", "yes"]
    assert 'id="nights-rejected">1<' in out.read_text(encoding="utf-8")
