"""End to end: the hand-audit fixture through the whole pipeline gives the spec's oracle.

Both nights of `footprint fixture hand-audit` go through what the DAG does
each night (load → quality gate → dbt build → publish), on DuckDB and on
PostgreSQL; then `footprint audit --from 2022-01-01 --to 2022-02-28` must
equal the spec's oracle (footprint.devtools.fixtures.hand_audit.HAND_AUDIT_ORACLE), and every
notification of the fixture must have the category the fixture declares for
it, so that a failure names the notification, its child, its finding and the
rule that decides it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from footprint import cli
from footprint.devtools.fixtures.hand_audit import HAND_AUDIT_ORACLE, hand_audit, write_hand_audit

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

# A fixed test key: the PostgreSQL target refuses to run without one.
PSEUDONYM_KEY = "hand-audit-oracle-test-key-0123456789abcdef"


def run_pipeline(landing) -> None:
    from footprint import nightly
    from footprint.settings import Settings

    settings = Settings.from_env()
    for folder in write_hand_audit(landing):
        nightly.run_night(dt.date.fromisoformat(folder.name), settings)


def published_categories() -> dict[str, dict]:
    from footprint.readers.audit import published_table
    from footprint.warehouse import connect_marts

    with connect_marts() as conn:
        cur = conn.cursor()
        cur.execute(
            "select notification_id, footprint_category, is_awaiting_footprint, evidence_source, evidence_id, "
            f"due_at from {published_table(conn)} where notification_id is not null"  # noqa: S608
        )
        return {r[0]: dict(zip(("category", "awaiting", "source", "evidence", "due_at"), r[1:], strict=True))
                for r in cur.fetchall()}


def check_oracle(capsys) -> None:
    published = published_categories()
    fixture = hand_audit()
    assert set(published) == set(fixture.expected)
    wrong = []
    for e in fixture.expected.values():
        got = published[e.notification_id]
        if e.awaiting != bool(got["awaiting"]) or (e.category is not None and got["category"] != e.category):
            wrong.append(
                f"{e.notification_id} (child {e.child}, {e.finding}): expected "
                f"{'awaiting' if e.awaiting else e.category}, published {got['category']} "
                f"(awaiting={got['awaiting']}, evidence {got['source']} {got['evidence']}, due {got['due_at']}); "
                f"why expected: {e.why}"
            )
    assert not wrong, "notifications whose category differs from the fixture's:\n" + "\n".join(wrong)

    capsys.readouterr()  # dbt's own output from the build
    assert cli.main(["audit", "--from", "2022-01-01", "--to", "2022-02-28", "--format", "json"]) == 0
    snapshot = json.loads(capsys.readouterr().out)
    for key, value in HAND_AUDIT_ORACLE.items():
        got = {k: snapshot[key][k] for k in value} if key == "not_notified" else snapshot[key]
        assert got == value, key


@pytest.mark.timeout(900)
def test_hand_audit_oracle_on_duckdb(tmp_path, monkeypatch, duckdb_env, capsys):
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("FOOTPRINT_MARTS_PATH", str(tmp_path / "marts.duckdb"))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", PSEUDONYM_KEY)
    run_pipeline(tmp_path / "landing")
    check_oracle(capsys)


@pytest.mark.timeout(900)
def test_hand_audit_oracle_on_postgres(tmp_path, monkeypatch, pg_env, capsys):
    monkeypatch.setenv("FOOTPRINT_TARGET", "postgres")
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", PSEUDONYM_KEY)
    run_pipeline(tmp_path / "landing")
    check_oracle(capsys)
