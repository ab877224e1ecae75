"""Fifteen nights built night after night, each compared with a full rebuild of the same history.

The nights are generated (corrections, deletions, reallocations, IROs changing, a cover IRO
writing on other children's files), and the run
takes in what a year of nights brings: a night the quality gate rejects, later corrected and
accepted out of order; a programme manager's review; a build run twice; the criteria changed.
After every night every mart (the restricted worklist too) must equal, row for row, what a full
rebuild of a copy of the same warehouse makes. One module per engine, so the two run side by side.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from pathlib import Path

import pytest
import yaml

from footprint.settings import CONFIG_DIR
from tests.support.pipeline import marts_checksum, write_nights
from tests.support.places import Backend, Place, environment
from tests.support.quality_cases import iso, parse_any, read_night, write_night_folder

PSEUDONYM_KEY = "incremental-equivalence-test-key-0123456789"
NIGHTS = 15
REJECTED, CORRECTED, REVIEWED, TWICE, CRITERIA_CHANGED = 5, 8, 3, 10, 12
COVER_IRO, COVER_NIGHT = "COVER-IRO", 2
MOVED_NIGHT = 6
NIGHTLY = re.compile(r"nightly build of (\d+) child")


def backend_for(name: str, root: Path, request: pytest.FixtureRequest) -> Backend:
    landing = root / "landing"
    write_nights(landing, nights=NIGHTS, preset="small", seed=11)
    with_a_cover_iro(landing)
    with_a_moved_notification(landing)
    env = {"FOOTPRINT_PSEUDONYM_KEY": PSEUDONYM_KEY, "DBT_TARGET_PATH": str(root / "dbt-target"),
           "DBT_LOG_PATH": str(root / "dbt-logs")}
    server = None
    if name == "postgres":
        server = request.getfixturevalue("pg_server")
        env.update({k: v for k, v in server.env().items() if k != "PGDATABASE"})
    return Backend(name, root, landing, env, server, prefix="incr")


def with_a_cover_iro(landing: Path) -> None:
    """A worker allocated as IRO to one child, who never goes missing, writes on other children's
    files from night COVER_NIGHT: copies of a few IROs' notes, repeated as the originals are. Whose
    notes are an IRO's is a fact of every child's allocations, not only of the children in scope."""
    folders = sorted(landing.iterdir())
    nights = [read_night(folder) for folder in folders]
    went_missing = {e["miss_person_id"] for n in nights for e in n.rows["ssd_missing"]}
    iros = {i["invo_professional_id"] for i in nights[0].rows["ssd_involvements"]
            if i["invo_professional_role_id"] == "IRO"}
    covered = sorted(c["cano_casenote_id"] for c in nights[COVER_NIGHT].rows["case_notes"]
                     if c["cano_created_by_professional_id"] in iros and c["cano_person_id"] in went_missing)[:4]
    assert covered, "the night should carry IROs' notes on children who went missing"
    always = set.intersection(*({p["pers_person_id"] for p in n.rows["ssd_person"]} for n in nights))
    allocation = dict(next(i for i in nights[0].rows["ssd_involvements"] if i["invo_professional_id"] in iros),
                      invo_involvements_id=f"{COVER_IRO}-1", invo_person_id=min(always - went_missing),
                      invo_professional_id=COVER_IRO)
    worker = dict(next(w for w in nights[0].rows["ssd_professionals"] if w["prof_professional_id"] in iros),
                  prof_professional_id=COVER_IRO)
    for night, folder in zip(nights, folders, strict=True):
        night.rows["ssd_involvements"].append(allocation)
        night.rows["ssd_professionals"].append(worker)
        if night.date >= nights[COVER_NIGHT].date:
            night.rows["case_notes"] += [dict(c, cano_casenote_id=f"{c['cano_casenote_id']}-C",
                                              cano_created_by_professional_id=COVER_IRO)
                                         for c in night.rows["case_notes"] if c["cano_casenote_id"] in covered]
        write_night_folder(night, folder.parent)


def with_a_moved_notification(landing: Path) -> None:
    """On night MOVED_NIGHT a correction moves a notification to another child's episode: the
    episode, not the email, says whose notification it is, so both children's rows change."""
    folder = sorted(landing.iterdir())[MOVED_NIGHT]
    night = read_night(folder)
    episodes = {e["miss_table_id"]: e for e in night.rows["ssd_missing"] if e["is_deleted"] == "N"}
    notices = sorted((n for n in night.rows["missing_notifications"]
                      if n["is_deleted"] == "N" and n["mino_missing_id"] in episodes),
                     key=lambda n: parse_any(n["mino_sent_date"]), reverse=True)
    notice, other = next((n, e) for n in notices for e in episodes.values()
                         if e["miss_person_id"] != episodes[n["mino_missing_id"]]["miss_person_id"]
                         and e["miss_missing_episode_type"] == "Missing"
                         and parse_any(e["miss_missing_episode_start_date"]) <= parse_any(n["mino_sent_date"]))
    # Corrected just before the extract was produced: the notification's latest version.
    latest = iso(night.produced_at.replace(tzinfo=None) - dt.timedelta(minutes=1))
    rows = night.rows["missing_notifications"]
    # The night carries the corrected row in place of the notification's old one; later nights
    # repeat the old one, which the later modified_at outranks.
    rows[rows.index(notice)] = dict(notice, mino_missing_id=other["miss_table_id"],
                                    mino_person_id=other["miss_person_id"], modified_at=latest)
    write_night_folder(night, folder.parent)


def broken_copy(landing: Path, night: dt.date, into: Path) -> Path:
    """The night with a child's date of birth after the night was produced: the gate refuses it."""
    copy = read_night(landing / night.isoformat())
    copy.rows["ssd_person"][0]["pers_dob"] = (night + dt.timedelta(days=30)).isoformat()
    return write_night_folder(copy, into)


def later_criteria(folder: Path) -> Path:
    criteria = yaml.safe_load((CONFIG_DIR / "criteria.yml").read_text())
    criteria.update(criteria_version="1-three-days", footprint_due_working_days=3)
    path = folder / "criteria-three-days.yml"
    path.write_text(yaml.safe_dump(criteria))
    return path


def built_marts(place: Place, settings) -> dict[str, dict[str, str]]:
    from footprint.warehouse import connect, target_of

    with environment(place.environ()), connect(settings) as conn:
        target = target_of(conn)
        return {schema: marts_checksum(conn, target.tables(conn, schema, base_tables_only=True), schema)
                for schema in ("marts_build", "restricted_build")}


def full_rebuild(backend: Backend, place: Place, settings_env: dict[str, str]) -> dict[str, dict[str, str]]:
    from footprint.settings import Settings
    from footprint.transform.dbt_runner import run_dbt

    copy = backend.copy(place, "full")
    try:
        settings = Settings.from_env({**copy.settings_env(), **settings_env})
        with environment(copy.environ()):
            run_dbt(["build", "--full-refresh", "--exclude-resource-type", "test", "unit_test"], settings)
        return built_marts(copy, settings)
    finally:
        backend.discard(copy)


def night_settings(place: Place, index: int, landing: Path, criteria: Path) -> dict[str, str]:
    env = place.settings_env(landing)
    if index >= CRITERIA_CHANGED:
        env["FOOTPRINT_CRITERIA_PATH"] = str(criteria)
    return env


def run_the_nights(backend: Backend, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every night in turn, compared with a full rebuild; returns how each night was built."""
    from footprint import nightly
    from footprint.errors import FootprintError
    from footprint.settings import Settings

    nights = sorted(dt.date.fromisoformat(p.name) for p in backend.landing.iterdir())
    broken = broken_copy(backend.landing, nights[REJECTED], backend.root / "broken").parent
    criteria = later_criteria(backend.root)
    place = backend.place("nightly")
    kinds = []
    for index, night in enumerate(nights):
        env = night_settings(place, index, broken if index == REJECTED else backend.landing, criteria)
        settings = Settings.from_env(env)
        caplog.clear()
        with environment(place.environ()), caplog.at_level(logging.INFO, "footprint.transform.incremental"):
            if index == REVIEWED:  # between two nights, on what readers see
                review_one(settings)
            nightly.load(night, settings)
            try:
                nightly.gate(night, settings)
            except FootprintError:
                assert index == REJECTED, f"night {index} was refused"
            if index == CORRECTED:  # the corrected delivery of the rejected night, accepted late
                fixed = Settings.from_env(night_settings(place, index, backend.landing, criteria))
                nightly.load(nights[REJECTED], fixed)
                nightly.gate(nights[REJECTED], fixed)
            nightly.build(night if index != REJECTED else nights[REJECTED - 1], settings)
            if index == TWICE:
                nightly.build(night, settings)
        kinds.append(" | ".join(r.getMessage() for r in caplog.records if r.name.endswith("incremental")))
        assert built_marts(place, settings) == full_rebuild(backend, place, env), (
            f"night {index} ({night}): the nightly build differs from a full rebuild; built as {kinds[-1]}")
    assert cover_notes(place, settings), "the cover IRO's notes reach the evidence"
    backend.discard(place)
    return kinds


def cover_notes(place: Place, settings) -> int:
    from footprint.warehouse import connect, fetch_value

    with environment(place.environ()), connect(settings) as conn:
        return int(fetch_value(conn, "select count(*) from marts_build.fct_footprint_evidence "
                                     "where author_professional_id = %s", (COVER_IRO,)))


def review_one(settings) -> None:
    """Publish, then review a notification as the programme manager does."""
    from footprint import nightly
    from footprint.review.actions import set_review
    from footprint.warehouse import connect_marts, fetch_all

    nightly.publish(settings)
    with connect_marts(settings) as conn:
        key = fetch_all(conn, "select notification_id from marts.fct_missing_notifications "
                              "where is_notified and footprint_category = 'no_footprint' "
                              "order by notification_id limit 1")[0][0]
    set_review(settings, key, "late_footprint", "recorded_elsewhere", None, "Test PM")


def check_equivalence(name: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest,
                      caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path_factory.mktemp(f"incremental-{name}")
    try:
        kinds = run_the_nights(backend_for(name, root, request), caplog)
    finally:
        shutil.rmtree(root / "landing", ignore_errors=True)
    # What nothing reads, the nightly builds did not write; the full builds' manifest is there.
    assert (root / "dbt-target" / "manifest.json").exists()
    assert (root / "dbt-target" / "scoped" / "partial_parse.msgpack").exists()
    assert not [p for p in ("manifest.json", "run_results.json") if (root / "dbt-target" / "scoped" / p).exists()]
    assert "full build" in kinds[0]
    assert "full build" in kinds[CRITERIA_CHANGED] and "criteria" in kinds[CRITERIA_CHANGED]
    nightly = [i for i, kind in enumerate(kinds) if NIGHTLY.search(kind) and "full build" not in kind]
    # Every other night is built incrementally: the comparison is not a full build against itself.
    assert nightly == [i for i in range(1, NIGHTS + 1) if i != CRITERIA_CHANGED], kinds
    children = [int(NIGHTLY.search(kinds[i]).group(1)) for i in nightly]
    assert max(children) < 60, f"a nightly build should take in few of the ~150 children: {children}"
