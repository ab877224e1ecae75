"""The report from PostgreSQL's published marts, with IROs whose names look like spreadsheet formulas."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from footprint.categories import CATEGORIES
from footprint.devtools.fixtures.hand_audit import HAND_AUDIT_ORACLE
from tests.support.report_fixture import FORMULA_NAMES, run_fixture
from tests.support.report_pages import keyed_rows, number

pytestmark = pytest.mark.dbt

KEY = "report-postgres-pseudonym-key-0123456789abcdef"


def manifest_rows(landing: Path) -> dict[str, int]:
    out = {}
    for manifest in sorted(landing.glob("*/_manifest.json")):
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        out[manifest.parent.name] = sum(f["rows"] for f in files.values())
    return out


@pytest.mark.timeout(900)
def test_the_report_renders_from_postgres_and_no_name_becomes_a_formula(tmp_path, monkeypatch, pg_env):
    import openpyxl

    from footprint.readers.report import Options, build_report
    from footprint.warehouse import connect_marts, execute

    monkeypatch.setenv("FOOTPRINT_TARGET", "postgres")
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", KEY)
    run_fixture(tmp_path / "landing", FORMULA_NAMES)
    result = build_report(tmp_path / "out", options=Options(dt.date(2022, 1, 1), dt.date(2022, 2, 28)))

    period = {k: cells[1] for k, cells in keyed_rows(result.index, "reaudit-table").items()}
    assert (number(period["children"]), number(period["male"]), number(period["get_safe"])) == (11, 9, 8)
    assert {c: number(period[f"children_{c}"]) for c in CATEGORIES} == HAND_AUDIT_ORACLE["children_by_category"]

    # The health mart parses the gate's JSON on PostgreSQL as on DuckDB: counts, no findings.
    with connect_marts() as conn:
        nights = execute(conn, "select extract_date, status, gate_errors, gate_warnings, gate_expectations, "
                               "rows_loaded from marts.rpt_pipeline_health order by 1").fetchall()
    rows = manifest_rows(tmp_path / "landing")
    assert [(n[0].isoformat(), n[1], n[2], n[5]) for n in nights] == [(d, "accepted", 0, r) for d, r in rows.items()]
    assert all(n[3] is not None and n[4] > 50 for n in nights)

    book = openpyxl.load_workbook(result.workbook)
    names = set(FORMULA_NAMES.values())
    found = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value in names]
    assert {c.value for c in found} == names, "every formula-looking name is in the workbook, as written"
    assert all(c.data_type == "s" for c in found), [(c.coordinate, c.data_type) for c in found if c.data_type != "s"]
    assert not [c for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"], "no formula"
    assert all(c.quotePrefix for c in found if c.value[0] in "=+-@"), "editing the cell keeps it text"
    text = result.index.read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://example.invalid/x&#34;,&#34;Open me&#34;)" in text or \
        "=HYPERLINK(&quot;http://example.invalid/x&quot;,&quot;Open me&quot;)" in text, "escaped in the page"
    assert 'href="http://example.invalid' not in text
