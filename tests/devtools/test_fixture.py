"""The hand-audit fixture landing folder (`footprint fixture hand-audit`).

Two things are checked, without the pipeline:

* the folder is a well-formed extract: the contract's layout, every contract
  column, the manifest agreeing with the files (records counted by parsing
  the CSV, sha256), unique ids, valid references, every event before the
  night's produced_at, the nightly night holding the 14-day window;
* its own structure encodes the hand audit: the children's facts read
  straight from the files, and a small reference reading of the spec's rules
  (below) gives every pinned notification the category the fixture declares,
  hence the spec's oracle through `footprint.readers.audit.compute_snapshot`.

The reference reading is a test oracle for the fixture, not a second
implementation of the pipeline: it is written for clarity, with the
criteria's defaults (criteria version 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from footprint import cli
from footprint.categories import CATEGORIES
from footprint.contract import DATE_FORMATS, FILES, MANIFEST_NAME, SNAPSHOT, TIMESTAMP_FORMATS
from footprint.devtools.fixtures.hand_audit import (
    AUDIT_FROM,
    AUDIT_TO,
    EVENT_WINDOW_DAYS,
    HAND_AUDIT_ORACLE,
    hand_audit,
    write_hand_audit,
)
from footprint.ingest.landing import read_manifest, sha256_file
from footprint.readers.audit import compute_snapshot


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> list[Path]:
    return write_hand_audit(tmp_path_factory.mktemp("landing"))


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def parse_time(value: str) -> dt.datetime:
    for fmt in TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(f"not a contract timestamp: {value!r}")


def parse_date(value: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a contract date: {value!r}")


# well-formed ------------------------------------------------------------------------------

def test_two_nights_initial_then_nightly(nights):
    assert [p.name for p in nights] == ["2022-03-01", "2022-03-02"]
    manifests = [read_manifest(p) for p in nights]
    assert [m.load_type for m in manifests] == ["initial", "nightly"]
    assert [m.produced_at for m in manifests] == [dt.datetime(2022, 3, 1, 1, 10), dt.datetime(2022, 3, 2, 1, 10)]


def test_manifest_agrees_with_every_file(nights):
    for folder in nights:
        manifest = read_manifest(folder)
        assert set(manifest.files) == {spec.name for spec in FILES}
        assert {p.name for p in folder.iterdir()} == {spec.name for spec in FILES} | {MANIFEST_NAME}
        for spec in FILES:
            header, rows = read_csv(folder / spec.name)
            assert header == spec.column_names, spec.name
            assert manifest.files[spec.name]["rows"] == len(rows), spec.name
            assert manifest.files[spec.name]["sha256"] == sha256_file(folder / spec.name), spec.name
    # free text holds newlines: records and physical lines differ, and the count is of records
    header, rows = read_csv(nights[0] / "case_notes.csv")
    lines = (nights[0] / "case_notes.csv").read_text(encoding="utf-8").count("\n")
    assert lines > len(rows) + 1


def test_values_follow_the_contract_and_precede_produced_at(nights):
    for folder in nights:
        manifest = read_manifest(folder)
        for spec in FILES:
            _, rows = read_csv(folder / spec.name)
            keys = [r[spec.key] for r in rows]
            assert len(keys) == len(set(keys)), f"{spec.name}: duplicated id"
            for r in rows:
                for col in spec.columns:
                    value = r[col.name]
                    if col.required:
                        assert value, (spec.name, col.name)
                    if value and col.allowed:
                        assert value in col.allowed, (spec.name, col.name, value)
                    if value and col.kind == "timestamp":
                        assert parse_time(value) <= manifest.produced_at, (spec.name, col.name, r[spec.key])
                    if value and col.kind == "date":
                        assert parse_date(value) <= manifest.produced_at.date(), (spec.name, col.name)


def test_references_are_valid_within_the_history_so_far(nights):
    seen: dict[str, set[str]] = defaultdict(set)
    for folder in nights:
        files = {spec.name: read_csv(folder / spec.name)[1] for spec in FILES}
        for spec in FILES:
            seen[spec.name] |= {r[spec.key] for r in files[spec.name]}
        people, workers, episodes = seen["ssd_person.csv"], seen["ssd_professionals.csv"], seen["ssd_missing.csv"]
        episode_child, episode_start = {}, {}
        for night in nights[: nights.index(folder) + 1]:
            for r in read_csv(night / "ssd_missing.csv")[1]:
                episode_child[r["miss_table_id"]] = r["miss_person_id"]
                episode_start[r["miss_table_id"]] = parse_time(r["miss_missing_episode_start_date"])
        for r in files["ssd_involvements.csv"]:
            assert r["invo_person_id"] in people and r["invo_professional_id"] in workers
        for r in files["service_involvements.csv"]:
            assert r["serv_person_id"] in people
        for r in files["ssd_missing.csv"]:
            assert r["miss_person_id"] in people
        for r in files["missing_notifications.csv"]:
            assert r["mino_missing_id"] in episodes
            assert episode_child[r["mino_missing_id"]] == r["mino_person_id"]
            assert r["mino_sent_by_professional_id"] in workers
            assert parse_time(r["mino_sent_date"]) >= episode_start[r["mino_missing_id"]]
        for r in files["case_notes.csv"]:
            assert r["cano_person_id"] in people and r["cano_created_by_professional_id"] in workers
            if r["cano_linked_missing_id"]:
                assert episode_child[r["cano_linked_missing_id"]] == r["cano_person_id"]
        for r in files["ssd_cla_reviews.csv"]:
            assert r["clar_cla_person_id"] in people and r["clar_chair_professional_id"] in workers


def test_nightly_night_is_the_contract_window(nights):
    extract_date = read_manifest(nights[1]).extract_date
    window_start = dt.datetime.combine(extract_date - dt.timedelta(days=EVENT_WINDOW_DAYS), dt.time())
    for spec in FILES:
        initial = read_csv(nights[0] / spec.name)[1]
        nightly = read_csv(nights[1] / spec.name)[1]
        if spec.load_kind == SNAPSHOT:
            assert nightly == initial, spec.name  # the whole truth again
            continue
        assert nightly, spec.name
        assert all(parse_time(r["modified_at"]) >= window_start for r in nightly), spec.name
        # overlapping nights: rows of the initial night modified in the window come again
        again = {r[spec.key] for r in initial if parse_time(r["modified_at"]) >= window_start}
        assert again <= {r[spec.key] for r in nightly}, spec.name
    notes = {r["cano_casenote_id"]: r for r in read_csv(nights[1] / "case_notes.csv")[1]}
    assert sum(r["is_deleted"] == "Y" for r in notes.values()) == 1


def test_the_fixture_is_deterministic_and_the_command_writes_it(nights, tmp_path, capsys):
    assert cli.main(["fixture", "hand-audit", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [p.name for p in nights]
    for folder in nights:
        for path in folder.iterdir():
            assert (tmp_path / folder.name / path.name).read_bytes() == path.read_bytes(), path.name
    only = tmp_path / "initial-only"
    assert cli.main(["fixture", "hand-audit", "--out", str(only), "--initial-only"]) == 0
    assert [p.name for p in only.iterdir()] == ["2022-03-01"]


# the rules, read plainly (criteria version 1 defaults) ------------------------------------

KEYWORDS = ("missing", "absent", "absconded", "whereabouts unknown", "return home interview", "RHI",
            "missing intervention meeting", "MIM", "missing report", "Philomena")
EXCLUSIONS = ("absent from school", "missing school", "missed school", "missing lessons")
DUE_WORKING_DAYS, HORIZON_DAYS, LOOKBACK_DAYS = 1, 28, 7
GET_SAFE = "Get Safe"


@dataclass(frozen=True)
class Reading:
    """How the rules are read. The defaults are the spec's; each other value is a
    misreading the fixture must catch (see test_each_misreading_moves_its_child)."""

    word_boundaries: bool = True  # keywords as whole words ("Rhian" is not RHI)
    exclusions: bool = True  # "absent from school" removed before matching
    links_decide: bool = True  # a linked note is about its episode only
    bank_holidays: bool = True  # working days skip bank holidays
    time_field: str = "created"  # when a note counts: entered, not its event date
    first_version_time: bool = True  # a note about the episode from its first version counts from its entry
    author_scope: str = "allocated_iro"  # or any_iro: a cover IRO counts
    deletions: bool = True  # a note deleted in the source is gone
    cancelled_reviews_count: bool = False
    activity_from_episode_start: bool = True  # the activity window opens no earlier than the episode
    step2: str = "earliest"  # the earliest record decides; "precedence": review > child seen > note,
    #                          "child_order": the children's ranking (late > review > child seen)
    child_seen: bool = True  # cano_child_seen makes discussed_with_child
    away_counted: bool = True  # prior-90-day episodes of either type
    service_end_inclusive: bool = True  # a service ending on the day is still open
    whole_years: bool = True  # age in whole years at the notification


PLAIN = Reading()


def _phrase(words: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words.split())) + r"(?!\w)", re.IGNORECASE)


KEYWORD_RES = [_phrase(k) for k in KEYWORDS]
EXCLUSION_RES = [_phrase(k) for k in EXCLUSIONS]


def has_keyword(*texts: str, reading: Reading = PLAIN) -> bool:
    text = " ".join(t or "" for t in texts)
    if reading.exclusions:
        for ex in EXCLUSION_RES:
            text = ex.sub(" ", text)
    if not reading.word_boundaries:
        return any(k.lower() in text.lower() for k in KEYWORDS)
    return any(k.search(text) for k in KEYWORD_RES)


def working_day(day: dt.date, reading: Reading = PLAIN) -> bool:
    import holidays

    if day.weekday() >= 5:
        return False
    return not reading.bank_holidays or day not in holidays.country_holidays("GB", subdiv="ENG", years=day.year)


def due_at(moment: dt.datetime, reading: Reading = PLAIN) -> dt.datetime:
    day, left = moment.date(), DUE_WORKING_DAYS
    while left:
        day += dt.timedelta(days=1)
        left -= working_day(day, reading)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


class Source:
    """The current source records after the given nights, as the spec defines them."""

    def __init__(self, folders: list[Path]):
        manifests = [read_manifest(f) for f in folders]
        self.now = max(m.produced_at for m in manifests)
        self.snapshot = {s.name: read_csv(folders[-1] / s.name)[1] for s in FILES if s.load_kind == SNAPSHOT}
        self.versions: dict[str, dict[str, list[dict]]] = {}
        for spec in FILES:
            if spec.load_kind == SNAPSHOT:
                continue
            by_id: dict[str, list[tuple]] = defaultdict(list)
            for night, folder in enumerate(folders):
                for r in read_csv(folder / spec.name)[1]:
                    by_id[r[spec.key]].append((parse_time(r["modified_at"]), night, r))
            self.versions[spec.name] = {k: [r for *_, r in sorted(v, key=lambda x: x[:2])] for k, v in by_id.items()}

    def current(self, name: str) -> list[dict]:
        return [v[-1] for v in self.versions[name].values() if v[-1]["is_deleted"] != "Y"]


def note_about_since(versions: list[dict], episode_id: str, reading: Reading = PLAIN) -> dt.datetime | None:
    """When a note became about the episode: its entry if its first version was, else the
    modified_at of the first version that made it so."""
    for i, v in enumerate(versions):
        linked = v["cano_linked_missing_id"]
        keyword = has_keyword(v["cano_subject"], v["cano_text"], reading=reading)
        about = (linked == episode_id or (keyword and not reading.links_decide)) if linked else keyword
        if not about:
            continue
        if not reading.first_version_time:
            return parse_time(versions[-1]["modified_at"])
        if i > 0:
            return parse_time(v["modified_at"])
        field = "cano_event_date" if reading.time_field == "event" and v["cano_event_date"] else "cano_created_date"
        return parse_time(v[field])
    return None


def categorise(src: Source, person: str, episode_id: str, start: dt.datetime, t0: dt.datetime,
               reading: Reading = PLAIN) -> str | None:
    iro_allocations = [a for a in src.snapshot["ssd_involvements.csv"] if a["invo_professional_role_id"] == "IRO"]
    allocations = [a for a in iro_allocations
                   if a["invo_person_id"] == person and parse_time(a["invo_involvement_start_date"]) <= t0
                   and (not a["invo_involvement_end_date"] or t0 <= parse_time(a["invo_involvement_end_date"]))]
    if not allocations:
        authors = set()
    elif reading.author_scope == "any_iro":
        authors = {a["invo_professional_id"] for a in iro_allocations}
    else:
        authors = {max(allocations, key=lambda a: parse_time(a["invo_involvement_start_date"]))["invo_professional_id"]}
    due, horizon = due_at(t0, reading), t0 + dt.timedelta(days=HORIZON_DAYS)
    notes = [versions for versions in src.versions["case_notes.csv"].values()
             if (versions[-1]["is_deleted"] != "Y" or not reading.deletions)
             and versions[-1]["cano_person_id"] == person
             and versions[-1]["cano_created_by_professional_id"] in authors]
    reviews = [r for versions in src.versions["ssd_cla_reviews.csv"].values() for r in versions[-1:]
               if r["is_deleted"] != "Y" and r["clar_cla_person_id"] == person
               and r["clar_chair_professional_id"] in authors
               and (r["clar_cla_review_cancelled"] != "Y" or reading.cancelled_reviews_count)
               and parse_time(r["clar_cla_review_date"]) <= src.now]
    category = None
    evidence = []  # (time, precedence, category)
    for versions in notes:
        since = note_about_since(versions, episode_id, reading)
        if since is None or not t0 <= since <= min(horizon, src.now):
            continue
        if versions[-1]["cano_type_code"] == "IRO" and since < due:
            category = "timely_footprint"
        seen = versions[-1]["cano_child_seen"] == "Y" and reading.child_seen
        evidence.append((since, 1 if seen else 2, "discussed_with_child" if seen else "late_footprint"))
    for r in reviews:
        held = parse_time(r["clar_cla_review_date"])
        if t0 <= held <= horizon and has_keyword(r["clar_review_summary"], reading=reading):
            evidence.append((held, 0, "discussed_at_review"))
    if category is None and evidence:
        if reading.step2 == "earliest":
            category = min(evidence, key=lambda e: e[:2])[2]
        elif reading.step2 == "precedence":
            category = min(evidence, key=lambda e: (e[1], e[0]))[2]
        else:
            category = min((e[2] for e in evidence), key=CATEGORIES.index)
    if category is None:
        opens = t0 - dt.timedelta(days=LOOKBACK_DAYS)
        window = (max(start, opens) if reading.activity_from_episode_start else opens, min(horizon, src.now))
        activity = [parse_time(v[0]["cano_created_date"]) for v in notes] + \
                   [parse_time(r["clar_cla_review_date"]) for r in reviews]
        category = "contact_not_about_missing" if any(window[0] <= t <= window[1] for t in activity) \
            else "no_footprint"
    if category != "timely_footprint" and src.now < due:
        return None  # awaiting
    return category


def mart_rows(src: Source, reading: Reading = PLAIN) -> list[dict]:
    """fct_missing_notifications as the rules define it (the columns the audit reads)."""
    people = {p["pers_person_id"]: p for p in src.snapshot["ssd_person.csv"]}
    episodes = {e["miss_table_id"]: e for e in src.current("ssd_missing.csv")}
    starts = defaultdict(list)
    for e in episodes.values():
        if reading.away_counted or e["miss_missing_episode_type"] == "Missing":
            starts[e["miss_person_id"]].append(parse_time(e["miss_missing_episode_start_date"]))

    def facts(person: str, start: dt.datetime, t0: dt.datetime) -> dict:
        dob, day = parse_date(people[person]["pers_dob"]), t0.date()
        services = [s for s in src.snapshot["service_involvements.csv"]
                    if s["serv_person_id"] == person and s["serv_service_name"] == GET_SAFE
                    and parse_date(s["serv_start_date"]) <= day
                    and (not s["serv_end_date"] or day < parse_date(s["serv_end_date"])
                         or (reading.service_end_inclusive and day == parse_date(s["serv_end_date"])))]
        birthday_to_come = reading.whole_years and (day.month, day.day) < (dob.month, dob.day)
        return {
            "child_sex": people[person]["pers_sex"],
            "child_age_at_notification": day.year - dob.year - birthday_to_come,
            "get_safe_open": bool(services),
            "missing_episodes_prior_90d": sum(start - dt.timedelta(days=90) <= s <= start for s in starts[person]),
        }

    rows = []
    notified = set()
    for n in src.current("missing_notifications.csv"):
        e = episodes[n["mino_missing_id"]]
        start, t0 = parse_time(e["miss_missing_episode_start_date"]), parse_time(n["mino_sent_date"])
        notified.add(e["miss_table_id"])
        category = categorise(src, e["miss_person_id"], e["miss_table_id"], start, t0, reading)
        rows.append({"notification_id": n["mino_notification_id"], "missing_episode_id": e["miss_table_id"],
                     "child_key": e["miss_person_id"], "episode_start_at": start, "notified_at": t0,
                     "footprint_category": category, "is_awaiting_footprint": category is None,
                     **facts(e["miss_person_id"], start, t0)})
    for e in episodes.values():
        if e["miss_table_id"] in notified:
            continue
        start = parse_time(e["miss_missing_episode_start_date"])
        category = categorise(src, e["miss_person_id"], e["miss_table_id"], start, start, reading)
        rows.append({"notification_id": None, "missing_episode_id": e["miss_table_id"],
                     "child_key": e["miss_person_id"], "episode_start_at": start, "notified_at": None,
                     "footprint_category": category, "is_awaiting_footprint": category is None,
                     **facts(e["miss_person_id"], start, start)})
    return rows


# the structure encodes the audit -------------------------------------------------------------

def test_children_of_the_audit_period_match_the_hand_audit(nights):
    src = Source(nights)
    rows = [r for r in mart_rows(src) if r["notification_id"] and AUDIT_FROM <= r["notified_at"].date() <= AUDIT_TO]
    latest = {}
    for r in sorted(rows, key=lambda r: r["notified_at"]):
        latest[r["child_key"]] = r
    assert len(latest) == 11
    assert sorted(r["child_sex"] for r in latest.values()) == ["F"] * 2 + ["M"] * 9
    ages = [r["child_age_at_notification"] for r in latest.values()]
    assert (min(ages), max(ages)) == (11, 17)
    assert sum(r["get_safe_open"] for r in latest.values()) == 8
    prior = [r["missing_episodes_prior_90d"] for r in latest.values()]
    assert (min(prior), max(prior)) == (1, 20)
    # and each child is the one the fixture describes
    for child in hand_audit().children.values():
        r = latest[child.person_id]
        assert (r["child_sex"], r["child_age_at_notification"], r["get_safe_open"], r["missing_episodes_prior_90d"]) \
            == (child.sex, child.age, child.get_safe_open, child.prior_90d), child.label


def test_many_prior_episodes_reach_back_before_the_period(nights):
    _, episodes = read_csv(nights[0] / "ssd_missing.csv")
    starts = [parse_time(e["miss_missing_episode_start_date"]) for e in episodes]
    assert min(starts) < dt.datetime(2021, 7, 1)  # finding 3: missing since June 2021
    assert sum(dt.datetime(2021, 10, 1) <= s < dt.datetime(2022, 1, 1) for s in starts) >= 30
    assert {e["miss_missing_episode_type"] for e in episodes} == {"Missing", "Away"}


def test_every_pinned_notification_gets_its_declared_category(nights):
    src = Source(nights)
    got = {r["notification_id"]: r for r in mart_rows(src) if r["notification_id"]}
    fixture = hand_audit()
    assert set(got) == set(fixture.expected)
    wrong = [
        f"{e.notification_id} child {e.child} ({e.finding}): expected {e.category}, "
        f"rules give {got[e.notification_id]['footprint_category']}: {e.why}"
        for e in fixture.expected.values()
        if e.category is not None and got[e.notification_id]["footprint_category"] != e.category
    ]
    assert not wrong, "\n".join(wrong)
    awaiting = {k for k, r in got.items() if r["is_awaiting_footprint"]}
    assert awaiting == {k for k, e in fixture.expected.items() if e.awaiting}
    # every notification of the audit period is pinned
    in_period = {k for k, r in got.items() if AUDIT_FROM <= r["notified_at"].date() <= AUDIT_TO}
    assert in_period == set(fixture.expected_in_audit())
    assert all(fixture.expected[k].category for k in in_period)


def test_each_child_has_its_finding_and_best_category(nights):
    fixture = hand_audit()
    best: dict[str, str] = {}
    for e in fixture.expected_in_audit().values():
        current = best.get(e.child)
        if current is None or CATEGORIES.index(e.category) < CATEGORIES.index(current):
            best[e.child] = e.category
    assert best == {c.label: c.best_category for c in fixture.children.values()}
    findings = sorted(c.finding for c in fixture.children.values())
    assert findings == ["clear footprint"] * 4 + [f"finding {i}" for i in range(1, 8)]


def test_the_rules_read_plainly_give_the_spec_oracle(nights):
    snapshot = compute_snapshot(mart_rows(Source(nights)), AUDIT_FROM, AUDIT_TO,
                                criteria_version="1", as_of=dt.datetime(2022, 3, 2, 1, 10))
    for key, value in HAND_AUDIT_ORACLE.items():
        if key == "not_notified":
            assert {k: snapshot[key][k] for k in value} == value
        else:
            assert snapshot[key] == value, key


def test_the_next_night_matters_deletion_and_late_revision(nights):
    """With the initial night only, finding 6's child would be late_footprint (the
    note deleted the next night still counts); the revision of finding C's note is
    what the next night must not turn late."""
    fixture = hand_audit()
    initial = {r["notification_id"]: r["footprint_category"] for r in mart_rows(Source(nights[:1]))
               if r["notification_id"]}
    both = {r["notification_id"]: r["footprint_category"] for r in mart_rows(Source(nights))
            if r["notification_id"]}
    changed = {k for k in initial if initial[k] != both[k]}
    assert [(fixture.expected[k].finding, initial[k], both[k]) for k in changed] == [
        ("finding 6", "late_footprint", "no_footprint")
    ]


def test_keywords_and_due_times_read_plainly():
    assert not has_keyword("Phone call with Rhian (SW) about the CLA review")
    assert has_keyword("return-home interview booked") and has_keyword("RHI offered")
    assert not has_keyword("School reports YP was absent from school on Monday")
    assert has_keyword("absent from school, then absent overnight")
    # Sunday 2 January 2022, Monday 3 January a bank holiday: due by the end of Tuesday 4 January
    assert due_at(dt.datetime(2022, 1, 2, 10, 15)) == dt.datetime(2022, 1, 5)
    # Friday evening: due by the end of Monday; 23:59:59 is in time
    assert due_at(dt.datetime(2022, 2, 18, 21, 40)) == dt.datetime(2022, 2, 22)


# Each misreading of a rule, and the child of the fixture it must move (label: from -> to),
# or the child fact it must change. An implementation with one of these misreadings
# cannot produce the oracle.
MISREADINGS = [
    ("word_boundaries", False, {"E": ("contact_not_about_missing", "late_footprint")}, {}),
    ("exclusions", False, {"E": ("contact_not_about_missing", "timely_footprint")}, {}),
    ("links_decide", False, {"F": ("late_footprint", "timely_footprint")}, {}),
    ("bank_holidays", False, {"B": ("timely_footprint", "late_footprint")}, {}),
    ("time_field", "event", {"F": ("late_footprint", "timely_footprint")}, {}),
    ("first_version_time", False, {"C": ("timely_footprint", "late_footprint")}, {}),
    ("author_scope", "any_iro", {"K": ("discussed_with_child", "timely_footprint")}, {}),
    ("deletions", False, {"J": ("no_footprint", "late_footprint")}, {}),
    ("cancelled_reviews_count", True, {"J": ("no_footprint", "discussed_at_review")}, {}),
    ("activity_from_episode_start", False, {"J": ("no_footprint", "contact_not_about_missing")}, {}),
    ("step2", "precedence", {"K": ("discussed_with_child", "discussed_at_review")}, {}),
    ("step2", "child_order", {"H": ("discussed_at_review", "late_footprint"),
                              "K": ("discussed_with_child", "discussed_at_review")}, {}),
    ("child_seen", False, {"K": ("discussed_with_child", "late_footprint")}, {}),
    ("away_counted", False, {}, {"missing_episodes_prior_90d": {"min": 1, "max": 16}}),
    ("service_end_inclusive", False, {}, {"get_safe_open": 7}),
    ("whole_years", False, {}, {"age_at_notification": {"min": 12, "max": 18}}),
]


def _best_by_child(rows: list[dict]) -> dict[str, str]:
    labels = {c.person_id: c.label for c in hand_audit().children.values()}
    best: dict[str, str] = {}
    for r in rows:
        if r["notification_id"] and AUDIT_FROM <= r["notified_at"].date() <= AUDIT_TO and r["footprint_category"]:
            label, category = labels[r["child_key"]], r["footprint_category"]
            if label not in best or CATEGORIES.index(category) < CATEGORIES.index(best[label]):
                best[label] = category
    return best


@pytest.mark.parametrize(("rule", "value", "moves", "facts"), MISREADINGS,
                         ids=[f"{m[0]}={m[1]}" for m in MISREADINGS])
def test_each_misreading_moves_its_child(nights, rule, value, moves, facts):
    src = Source(nights)
    plain = _best_by_child(mart_rows(src))
    bent_rows = mart_rows(src, replace(PLAIN, **{rule: value}))
    bent = _best_by_child(bent_rows)
    assert {k: (plain[k], bent[k]) for k in plain if plain[k] != bent[k]} == moves
    snapshot = compute_snapshot(bent_rows, AUDIT_FROM, AUDIT_TO)
    changed = {k: snapshot[k] for k in ("age_at_notification", "get_safe_open", "missing_episodes_prior_90d")
               if snapshot[k] != HAND_AUDIT_ORACLE[k]}
    assert changed == facts
