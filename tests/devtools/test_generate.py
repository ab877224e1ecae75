"""The extract generator: contract, manifests, determinism, windows, realism, and the audit's patterns.

Everything is asserted on the written files, read back with the csv module as
a loader would. `la` with one year of history is the realistic sample (rates
are checked on it); `small` is used where only bytes matter.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from footprint.contract import FILES, FILES_BY_NAME, MANIFEST_NAME
from footprint.devtools.generate import generate
from footprint.devtools.generate.clock import wall_time_exists
from footprint.devtools.generate.writer import EXTRA_COLUMNS
from footprint.ingest.landing import read_manifest

START = dt.date(2022, 3, 1)
SPRING_FORWARD = dt.date(2022, 3, 27)

ISO_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")
UK_TS = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
UK_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")

# The audit's default keywords, as the spec states them (whole words, any case).
KEYWORDS = re.compile(
    r"\b(missing|absent|absconded|whereabouts unknown|return home interview|rhi|"
    r"missing intervention meeting|mim|missing report|philomena)\b",
    re.IGNORECASE,
)
EXCLUSIONS = re.compile(r"\b(absent from school|missing school|missed school|missing lessons)\b", re.IGNORECASE)


def about_missing(*texts: str) -> bool:
    return bool(KEYWORDS.search(EXCLUSIONS.sub(" ", " ".join(texts))))


@cache
def ts(value: str) -> dt.datetime | None:
    """A contract timestamp, strictly: one of its spellings and a real calendar moment."""
    if not value:
        return None
    m = ISO_TS.match(value)
    if m:
        y, mo, d, h, mi, s = m.groups()
    else:
        m = UK_TS.match(value)
        assert m, f"not a contract timestamp: {value!r}"
        d, mo, y, h, mi, s = m.groups()
    return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))


def date(value: str) -> dt.date | None:
    if not value:
        return None
    m = ISO_DATE.match(value)
    if m:
        y, mo, d = m.groups()
    else:
        m = UK_DATE.match(value)
        assert m, f"not a contract date: {value!r}"
        d, mo, y = m.groups()
    return dt.date(int(y), int(mo), int(d))


def age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class Extract:
    """A generated landing folder, read back."""

    def __init__(self, nights: list[Path]):
        self.nights = nights
        self.manifests = [read_manifest(n) for n in nights]
        self.now = self.manifests[-1].produced_at

    @cache  # noqa: B019 - the extract lives for the test module
    def header(self, night: int, name: str) -> list[str]:
        with open(self.nights[night] / name, encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh))

    @cache  # noqa: B019
    def rows(self, night: int, name: str) -> list[dict]:
        with open(self.nights[night] / name, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    @cache  # noqa: B019
    def versions(self, name: str) -> dict[str, list[tuple[dt.datetime, int, dict]]]:
        """id -> every version seen, oldest first (modified_at, then night)."""
        key = FILES_BY_NAME[name].key
        out = collections.defaultdict(list)
        for i in range(len(self.nights)):
            for row in self.rows(i, name):
                out[row[key]].append((ts(row["modified_at"]), i, row))
        for versions in out.values():
            versions.sort(key=lambda v: (v[0], v[1]))
        return dict(out)

    @cache  # noqa: B019
    def current(self, name: str) -> dict[str, dict]:
        """The latest version of each event row, deleted ones dropped (the spec's current records)."""
        return {k: v[-1][2] for k, v in self.versions(name).items() if v[-1][2]["is_deleted"] != "Y"}

    def snapshot(self, name: str) -> list[dict]:
        return self.rows(len(self.nights) - 1, name)

    @cache  # noqa: B019
    def professionals(self) -> dict[str, dict]:
        return {r["prof_professional_id"]: r for r in self.snapshot("ssd_professionals.csv")}

    @cache  # noqa: B019
    def persons(self) -> dict[str, dict]:
        return {r["pers_person_id"]: r for r in self.snapshot("ssd_person.csv")}

    @cache  # noqa: B019
    def allocations(self, role: str) -> dict[str, list[tuple[dt.datetime, dt.datetime | None, str]]]:
        out = collections.defaultdict(list)
        for r in self.snapshot("ssd_involvements.csv"):
            if r["invo_professional_role_id"] == role:
                out[r["invo_person_id"]].append(
                    (ts(r["invo_involvement_start_date"]), ts(r["invo_involvement_end_date"]), r["invo_professional_id"])
                )
        return out

    def allocated(self, role: str, child: str, at: dt.datetime) -> str | None:
        """The allocation covering `at`, ends included; the latest start wins (the spec's rule)."""
        covering = [a for a in self.allocations(role).get(child, []) if a[0] <= at and (a[1] is None or at <= a[1])]
        return max(covering)[2] if covering else None

    @cache  # noqa: B019
    def notes_by_child(self) -> dict[str, list[dict]]:
        out = collections.defaultdict(list)
        for nid, versions in self.versions("case_notes.csv").items():
            last = versions[-1][2]
            if last["is_deleted"] == "Y":
                continue
            created = ts(last["cano_created_date"])
            about_from = None  # when its words first make it about missing (a rewrite counts late)
            for modified, _, row in versions:
                if about_missing(row["cano_subject"], row["cano_text"]):
                    about_from = created if row is versions[0][2] else max(created, modified)
                    break
            out[last["cano_person_id"]].append({
                "id": nid, "author": last["cano_created_by_professional_id"], "type": last["cano_type_code"],
                "created": created, "link": last["cano_linked_missing_id"], "about_from": about_from,
                "seen": last["cano_child_seen"] == "Y", "text": last["cano_text"], "subject": last["cano_subject"],
            })
        return out

    @cache  # noqa: B019
    def categories(self) -> list[dict]:
        """The footprint category of every notification and unnotified episode (spec defaults)."""
        import holidays

        bank = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2031))

        def due_of(t: dt.datetime) -> dt.datetime:
            d = t.date() + dt.timedelta(days=1)
            while d.weekday() >= 5 or d in bank:
                d += dt.timedelta(days=1)
            return dt.datetime.combine(d + dt.timedelta(days=1), dt.time())

        episodes = self.current("ssd_missing.csv")
        reviews = collections.defaultdict(list)
        for r in self.current("ssd_cla_reviews.csv").values():
            if r["clar_cla_review_cancelled"] != "Y" and r["clar_cla_review_date"]:
                reviews[r["clar_cla_person_id"]].append(
                    (ts(r["clar_cla_review_date"]), r["clar_chair_professional_id"], about_missing(r["clar_review_summary"]))
                )
        units, notified = [], set()
        for n in self.current("missing_notifications.csv").values():
            if n["mino_missing_id"] in episodes:
                units.append((n["mino_notification_id"], episodes[n["mino_missing_id"]], ts(n["mino_sent_date"])))
                notified.add(n["mino_missing_id"])
        for eid, e in episodes.items():
            if eid not in notified:
                units.append((None, e, ts(e["miss_missing_episode_start_date"])))
        out = []
        for nid, e, t in units:
            child, eid = e["miss_person_id"], e["miss_table_id"]
            iro = self.allocated("IRO", child, t)
            due, horizon = due_of(t), t + dt.timedelta(days=28)
            start = ts(e["miss_missing_episode_start_date"])
            category = "no_footprint"
            mine = [n for n in self.notes_by_child().get(child, []) if n["author"] == iro and n["created"] <= self.now]

            def about(n, eid=eid):
                return (n["created"] if n["link"] == eid else None) if n["link"] else n["about_from"]

            if iro is not None:
                after = [(about(n), n) for n in mine if n["created"] >= t and about(n) is not None]
                if any(n["type"] == "IRO" and a < due for a, n in after):
                    category = "timely_footprint"
                else:
                    evidence = [(rt, 0, "discussed_at_review") for rt, chair, ab in reviews[child]
                                if chair == iro and ab and t <= rt <= min(horizon, self.now)]
                    evidence += [(a, 1, "discussed_with_child") if n["seen"] else (a, 2, "late_footprint")
                                 for a, n in after if a <= min(horizon, self.now)]
                    if evidence:
                        category = min(evidence)[2]
                    else:
                        since = max(start, t - dt.timedelta(days=7))
                        active = any(since <= n["created"] <= horizon for n in mine) or any(
                            chair == iro and since <= rt <= min(horizon, self.now) for rt, chair, _ in reviews[child]
                        )
                        category = "contact_not_about_missing" if active else "no_footprint"
                if category != "timely_footprint" and self.now < due:
                    category = "awaiting"
            out.append({"notification": nid, "episode": eid, "child": child, "at": t, "iro": iro,
                        "category": category, "final": self.now > horizon})
        return out


def _generate(tmp_path_factory, name, **kwargs) -> Extract:
    out = tmp_path_factory.mktemp(name)
    return Extract(generate(out, **kwargs))


@pytest.fixture(scope="module")
def la(tmp_path_factory) -> Extract:
    return _generate(tmp_path_factory, "la", preset="la", start=START, nights=2, history_years=1, seed=7)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Extract:
    return _generate(tmp_path_factory, "small", preset="small", start=START, nights=3, history_years=1, seed=3)


# --- layout and manifests -------------------------------------------------------------


def test_one_folder_per_night_with_exactly_the_contract_files(la, small):
    for extract, nights in ((la, 3), (small, 4)):
        assert [n.name for n in extract.nights] == [str(START + dt.timedelta(days=i)) for i in range(nights)]
        for night in extract.nights:
            assert sorted(p.name for p in night.iterdir()) == sorted([MANIFEST_NAME] + [f.name for f in FILES])
        assert [m.load_type for m in extract.manifests] == ["initial"] + ["nightly"] * (nights - 1)


def test_headers_have_the_contract_columns_and_only_the_intended_extras(la, small):
    seen_extra = collections.Counter()
    for extract in (la, small):
        for i in range(len(extract.nights)):
            for spec in FILES:
                header = extract.header(i, spec.name)
                assert len(header) == len(set(header)), f"duplicated column in {spec.name}"
                assert set(spec.column_names) <= set(header), f"{spec.name} lacks a contract column"
                extra = set(header) - set(spec.column_names)
                assert extra <= set(EXTRA_COLUMNS.get(spec.name, ())), f"unexpected columns {extra} in {spec.name}"
                if extra:
                    seen_extra[spec.name] += 1
                    with open(extract.nights[i] / spec.name, encoding="utf-8-sig", newline="") as fh:
                        assert all(len(row) == len(header) for row in csv.reader(fh))
    # The SSD's person file carries names and UPN in the initial load at least.
    assert seen_extra["ssd_person.csv"] >= 2
    assert set(la.header(0, "ssd_person.csv")) >= {"pers_forename", "pers_surname", "pers_upn"}


def test_manifest_agrees_with_the_files(la):
    for night, manifest in zip(la.nights, la.manifests, strict=True):
        raw = json.loads((night / MANIFEST_NAME).read_text(encoding="utf-8"))
        assert raw["extract_date"] == night.name and raw["source_system"]
        assert set(manifest.files) == {f.name for f in FILES}
        for name, entry in manifest.files.items():
            with open(night / name, encoding="utf-8-sig", newline="") as fh:
                records = sum(1 for _ in csv.reader(fh)) - 1
            assert entry["rows"] == records, name
            assert entry["sha256"] == hashlib.sha256((night / name).read_bytes()).hexdigest(), name
        # a little after 01:00 on the extract date (after 02:00 when 01:xx does not exist)
        produced = manifest.produced_at
        assert produced.date() == manifest.extract_date
        assert dt.time(1, 0) <= produced.time() <= dt.time(2, 30)
    # free text spans lines, so physical lines and records differ
    notes = la.nights[0] / "case_notes.csv"
    assert notes.read_bytes().count(b"\n") > la.manifests[0].files["case_notes.csv"]["rows"] + 1


def _bytes(nights: list[Path]) -> dict[tuple[str, str], bytes]:
    return {(n.name, p.name): p.read_bytes() for n in nights for p in sorted(n.iterdir())}


def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    # through the command line, in a process with another string-hash seed
    command = [sys.executable, "-m", "footprint.cli", "generate", "--out", str(tmp_path / "again"),
               "--preset", "small", "--start", START.isoformat(), "--nights", "3", "--history-years", "1",
               "--seed", "3"]
    done = subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": "4321"}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "initial" in done.stdout and "nightly" in done.stdout
    again = sorted((tmp_path / "again").iterdir())
    assert _bytes(again) == _bytes(small.nights)
    # rewriting a landing folder over a damaged one restores it
    (again[0] / "case_notes.csv").write_text("garbage")
    (again[0] / MANIFEST_NAME).unlink()
    generate(tmp_path / "again", "small", START, nights=3, history_years=1, seed=3)
    assert _bytes(again) == _bytes(small.nights)
    assert not list(again[0].glob("*.tmp"))
    other = generate(tmp_path / "other", "small", START, nights=0, history_years=1, seed=4)
    assert (other[0] / "case_notes.csv").read_bytes() != (small.nights[0] / "case_notes.csv").read_bytes()


def test_some_files_start_with_a_byte_order_mark(la, small):
    for extract in (la, small):
        starts = []
        for night in extract.nights:
            for spec in FILES:
                with open(night / spec.name, "rb") as fh:
                    starts.append(fh.read(3))
        assert b"\xef\xbb\xbf" in starts
        assert any(s != b"\xef\xbb\xbf" for s in starts)


# --- history and windows ----------------------------------------------------------


def test_initial_load_spans_the_history(la):
    notes = la.rows(0, "case_notes.csv")
    created = [ts(r["cano_created_date"]) for r in notes]
    history_start = dt.datetime(START.year - 1, START.month, START.day)
    assert min(created) >= history_start
    assert min(created) < history_start + dt.timedelta(days=3)
    assert max(created) <= la.manifests[0].produced_at
    episodes = [ts(r["miss_missing_episode_start_date"]) for r in la.rows(0, "ssd_missing.csv")]
    assert min(episodes) < history_start + dt.timedelta(days=30)
    # the initial load is far larger than a nightly one
    for name in ("case_notes.csv", "ssd_missing.csv", "ssd_cla_reviews.csv"):
        assert la.manifests[0].files[name]["rows"] > 10 * la.manifests[1].files[name]["rows"]


def test_nightly_event_files_carry_the_14_day_window(la):
    for i in range(1, len(la.nights)):
        manifest = la.manifests[i]
        window = dt.datetime.combine(manifest.extract_date - dt.timedelta(days=14), dt.time())
        for spec in FILES:
            if spec.load_kind != "event":
                continue
            modified = [ts(r["modified_at"]) for r in la.rows(i, spec.name)]
            assert modified, spec.name
            assert all(window <= m <= manifest.produced_at for m in modified), spec.name
            if spec.name == "case_notes.csv":  # plenty of rows: the window is filled from its first day
                assert min(modified) < window + dt.timedelta(days=1), "case notes do not reach back 14 days"
        # snapshots are whole: every child every night
        assert len(la.rows(i, "ssd_person.csv")) >= len(la.rows(i - 1, "ssd_person.csv"))


def test_overlapping_windows_repeat_rows_and_carry_corrections_and_deletions(la):
    for name in ("case_notes.csv", "ssd_missing.csv", "ssd_cla_reviews.csv"):
        key = FILES_BY_NAME[name].key
        one = {r[key] for r in la.rows(1, name)}
        two = {r[key] for r in la.rows(2, name)}
        assert len(one & two) > len(two) / 2, f"{name}: consecutive windows should overlap"
    corrected = deleted = 0
    for name in ("case_notes.csv", "ssd_missing.csv", "ssd_cla_reviews.csv", "missing_notifications.csv"):
        for versions in la.versions(name).values():
            nights = {night for _, night, _ in versions}
            stamps = sorted({m for m, _, _ in versions})
            if len(stamps) > 1 and max(nights) > 0 and len(nights) > 1:
                corrected += 1  # same id, later modified_at, in a later night
            if versions[-1][2]["is_deleted"] == "Y" and versions[-1][1] > 0:
                deleted += 1
                # a deletion is the row once more, flagged
                assert any(v[2]["is_deleted"] == "N" for v in versions) or versions[-1][1] > 0
    assert corrected >= 10
    assert deleted >= 1
    # a later night never carries an older version of a row (to the minute: a night
    # spelling times as DD/MM/YYYY HH:MM drops the seconds of the same version)
    for name in ("case_notes.csv", "ssd_missing.csv", "ssd_cla_reviews.csv", "missing_notifications.csv"):
        for versions in la.versions(name).values():
            minutes = [v[0].replace(second=0) for v in sorted(versions, key=lambda v: v[1])]
            assert minutes == sorted(minutes), name
    # the deleted rows of a nightly night were there before, undeleted
    nightly_deleted = [r for i in (1, 2) for r in la.rows(i, "case_notes.csv") if r["is_deleted"] == "Y"]
    assert nightly_deleted
    versions = la.versions("case_notes.csv")
    assert any(any(v[2]["is_deleted"] == "N" for v in versions[r["cano_casenote_id"]]) for r in nightly_deleted)


# --- format ------------------------------------------------------------------------


def test_every_value_is_in_a_contract_form_and_uk_dates_and_t_appear(la):
    spellings = collections.Counter()
    for i in range(len(la.nights)):
        for spec in FILES:
            header = la.header(i, spec.name)
            temporal = [c for c in spec.columns if c.kind in ("date", "timestamp")]
            for row in la.rows(i, spec.name):
                for col in temporal:
                    value = row[col.name]
                    if not value:
                        continue
                    (ts if col.kind == "timestamp" else date)(value)
                    spellings["uk" if "/" in value else "t" if "T" in value else "iso"] += 1
                for col in spec.columns:
                    if col.allowed and row[col.name]:
                        assert row[col.name] in col.allowed, (spec.name, col.name, row[col.name])
                    if col.required:
                        assert row[col.name], (spec.name, col.name)
            assert header
    assert spellings["uk"] and spellings["t"] and spellings["iso"]
    # per night at least one file in UK dates
    for i in range(len(la.nights)):
        assert any(
            "/" in next((r[c.name] for r in la.rows(i, s.name) if r[c.name]), "")
            for s in FILES for c in s.columns if c.kind == "timestamp"
        )


def test_identifiers_are_strings_some_with_leading_zeros(la):
    persons = la.persons()
    assert all(p.startswith("0") for p in persons)
    assert any(n.startswith("0") for n in la.current("missing_notifications.csv"))
    assert any(p.startswith("0") for p in la.professionals())
    for spec in FILES:
        ids = [r[spec.key] for r in la.rows(0, spec.name)]
        assert len(ids) == len(set(ids)), f"{spec.name}: id repeated within a night"


def test_free_text_has_commas_quotes_newlines_and_non_ascii(la):
    texts = [r["cano_text"] for r in la.rows(0, "case_notes.csv")]
    assert any("," in t for t in texts)
    assert any('"' in t for t in texts)
    assert any("\n" in t for t in texts)
    assert any("’" in t for t in texts)
    names = " ".join(r["prof_professional_name"] for r in la.snapshot("ssd_professionals.csv"))
    names += " ".join(r.get("pers_forename", "") for r in la.rows(0, "ssd_person.csv"))
    assert re.search(r"[éâêîôûŷŵïë]", names + " ".join(texts))


def test_no_wall_clock_time_that_does_not_exist_in_london(tmp_path):
    # The spring-forward night itself: 01:xx does not exist, so produced_at moves past it.
    extract = Extract(generate(tmp_path, "small", SPRING_FORWARD, nights=1, history_years=1, seed=2))
    assert extract.manifests[0].produced_at.hour == 2
    checked = on_clock_change_day = 0
    for i in range(len(extract.nights)):
        for spec in FILES:
            for col in spec.columns:
                if col.kind != "timestamp":
                    continue
                for row in extract.rows(i, spec.name):
                    value = ts(row[col.name])
                    if value is None:
                        continue
                    checked += 1
                    assert wall_time_exists(value), (spec.name, col.name, row[col.name])
                    if value.date() in (SPRING_FORWARD, dt.date(2021, 3, 28)):
                        on_clock_change_day += 1
    assert checked > 10_000 and on_clock_change_day > 0


# --- plausibility (what the quality gate checks) ---------------------------------------


def test_values_are_plausible_and_references_resolve(la):
    persons, professionals = la.persons(), la.professionals()
    known_episodes: set[str] = set()
    for i, manifest in enumerate(la.manifests):
        now = manifest.produced_at
        night_persons = {r["pers_person_id"]: r for r in la.rows(i, "ssd_person.csv")}
        for spec in FILES:
            for row in la.rows(i, spec.name):
                for col in spec.columns:
                    if col.name == "clar_cla_review_due_date":
                        continue  # due dates are naturally in the future
                    if col.kind == "timestamp" and row[col.name]:
                        assert ts(row[col.name]) <= now, (spec.name, col.name)
                    if col.kind == "date" and row[col.name]:
                        assert date(row[col.name]) <= now.date(), (spec.name, col.name)
        episodes = {r["miss_table_id"]: r for r in la.rows(i, "ssd_missing.csv")}
        known_episodes |= set(episodes)
        for e in episodes.values():
            start, end = ts(e["miss_missing_episode_start_date"]), ts(e["miss_missing_episode_end_date"])
            assert end is None or end >= start
            child = night_persons[e["miss_person_id"]]
            dob = date(child["pers_dob"])
            assert dob < start.date() and age(dob, start.date()) < 18
            # only children looked after at the start: a social worker is allocated
            assert la.allocated("Social Worker", e["miss_person_id"], start)
        current_start = {k: ts(v["miss_missing_episode_start_date"]) for k, v in la.current("ssd_missing.csv").items()}
        for n in la.rows(i, "missing_notifications.csv"):
            assert n["mino_missing_id"] in known_episodes
            assert ts(n["mino_sent_date"]) >= current_start.get(n["mino_missing_id"], dt.datetime.min)
            assert n["mino_person_id"] in night_persons
            assert professionals[n["mino_sent_by_professional_id"]]["prof_professional_job_title"] == "Group Manager"
        for n in la.rows(i, "case_notes.csv"):
            assert n["cano_person_id"] in night_persons and n["cano_created_by_professional_id"] in professionals
            assert ts(n["cano_created_date"]) >= ts(n["cano_event_date"])
        for r in la.rows(i, "ssd_involvements.csv"):
            assert r["invo_professional_id"] in professionals and r["invo_person_id"] in night_persons
            end = ts(r["invo_involvement_end_date"])
            assert end is None or end >= ts(r["invo_involvement_start_date"])
        for r in la.rows(i, "service_involvements.csv"):
            end = date(r["serv_end_date"])
            assert end is None or end >= date(r["serv_start_date"])
    assert {p["pers_sex"] for p in persons.values()} <= {"M", "F", "U"}
    assert any(not p["pers_ethnicity"] for p in persons.values())
    assert all(re.fullmatch(r"[A-Z]{4}|", p["pers_ethnicity"]) for p in persons.values())
    rhi = collections.Counter(e["miss_missing_rhi_offered"] for e in la.current("ssd_missing.csv").values())
    assert set(rhi) == {"Y", "N", "NA", ""}


# --- realism ---------------------------------------------------------------------------


def test_rates_are_realistic(la):
    year_start = dt.datetime.combine(START - dt.timedelta(days=365), dt.time())
    year_end = dt.datetime.combine(START, dt.time())
    looked_after = {
        child for child, spans in la.allocations("Social Worker").items()
        if any(s <= year_end and (e is None or e >= year_start) for s, e, _ in spans)
    }
    assert 600 <= len(looked_after) <= 900  # la: about 750 a year
    episodes = [e for e in la.current("ssd_missing.csv").values()
                if year_start <= ts(e["miss_missing_episode_start_date"]) < year_end]
    per_child = collections.Counter(e["miss_person_id"] for e in episodes)
    assert 0.08 <= len(per_child) / len(looked_after) <= 0.15  # about 11% go missing
    assert 5.0 <= len(episodes) / len(per_child) <= 9.0  # about 6.8 incidents each
    assert 400 <= len(episodes) <= 800  # la: about 570 a year
    assert max(per_child.values()) >= 20  # some children go missing very often
    persons = la.persons()
    ages = collections.Counter(
        age(date(persons[e["miss_person_id"]]["pers_dob"]), ts(e["miss_missing_episode_start_date"]).date())
        for e in episodes
    )
    assert sum(n for a, n in ages.items() if 13 <= a <= 17) / len(episodes) >= 0.75
    assert ages[11] + ages[12] > 0 and sum(n for a, n in ages.items() if a < 10) == 0
    types = collections.Counter(e["miss_missing_episode_type"] for e in episodes)
    assert types["Missing"] > 3 * types["Away"] > 0
    notes = [n for n in la.current("case_notes.csv").values() if year_start <= ts(n["cano_created_date"]) < year_end]
    assert 45 <= len(notes) / len(looked_after) <= 75  # about 60 case notes a child a year
    assert {"IRO", "STVL", "HVIS", "DRCT"} <= {n["cano_type_code"] for n in notes}
    iro_desc = {n["cano_type_desc"] for n in notes if n["cano_type_code"] == "IRO"}
    assert iro_desc == {"IRO Discussion/Monitoring"}
    # caseloads on the extract date: 50-80 children per IRO
    loads = collections.Counter(
        iro for spans in la.allocations("IRO").values() for s, e, iro in spans if s <= year_end and (e is None or e >= year_end)
    )
    assert 50 <= statistics.median(loads.values()) <= 80
    titles = collections.Counter(p["prof_professional_job_title"] for p in la.professionals().values())
    assert titles["Independent Reviewing Officer"] == len(loads)
    assert titles["Social Worker"] and titles["Group Manager"]
    # reallocations between IROs happen
    assert sum(1 for spans in la.allocations("IRO").values() if len({p for _, _, p in spans}) > 1) >= 20


def test_notifications_come_minutes_to_days_after_a_few_never(la):
    episodes = la.current("ssd_missing.csv")
    delays = []
    notified = collections.Counter()
    for n in la.current("missing_notifications.csv").values():
        e = episodes[n["mino_missing_id"]]
        delays.append(ts(n["mino_sent_date"]) - ts(e["miss_missing_episode_start_date"]))
        notified[n["mino_missing_id"]] += 1
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    assert sum(d < hour for d in delays) > 0.15 * len(delays)
    assert sum(d > day for d in delays) > 0.1 * len(delays)
    never = set(episodes) - set(notified)
    assert 0.01 <= len(never) / len(episodes) <= 0.1
    # a child missing for months: the episode is still open and is notified again
    open_long = [eid for eid, e in episodes.items() if not e["miss_missing_episode_end_date"]
                 and la.now - ts(e["miss_missing_episode_start_date"]) > dt.timedelta(days=90)]
    assert open_long and max(notified[e] for e in open_long) >= 3


def test_footprint_categories_mix_at_realistic_proportions(la):
    rows = [r for r in la.categories() if r["notification"] is not None]
    counts = collections.Counter(r["category"] for r in rows if r["category"] != "awaiting")
    total = sum(counts.values())
    assert 0.35 <= counts["timely_footprint"] / total <= 0.65
    for category in ("late_footprint", "discussed_at_review", "discussed_with_child",
                     "contact_not_about_missing", "no_footprint"):
        assert counts[category] >= 3, category
    # the latest nights still wait for footprints
    assert any(r["category"] == "awaiting" for r in la.categories())
    # not notified episodes get a category too
    assert any(r["notification"] is None for r in la.categories())


def test_get_safe_is_open_for_many_children_who_go_missing(la):
    services = la.snapshot("service_involvements.csv")
    missing_children = {e["miss_person_id"] for e in la.current("ssd_missing.csv").values()}
    get_safe = {s["serv_person_id"] for s in services if s["serv_service_name"] == "Get Safe"}
    assert 0.5 <= len(missing_children & get_safe) / len(missing_children) <= 0.9
    assert len({s["serv_service_name"] for s in services}) >= 5


# --- the audit's findings and the distractors ------------------------------------------


@pytest.fixture(scope="module")
def iro_notes(la) -> list[dict]:
    iros = {p for p, r in la.professionals().items() if r["prof_professional_job_title"] == "Independent Reviewing Officer"}
    return [dict(n, child=child) for child, notes in la.notes_by_child().items() for n in notes if n["author"] in iros]


def test_every_finding_of_the_hand_audit_occurs(la, iro_notes):
    cats = la.categories()
    by_category = collections.Counter(r["category"] for r in cats if r["final"])
    # timely footprints (the four clear ones, and finding 3), and findings 1/5, 2, 4, 6, 7
    for category in ("timely_footprint", "contact_not_about_missing", "late_footprint",
                     "discussed_at_review", "no_footprint", "discussed_with_child"):
        assert by_category[category] > 0, category
    episodes = la.current("ssd_missing.csv")
    notifications = list(la.current("missing_notifications.csv").values())
    # finding 3: missing for months, still open, re-notified, IRO footprints each time
    long_ones = [e for e in episodes.values() if not e["miss_missing_episode_end_date"]
                 and la.now - ts(e["miss_missing_episode_start_date"]) > dt.timedelta(days=150)]
    assert long_ones
    long_ids = {e["miss_table_id"] for e in long_ones}
    assert any(r["category"] == "timely_footprint" for r in cats if r["episode"] in long_ids)
    assert any("virtual" in (r["clar_review_summary"] or "").lower() for r in la.current("ssd_cla_reviews.csv").values())
    # finding 5: the IRO talked to the SW after the episode began, before a notification days late
    found5 = False
    for n in notifications:
        e = episodes[n["mino_missing_id"]]
        start, sent = ts(e["miss_missing_episode_start_date"]), ts(n["mino_sent_date"])
        if sent - start >= dt.timedelta(days=2):
            iro = la.allocated("IRO", e["miss_person_id"], sent)
            found5 |= any(x["author"] == iro and start < x["created"] < sent and x["about_from"] is None
                          for x in la.notes_by_child()[e["miss_person_id"]])
    assert found5
    # finding 7: the IRO saw the young person about two weeks later
    assert any(n["seen"] and n["about_from"] for n in iro_notes)


def test_distractors_occur(la, iro_notes):
    # "Rhian" is a name, not a return home interview
    rhian = [n for n in iro_notes if re.search(r"\bRhian\b", n["text"]) and not about_missing(n["subject"], n["text"])]
    assert rhian
    assert any(r["prof_professional_name"].startswith("Rhian ") for r in la.professionals().values())
    # "absent from school" alone is not about a missing episode
    assert any("absent from school" in n["text"] and not about_missing(n["subject"], n["text"]) for n in iro_notes)
    # a cover IRO: a footprint by an IRO not allocated to the child at the time
    assert any(n["type"] == "IRO" and n["about_from"] and la.allocated("IRO", n["child"], n["created"]) != n["author"]
               for n in iro_notes)
    # a note linked to another episode than the one just notified
    episodes = la.current("ssd_missing.csv")
    sent_by_child = collections.defaultdict(list)
    for n in la.current("missing_notifications.csv").values():
        sent_by_child[n["mino_person_id"]].append((ts(n["mino_sent_date"]), n["mino_missing_id"]))
    assert any(
        n["link"] and any(eid != n["link"] and sent <= n["created"] <= sent + dt.timedelta(days=1)
                          and ts(episodes[eid]["miss_missing_episode_start_date"])
                          > ts(episodes[n["link"]]["miss_missing_episode_start_date"])
                          for sent, eid in sent_by_child[n["child"]] if eid in episodes)
        for n in iro_notes if n["link"] in episodes
    )
    # a linked footprint without any keyword
    assert any(n["link"] and not about_missing(n["subject"], n["text"]) for n in iro_notes)
    # a note rewritten later to mention the episode
    assert any(n["about_from"] and n["about_from"] - n["created"] > dt.timedelta(days=3) for n in iro_notes)
    # a deleted footprint
    deleted = [v[-1][2] for v in la.versions("case_notes.csv").values() if v[-1][2]["is_deleted"] == "Y"]
    assert any(r["cano_type_code"] == "IRO" and about_missing(r["cano_subject"], r["cano_text"]) for r in deleted)
    # the social worker's keyword notes are not the IRO's
    assert any(n["author"] not in {x["author"] for x in iro_notes} and n["about_from"]
               for notes in la.notes_by_child().values() for n in notes)


def test_cla_reviews_are_chaired_by_iros_some_cancelled_some_due_in_the_future(la):
    reviews = list(la.current("ssd_cla_reviews.csv").values())
    professionals = la.professionals()
    chairs = {r["clar_chair_professional_id"] for r in reviews if r["clar_chair_professional_id"]}
    assert {professionals[c]["prof_professional_job_title"] for c in chairs} == {"Independent Reviewing Officer"}
    assert any(r["clar_cla_review_cancelled"] == "Y" for r in reviews)
    assert any(date(r["clar_cla_review_due_date"]) > la.now.date() for r in reviews)
    held = [r for r in reviews if r["clar_cla_review_date"] and r["clar_cla_review_cancelled"] == "N"]
    about = sum(about_missing(r["clar_review_summary"]) for r in held)
    assert 0 < about < len(held)


def test_arguments_are_checked(tmp_path):
    from footprint.errors import FootprintError

    for kwargs in ({"preset": "county"}, {"history_years": 0}, {"nights": -1}):
        with pytest.raises(FootprintError):
            generate(tmp_path, **{"preset": "small", "start": START, **kwargs})
    assert not list(tmp_path.iterdir())
