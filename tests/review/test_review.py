"""The programme manager's judgement on both warehouses: a review moves every figure, survives
the nights that follow, turns stale when a correction changes the rule's category, and clearing
it gives the rule back its say. Quality grades reach their mart. Notes never reach a mart."""

from __future__ import annotations

import datetime as dt

import pytest

from footprint import nightly
from footprint.devtools.fixtures.hand_audit import hand_audit, write_hand_audit
from footprint.errors import FootprintError
from footprint.readers.explain import explain, render
from footprint.readers.report import Options, build_report
from footprint.review import actions
from footprint.review.sample import draw_sample
from footprint.settings import Settings
from footprint.warehouse import connect_marts

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

KEY = "review-test-pseudonym-key-0123456789abcdef"
NOTE = "Spoke to the GM on 3 March: the note was on the wrong record (Rhiannon W.)"


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, tmp_path, monkeypatch) -> Settings:
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
    return Settings.from_env()


def notification_of(finding: str) -> str:
    return next(e.notification_id for e in hand_audit().expected.values() if e.finding == finding)


def mart_row(settings: Settings, notification_id: str) -> dict:
    with connect_marts(settings) as conn:
        cur = conn.cursor()
        cur.execute("select * from marts.fct_missing_notifications where notification_id = "
                    + ("?" if settings.target == "duckdb" else "%s"), (notification_id,))
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))


def monthly(settings: Settings, month: str) -> dict:
    with connect_marts(settings) as conn:
        cur = conn.cursor()
        cur.execute(f"select late_footprint, no_footprint, reviewed from marts.fct_service_compliance_monthly "
                    f"where period_month = date '{month}'")
        return dict(zip(("late", "none", "reviewed"), cur.fetchone(), strict=True))


def rebuild(settings: Settings) -> None:
    from footprint.transform.dbt_runner import run_dbt

    run_dbt(["build", "--exclude-resource-type", "unit_test"], settings)
    nightly.publish(settings)


@pytest.mark.timeout(900)
def test_a_review_moves_the_figures_survives_the_nights_turns_stale_and_clears(warehouse):
    settings = warehouse
    first, second = write_hand_audit(settings.landing_dir)
    nightly.run_night(dt.date.fromisoformat(first.name), settings)
    j = notification_of("finding 6")  # J: the IRO's note on his file is deleted the next night
    before = mart_row(settings, j)
    assert before["computed_category"] == before["footprint_category"] == "late_footprint"
    assert not before["is_reviewed"]
    figures = monthly(settings, "2022-02-01")

    actions.set_review(settings, j, "no_footprint", "wrong_episode_link", NOTE, "Programme Manager")
    rebuild(settings)
    reviewed = mart_row(settings, j)
    assert (reviewed["footprint_category"], reviewed["computed_category"]) == ("no_footprint", "late_footprint")
    assert reviewed["is_reviewed"] and reviewed["review_reason_code"] == "wrong_episode_link"
    assert not reviewed["review_is_stale"]
    assert NOTE not in repr(reviewed)
    assert monthly(settings, "2022-02-01") == {
        "late": figures["late"] - 1, "none": figures["none"] + 1, "reviewed": figures["reviewed"] + 1}
    shown = render(explain("notification:" + j, settings))
    assert "reviewed:        no_footprint (wrong_episode_link) by Programme Manager" in shown
    assert "the rule says late_footprint" in shown and NOTE not in shown

    # The next night deletes the note: the rule now says no_footprint too, the review stands, stale.
    nightly.run_night(dt.date.fromisoformat(second.name), settings)
    after = mart_row(settings, j)
    assert after["is_reviewed"] and after["footprint_category"] == "no_footprint"
    assert after["computed_category"] == "no_footprint" and after["review_is_stale"]
    listed = actions.list_reviews(settings)
    assert [(r["notification_id"], r["is_stale"]) for r in listed] == [(j, True)]
    assert "note" not in listed[0]
    report = build_report(settings.landing_dir.parent / "report", settings,
                          Options(date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 2, 28)))
    page = report.index.read_text(encoding="utf-8")
    assert 'id="reviewed-count">1<' in page and 'id="stale-reviews"' in page and j in page
    for path in report.out_dir.rglob("*"):
        assert not path.is_file() or NOTE.encode() not in path.read_bytes(), f"the note reached {path}"

    actions.clear_review(settings, j, "Programme Manager")
    rebuild(settings)
    cleared = mart_row(settings, j)
    assert not cleared["is_reviewed"] and cleared["footprint_category"] == cleared["computed_category"]
    assert actions.list_reviews(settings) == []


@pytest.mark.timeout(900)
def test_unknown_ids_categories_and_codes_are_refused_and_grades_reach_their_mart(warehouse):
    settings = warehouse
    first, _ = write_hand_audit(settings.landing_dir)
    nightly.run_night(dt.date.fromisoformat(first.name), settings)
    timely = notification_of("clear footprint")
    with pytest.raises(FootprintError, match="no notification N-NOPE in the published marts"):
        actions.set_review(settings, "N-NOPE", "late_footprint", "wrong_note_type", None, "PM")
    with pytest.raises(FootprintError, match="unknown category"):
        actions.set_review(settings, timely, "mostly_fine", "wrong_note_type", None, "PM")
    with pytest.raises(FootprintError, match="unknown reason code"):
        actions.set_review(settings, timely, "late_footprint", "because", None, "PM")
    with pytest.raises(FootprintError, match="no review to clear"):
        actions.clear_review(settings, timely, "PM")
    with pytest.raises(FootprintError, match="no footprint to grade"):
        actions.grade(settings, notification_of("finding 1"), "good", "PM")  # contact, not about missing
    drawn = draw_sample(settings, dt.date(2022, 2, 1), per_iro=1, seed=3, by="PM")
    assert drawn and len({r["iro_professional_id"] for r in drawn}) == len(drawn)
    for row, quality in zip(drawn, ["good", "poor", "adequate"], strict=False):
        actions.grade(settings, row["notification_id"], quality, "PM")
    rebuild(settings)
    with connect_marts(settings) as conn:
        cur = conn.cursor()
        cur.execute("select sum(sampled), sum(graded), sum(good), sum(poor) from marts.fct_footprint_quality_monthly "
                    "where period_month = date '2022-02-01'")
        sampled, graded, good, poor = cur.fetchone()
    assert (sampled, graded) == (len(drawn), min(len(drawn), 3)) and good == 1 and poor == (1 if len(drawn) > 1 else 0)
