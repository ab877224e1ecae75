"""When a build may follow the last one child by child, and when it must rebuild everything.

footprint.transform.incremental decides on raw and on its own ledger, before dbt runs: these
tests load real generated nights into a real DuckDB file and read its decisions, with the
accumulating models standing as empty tables (their content is the equivalence tests' matter).
"""

from __future__ import annotations

import datetime as dt

import pytest

from footprint.contract import NIGHT_ACCEPTED
from footprint.settings import Settings
from footprint.transform.criteria import criteria_vars
from footprint.transform.incremental import (
    NOTIFICATIONS,
    PENDING,
    SCOPE,
    STATE_SCHEMA,
    complete_build,
    ensure_state_tables,
    is_whole_project,
    prepare_build,
)
from footprint.warehouse import connect, execute, fetch_all, fetch_value
from tests.support.pipeline import write_nights


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan-landing")
    write_nights(folder, nights=3, preset="small", seed=5)
    return folder


@pytest.fixture
def settings(landing, tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", "incremental-plan-test-key-0123456789abcdef")
    return warehouse(landing, tmp_path / "warehouse.duckdb")


def warehouse(landing, path) -> Settings:
    """Settings for a new DuckDB file on `landing`, as footprint build finds it before it plans."""
    from footprint.review.store import ensure_review_tables

    settings = Settings.from_env({"FOOTPRINT_LANDING_DIR": str(landing), "FOOTPRINT_DUCKDB_PATH": str(path)})
    with connect(settings) as conn:
        ensure_review_tables(conn)
        ensure_state_tables(conn)
        execute(conn, f"create table {NOTIFICATIONS} (person_id text, notification_key text, "
                      "due_at timestamp, horizon_at timestamp)")
        execute(conn, f"create table {STATE_SCHEMA}.int_footprint_evidence__measured (person_id text)")
        execute(conn, f"create table {STATE_SCHEMA}.int_case_note_versions__keyword_matches (case_note_id text)")
        conn.commit()
    return settings


def nights(landing) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.name) for p in landing.iterdir())


def accept(night: dt.date, settings: Settings) -> None:
    from footprint import nightly
    from footprint.ingest.raw_load import load_night

    load_night(settings.landing_dir / night.isoformat(), settings)
    nightly.mark_night(night, NIGHT_ACCEPTED, {}, settings)


def built(settings: Settings, args: list[str] | None = None, **overrides):
    """The plan for a build now, then that build completed as dbt would."""
    plan = prepare_build(settings, {**criteria_vars(settings.criteria_path), **overrides}, args or ["build"])
    complete_build(settings, plan)
    return plan


def test_the_first_build_is_full_and_the_next_follows_it_child_by_child(settings, landing):
    first, second = nights(landing)[:2]
    accept(first, settings)
    assert (built(settings).full, built(settings).full) == (True, False)
    accept(second, settings)
    plan = built(settings)
    assert not plan.full and plan.reason == "1 new night(s)"
    assert 0 < plan.children < 60, "a night changes a few children of the ~150"
    again = built(settings)
    assert not again.full and again.reason == "0 new night(s)" and again.children == 0


def test_a_nightly_build_matches_again_the_case_notes_its_new_night_changed(settings, landing):
    first, second = nights(landing)[:2]
    accept(first, settings)
    built(settings)
    accept(second, settings)
    notes = "select distinct cano_casenote_id from raw.case_notes where _extract_date = %s"
    with connect(settings) as conn:
        carried = {r[0] for r in fetch_all(conn, notes, (second,))}
        new_notes = carried - {r[0] for r in fetch_all(conn, notes, (first,))}
    recorded = "select record_id from intermediate.build_scope_records"
    for _ in range(2):  # a build that did not finish leaves them for the next
        plan = prepare_build(settings, criteria_vars(settings.criteria_path), ["build"])
        with connect(settings) as conn:
            records = [r[0] for r in fetch_all(conn, recorded)]
        # the night repeats a fortnight of notes: those it repeats unchanged are not read again
        assert new_notes <= set(records) < carried and len(records) == len(set(records))
    assert new_notes and not plan.full
    complete_build(settings, plan)
    with connect(settings) as conn:
        assert fetch_all(conn, recorded) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("criteria", "the criteria, the calendar or the models changed"),
        ("reload", "a night the last build read was reloaded or set aside"),
        ("set aside", "a night the last build read was reloaded or set aside"),
        ("professionals", "the professionals changed"),
        ("iros", "the IROs changed"),
        ("selection", "a part of the project was selected"),
        ("no pending times", "no record times were kept by the last build"),
        ("asked", "asked for (--full-refresh)"),
    ],
)
def test_what_forces_a_full_build(settings, landing, change, reason):
    from footprint import nightly

    first, second, third = nights(landing)[:3]
    accept(first, settings)
    accept(second, settings)
    built(settings)
    args, overrides = ["build"], {}
    if change == "criteria":
        overrides = {"footprint_due_working_days": 2}
    elif change == "reload":
        accept(second, settings)  # the same night loaded again: its old rows are gone
    elif change == "set aside":  # rejected after it was built (by hand: a build's failure rejects before)
        nightly.mark_night(second, "rejected", {"stage": "dbt build"}, settings)
    elif change == "professionals":
        accept(third, settings)
        with connect(settings) as conn:
            execute(conn, "update raw.ssd_professionals set prof_professional_department = 'Moved' "
                          "where _extract_date = %s and prof_professional_id = "
                          "(select min(prof_professional_id) from raw.ssd_professionals)", (third,))
            conn.commit()
    elif change == "iros":  # a worker allocated as IRO for the first time, to any child
        accept(third, settings)
        with connect(settings) as conn:
            execute(conn, "update raw.ssd_involvements set invo_professional_id = 'NEW-IRO', "
                          "invo_professional_role_id = 'IRO' where _extract_date = %s and invo_involvements_id = "
                          "(select min(invo_involvements_id) from raw.ssd_involvements where _extract_date = %s)",
                    (third, third))
            conn.commit()
    elif change == "selection":
        args = ["build", "--select", "fct_missing_notifications"]
    elif change == "no pending times":  # a warehouse last built before the build kept them
        with connect(settings) as conn:
            execute(conn, f"drop table {PENDING}")
            conn.commit()
    else:
        args = ["build", "--full-refresh"]
    plan = built(settings, args, **overrides)
    assert plan.full and plan.reason == reason
    # The next build follows this one, but a build of part of the project completed nothing.
    assert built(settings, **overrides).full == (change == "selection")


def test_an_unfinished_builds_children_stay_in_scope_until_a_build_completes(settings, landing):
    first, second = nights(landing)[:2]
    accept(first, settings)
    built(settings)
    accept(second, settings)
    crashed = prepare_build(settings, criteria_vars(settings.criteria_path), ["build"])  # dbt dies here
    with connect(settings) as conn:
        pending = fetch_value(conn, f"select count(*) from {SCOPE}")
    assert pending == crashed.children > 0
    rerun = built(settings)
    assert rerun.children == crashed.children, "the rerun takes in what the dead build had in scope"
    with connect(settings) as conn:
        assert fetch_value(conn, f"select count(*) from {SCOPE}") == 0


def test_a_selection_is_a_part_of_the_project_and_resource_types_are_not():
    assert is_whole_project(["build", "--exclude-resource-type", "unit_test"])
    assert is_whole_project(["run", "--full-refresh"])
    assert not is_whole_project(["build", "--select", "fct_missing_notifications"])
    assert not is_whole_project(["run", "-s", "+fct_missing_notifications"])
    assert not is_whole_project(["build", "--exclude=stg_lcs__persons"])


def test_a_row_delivered_again_in_another_spelling_changes_no_child(settings, landing, tmp_path):
    """The night's copies of earlier rows, with every date in the UK form and spaces around text,
    are what staging reads them as (the same record): they bring no child into scope."""
    import shutil

    from footprint.contract import FILES
    from tests.support.quality_cases import parse_any, read_night, write_night_folder

    first, second = nights(landing)[:2]
    accept(first, settings)
    built(settings)
    accept(second, settings)
    as_delivered = built(settings).children

    respelled_landing = tmp_path / "respelled"
    shutil.copytree(landing / first.isoformat(), respelled_landing / first.isoformat())
    night = read_night(landing / second.isoformat())
    for spec in FILES:
        kinds = {c.name: c.kind for c in spec.columns}
        for row in night.rows[spec.table]:
            for column, value in row.items():
                if value and kinds.get(column) in ("date", "timestamp"):
                    row[column] = parse_any(value).strftime("%d/%m/%Y %H:%M:%S")
                elif value and kinds.get(column) == "text":
                    row[column] = f"  {value} "
    write_night_folder(night, respelled_landing)
    other = warehouse(respelled_landing, tmp_path / "respelled.duckdb")
    accept(first, other)
    built(other)
    accept(second, other)
    assert built(other).children == as_delivered > 0


def test_a_note_or_a_snapshot_row_brings_a_child_in_only_if_it_has_an_episode(settings, landing):
    """Nothing of a child without an episode reaches the marts: its new note and its changed row
    bring nobody in; the same for a child with an episode brings that child in. A row listed
    twice brings its child in all the same (the build's tests must refuse it)."""
    first, second, third = nights(landing)[:3]
    accept(first, settings)
    accept(second, settings)
    built(settings)
    accept(third, settings)
    before = scope_of(settings)  # as the night stands; a plan that is not completed changes nothing
    with connect(settings) as conn:
        with_episode = fetch_value(conn, "select min(miss_person_id) from raw.ssd_missing where "
                                         f"miss_person_id not in ({', '.join(['%s'] * len(before))})", tuple(before))
        without = fetch_value(conn, "select min(pers_person_id) from raw.ssd_person where pers_person_id "
                                    "not in (select miss_person_id from raw.ssd_missing)")
        for child in (with_episode, without):
            execute(conn, "insert into raw.case_notes select * replace (%s as cano_person_id, "
                          "'NEW-' || %s as cano_casenote_id) from raw.case_notes where _extract_date = %s limit 1",
                    (child, child, third))
        execute(conn, "update raw.ssd_person set pers_sex = 'U' where _extract_date = %s and pers_person_id = %s",
                (third, without))
        conn.commit()
    assert with_episode and without
    assert scope_of(settings) == before | {with_episode}
    # A row listed twice fails the build's uniqueness test: its child comes in, episode or not.
    with connect(settings) as conn:
        execute(conn, "insert into raw.ssd_person select * from raw.ssd_person "
                      "where _extract_date = %s and pers_person_id = %s", (third, without))
        conn.commit()
    assert scope_of(settings) == before | {with_episode, without}


def scope_of(settings: Settings) -> set[str]:
    """The children a build now would have in scope, its plan left uncompleted and its scope cleared."""
    prepare_build(settings, criteria_vars(settings.criteria_path), ["build"])
    with connect(settings) as conn:
        children = {r[0] for r in fetch_all(conn, f"select person_id from {SCOPE}")}
        execute(conn, f"delete from {SCOPE}")
        conn.commit()
    return children


def test_a_record_time_that_now_passes_brings_its_child_in_though_no_night_changed_it(settings, landing):
    """A note already read, in none of a notification's windows yet, whose time lies beyond the
    last build's "now": the night whose "now" passes that time brings its child in, and a note
    whose time is still ahead brings nobody. Nothing else of either child changed."""
    from footprint import nightly

    first, second, third = nights(landing)[:3]
    accept(first, settings)
    accept(second, settings)
    built(settings)
    accept(third, settings)
    before = scope_of(settings)
    nightly.mark_night(third, "rejected", {"stage": "quality gate"}, settings)  # for now
    with connect(settings) as conn:
        produced = dict(fetch_all(conn, "select extract_date, produced_at from raw.extract_nights"))
        soon, later = produced[second] + dt.timedelta(minutes=1), produced[third] + dt.timedelta(days=30)
        passed, ahead = (r[0] for r in fetch_all(
            conn, "select distinct miss_person_id from raw.ssd_missing where miss_person_id not in "
                  f"({', '.join(['%s'] * len(before))}) order by 1 limit 2", tuple(before)))
        for child, at in ((passed, soon), (ahead, later)):
            stamp = at.strftime("%Y-%m-%d %H:%M:%S")
            execute(conn, "insert into raw.case_notes select * replace (%s as cano_person_id, "
                          "'LATER-' || %s as cano_casenote_id, %s as cano_created_date, %s as cano_event_date, "
                          "%s as modified_at) from raw.case_notes where _extract_date = %s limit 1",
                    (child, child, stamp, stamp, stamp, second))
        conn.commit()
    assert built(settings, ["build", "--full-refresh"]).as_of == produced[second]
    accept(third, settings)
    assert scope_of(settings) == before | {passed}
    built(settings)
    accept(third, settings)  # a reload forces a full build: what it keeps must be as exact
    assert built(settings).full
    with connect(settings) as conn:
        assert [r[0] for r in fetch_all(conn, f"select distinct person_id from {PENDING}")] == [ahead]
