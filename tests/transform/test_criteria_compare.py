"""`footprint criteria compare`: what other criteria move, worked out by hand on the hand-audit
fixture, with the published marts (and on DuckDB the warehouse file) left byte-identical.

By hand, from the fixture's records (January-February 2022):
* two working days instead of one moves nothing. Every notification the rules do not already
  call timely has its first footprint note about the episode weeks after the notification, or
  none: NT00042 (notified Wed 19 Jan, 09:40) is the nearest, its IRO's note entered Mon 24 Jan
  16:20, and the second working day after 19 Jan ends at midnight on Fri 21 Jan.
* three working days moves exactly NT00042, late_footprint -> timely_footprint: the third
  working day ends at midnight on Mon 24 Jan, and 16:20 that day is before it. Its IRO,
  Bethan Price, goes from 1 timely notification of 5 decided in the period to 2 of 5.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from footprint import cli, nightly
from footprint.devtools.fixtures.hand_audit import write_hand_audit
from footprint.settings import CONFIG_DIR, Settings
from footprint.warehouse import connect_marts, published_tables
from tests.support.pipeline import marts_checksum

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

KEY = "compare-test-pseudonym-key-0123456789abcdef"


def criteria_file(tmp_path: Path, working_days: int) -> Path:
    text = (CONFIG_DIR / "criteria.yml").read_text(encoding="utf-8")
    assert "\nfootprint_due_working_days: 1\n" in text and '\ncriteria_version: "1"\n' in text
    text = text.replace("\nfootprint_due_working_days: 1\n", f"\nfootprint_due_working_days: {working_days}\n")
    text = text.replace('\ncriteria_version: "1"\n', f'\ncriteria_version: "1-{working_days}-days"\n')
    path = tmp_path / f"due-{working_days}.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=["duckdb", "postgres"])
def audited(request, tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", KEY)
    if request.param == "duckdb":
        request.getfixturevalue("duckdb_env")
        monkeypatch.setenv("FOOTPRINT_MARTS_PATH", str(tmp_path / "marts.duckdb"))
    else:
        request.getfixturevalue("pg_env")
        monkeypatch.setenv("FOOTPRINT_TARGET", "postgres")
        monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    settings = Settings.from_env()
    for folder in write_hand_audit(settings.landing_dir):
        nightly.run_night(dt.date.fromisoformat(folder.name), settings)
    return settings


def published(settings: Settings) -> dict[str, str]:
    with connect_marts(settings) as conn:
        return marts_checksum(conn, published_tables(conn))


def compare(capsys, other: Path, fmt: str = "json") -> str:
    capsys.readouterr()
    assert cli.main(["criteria", "compare", str(other), "--from", "2022-01-01", "--to", "2022-02-28",
                     "--format", fmt]) == 0
    return capsys.readouterr().out


@pytest.mark.timeout(900)
def test_the_comparison_moves_what_the_rule_should_and_nothing_live(audited, tmp_path, capsys):
    settings = audited
    before = published(settings)
    warehouse = hashlib.sha256(settings.duckdb_path.read_bytes()).hexdigest() if settings.target == "duckdb" else ""

    two = json.loads(compare(capsys, criteria_file(tmp_path, 2)))
    assert two["changed"] == []
    assert two["criteria_version"] == {"live": "1", "other": "1-2-days"}
    assert all(c["live"] == c["other"] for c in two["counts"].values())

    three = json.loads(compare(capsys, criteria_file(tmp_path, 3)))
    assert three["changed"] == [{"notification_id": "NT00042", "iro": "Bethan Price",
                                 "live": "late_footprint", "other": "timely_footprint"}]
    assert three["counts"]["late_footprint"] == {"live": 1, "other": 0}
    assert three["counts"]["timely_footprint"] == {"live": 15, "other": 16}
    rates = {r["iro"]: (r["live"], r["other"]) for r in three["iro_timely_rates"]}
    assert rates["Bethan Price"] == (0.2, 0.4)

    text = compare(capsys, criteria_file(tmp_path, 3), "text")
    assert "NT00042  Bethan Price: late_footprint -> timely_footprint" in text
    rows = compare(capsys, criteria_file(tmp_path, 3), "csv").splitlines()
    assert rows[0] == "table,key,iro,live,other" and "category,NT00042,Bethan Price,late_footprint,timely_footprint" in rows

    assert published(settings) == before, "the published marts are untouched"
    if settings.target == "duckdb":
        assert hashlib.sha256(settings.duckdb_path.read_bytes()).hexdigest() == warehouse
        assert not settings.duckdb_path.with_name("compare.duckdb").exists(), "the copy of raw is removed"
    else:
        import psycopg2

        with psycopg2.connect("") as conn, conn.cursor() as cur:
            cur.execute("select nspname from pg_namespace where nspname like 'compare\\_%'")
            assert cur.fetchall() == [], "the comparison's schemas are dropped"


def test_a_malformed_other_criteria_file_is_refused_before_anything_is_built(tmp_path, capsys, duckdb_env):
    bad = tmp_path / "bad.yml"
    bad.write_text((CONFIG_DIR / "criteria.yml").read_text().replace("footprint_due_working_days: 1",
                                                                    "footprint_due_working_days: soon"))
    from footprint.errors import FootprintError
    from footprint.transform.compare import built_under

    with pytest.raises(FootprintError, match="footprint_due_working_days must be a whole number"):
        with built_under(Settings.from_env(), bad):
            pass
