"""Generated nights as rows to break, and the catalogue of bad inputs built from them.

Shared by tests/test_quality.py (the gate on its own) and
tests/test_write_audit_publish.py (the same inputs through the whole night).
A case is a function that mutates a `Night` read from a generated folder in
place; CATALOGUE maps each case's name to (mutation, file, column, check): the
finding the quality gate must report with severity error. WARNINGS does the
same for problems the default configuration only warns about.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from footprint.contract import DATE_FORMATS, FILES, FILES_BY_TABLE, TIMESTAMP_FORMATS

# --- a generated night, as rows we can break ------------------------------------------------

@dataclass
class Night:
    date: dt.date
    produced_at: dt.datetime
    source_system: str
    headers: dict[str, list[str]]  # table -> the file's header (extra SSD columns included)
    rows: dict[str, list[dict]]  # table -> records
    load_type: str = "nightly"


def read_night(folder: Path) -> Night:
    from footprint.ingest.landing import read_manifest

    manifest = read_manifest(folder)
    headers, rows = {}, {}
    for spec in FILES:
        with open(folder / spec.name, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows[spec.table] = list(reader)
            headers[spec.table] = list(reader.fieldnames)
    return Night(manifest.extract_date, manifest.produced_at, manifest.source_system, headers, rows,
                 manifest.load_type)


def write_night_folder(night: Night, landing: Path) -> Path:
    from footprint.ingest.landing import write_csv, write_manifest

    folder = landing / night.date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for spec in FILES:
        header = night.headers[spec.table]
        counts[spec.name] = write_csv(
            folder / spec.name, header, ([r.get(c, "") for c in header] for r in night.rows[spec.table])
        )
    write_manifest(folder, night.date, night.produced_at, night.load_type, counts, night.source_system)
    return folder


def plant_secrets(night: Night) -> None:
    """Make every sensitive value unmistakable: a leak anywhere shows as 'SECRET-'."""
    for spec in FILES:
        extra = [c for c in night.headers[spec.table] if c not in spec.column_names]
        for row in night.rows[spec.table]:
            for col in spec.sensitive_columns:
                if FILES_BY_TABLE[spec.table].column(col).kind == "text":
                    row[col] = f"SECRET-{col}-{row[spec.key]} " + row[col]
            for col in extra:  # names, UPN of a full SSD extract: never loaded at all
                row[col] = f"SECRET-{col}-{row[spec.key]}"


def sensitive_values(night: Night) -> set[str]:
    out = set()
    for spec in FILES:
        cols = set(spec.sensitive_columns) | {c for c in night.headers[spec.table] if c not in spec.column_names}
        for row in night.rows[spec.table]:
            out |= {row[c] for c in cols if row.get(c)}
    return out


def parse_any(value: str) -> dt.datetime:
    for fmt in TIMESTAMP_FORMATS + DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(value)


def iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")



# --- the catalogue of bad inputs: each breaks one thing ------------------------------------------

def nth(n: Night, table: str, index: int) -> dict:
    rows = n.rows[table]
    return rows[index % len(rows)]


def episode(n: Night, episode_id: str) -> dict:
    return next(e for e in n.rows["ssd_missing"] if e["miss_table_id"] == episode_id)


def person(n: Night, person_id: str) -> dict:
    return next(p for p in n.rows["ssd_person"] if p["pers_person_id"] == person_id)


def notification_with_episode(n: Night) -> tuple[dict, dict]:
    """A notification whose episode is in the same night (so its start is known)."""
    here = {e["miss_table_id"]: e for e in n.rows["ssd_missing"]}
    notice = next(m for m in n.rows["missing_notifications"] if m["mino_missing_id"] in here)
    return notice, here[notice["mino_missing_id"]]


def closed_episode(n: Night) -> dict:
    return next(e for e in n.rows["ssd_missing"] if e["miss_missing_episode_end_date"])


def dup_note_id(n):
    nth(n, "case_notes", 7)["cano_casenote_id"] = nth(n, "case_notes", 3)["cano_casenote_id"]


def empty_person_id(n):
    nth(n, "ssd_person", -1)["pers_person_id"] = ""


def unparseable_start(n):
    nth(n, "ssd_missing", 0)["miss_missing_episode_start_date"] = "yesterday evening"


def impossible_event_date(n):
    nth(n, "case_notes", 2)["cano_event_date"] = "31/02/2022 10:00"


def impossible_dob(n):
    nth(n, "ssd_person", 4)["pers_dob"] = "31/02/2009"


def impossible_time(n):
    nth(n, "missing_notifications", 1)["mino_sent_date"] = "2022-02-27 25:30"


def us_date_form(n):
    nth(n, "ssd_involvements", 6)["invo_involvement_start_date"] = "06/13/2021 09:00"


def time_in_date_column(n):
    nth(n, "service_involvements", 2)["serv_start_date"] = "2021-09-03 10:00"


def empty_modified_at(n):
    nth(n, "case_notes", 5)["modified_at"] = ""


def placeholder_date(n):
    nth(n, "ssd_cla_reviews", 2)["clar_cla_review_date"] = "1899-12-30 00:00"


def unknown_sex(n):
    nth(n, "ssd_person", 8)["pers_sex"] = "X"


def unknown_episode_type(n):
    nth(n, "ssd_missing", 1)["miss_missing_episode_type"] = "Absent"


def deleted_yes(n):
    nth(n, "ssd_cla_reviews", 1)["is_deleted"] = "Yes"


def rhi_maybe(n):
    nth(n, "ssd_missing", 2)["miss_missing_rhi_offered"] = "Maybe"


def child_seen_lowercase(n):
    nth(n, "case_notes", 9)["cano_child_seen"] = "y"


def episode_ends_before_start(n):
    ep = closed_episode(n)
    ep["miss_missing_episode_end_date"] = iso(parse_any(ep["miss_missing_episode_start_date"]) - dt.timedelta(hours=1))


def note_after_produced_at(n):
    nth(n, "case_notes", 4)["cano_created_date"] = iso(n.produced_at + dt.timedelta(hours=2))


def episode_in_future(n):
    ep = nth(n, "ssd_missing", 1)
    ep["miss_missing_episode_start_date"] = iso(n.produced_at + dt.timedelta(days=1))
    ep["miss_missing_episode_end_date"] = ""


def child_aged_25(n):
    person(n, nth(n, "ssd_missing", 0)["miss_person_id"])["pers_dob"] = "14/01/1997"


def child_born_after_episode(n):
    ep = closed_episode(n)
    start = parse_any(ep["miss_missing_episode_start_date"])
    person(n, ep["miss_person_id"])["pers_dob"] = (start + dt.timedelta(days=2)).strftime("%Y-%m-%d")
    # A birth date after the episode but not after the extract.
    assert start + dt.timedelta(days=2) < n.produced_at


def notification_before_episode(n):
    notice, ep = notification_with_episode(n)
    notice["mino_sent_date"] = iso(parse_any(ep["miss_missing_episode_start_date"]) - dt.timedelta(days=2))


def allocation_ends_before_start(n):
    row = nth(n, "ssd_involvements", 3)
    row["invo_involvement_end_date"] = iso(parse_any(row["invo_involvement_start_date"]) - dt.timedelta(days=30))


def service_ends_before_start(n):
    row = nth(n, "service_involvements", 1)
    row["serv_end_date"] = (parse_any(row["serv_start_date"]) - dt.timedelta(days=1)).strftime("%d/%m/%Y")


def dob_in_future(n):
    nth(n, "ssd_person", 40)["pers_dob"] = (n.produced_at + dt.timedelta(days=400)).strftime("%Y-%m-%d")


def notification_unknown_episode(n):
    nth(n, "missing_notifications", 2)["mino_missing_id"] = "99999990"


def note_unknown_worker(n):
    nth(n, "case_notes", 6)["cano_created_by_professional_id"] = "99999"


def note_unknown_child(n):
    nth(n, "case_notes", 8)["cano_person_id"] = "9999999"


def episode_unknown_child(n):
    nth(n, "ssd_missing", 2)["miss_person_id"] = "9999998"


def allocation_unknown_worker(n):
    nth(n, "ssd_involvements", 10)["invo_professional_id"] = "99998"


def notification_unknown_child(n):
    nth(n, "missing_notifications", 3)["mino_person_id"] = "9999997"


def empty_case_notes(n):
    n.rows["case_notes"] = []


def ten_times_case_notes(n):
    notes = n.rows["case_notes"]
    n.rows["case_notes"] = [{**r, "cano_casenote_id": f"{r['cano_casenote_id']}-{k}"} for k in range(10) for r in notes]


def truncated_allocations(n):
    n.rows["ssd_involvements"] = n.rows["ssd_involvements"][:20]


# name -> (mutation, file, column, check): each must reject the night with that finding.
CATALOGUE = {
    # format / parse
    "duplicated id": (dup_note_id, "case_notes.csv", "cano_casenote_id", "unique"),
    "empty id": (empty_person_id, "ssd_person.csv", "pers_person_id", "required"),
    "unparseable date": (unparseable_start, "ssd_missing.csv", "miss_missing_episode_start_date", "date_format"),
    "impossible date 31/02/2022": (impossible_event_date, "case_notes.csv", "cano_event_date", "date_format"),
    "impossible date of birth": (impossible_dob, "ssd_person.csv", "pers_dob", "date_format"),
    "impossible time 25:30": (impossible_time, "missing_notifications.csv", "mino_sent_date", "date_format"),
    "US date form": (us_date_form, "ssd_involvements.csv", "invo_involvement_start_date", "date_format"),
    "time in a date column": (time_in_date_column, "service_involvements.csv", "serv_start_date", "date_format"),
    "placeholder date 1899-12-30": (placeholder_date, "ssd_cla_reviews.csv", "clar_cla_review_date", "date_format"),
    "empty required timestamp": (empty_modified_at, "case_notes.csv", "modified_at", "required"),
    # enumeration
    "unknown sex code": (unknown_sex, "ssd_person.csv", "pers_sex", "enumeration"),
    "unknown episode type": (unknown_episode_type, "ssd_missing.csv", "miss_missing_episode_type", "enumeration"),
    "flag Yes": (deleted_yes, "ssd_cla_reviews.csv", "is_deleted", "enumeration"),
    "rhi Maybe": (rhi_maybe, "ssd_missing.csv", "miss_missing_rhi_offered", "enumeration"),
    "lower-case flag": (child_seen_lowercase, "case_notes.csv", "cano_child_seen", "enumeration"),
    # plausibility
    "episode ends before it starts": (
        episode_ends_before_start, "ssd_missing.csv", "miss_missing_episode_end_date", "end_not_before_start"),
    "note entered after produced_at": (
        note_after_produced_at, "case_notes.csv", "cano_created_date", "not_after_produced_at"),
    "episode starts after produced_at": (
        episode_in_future, "ssd_missing.csv", "miss_missing_episode_start_date", "not_after_produced_at"),
    "child aged 25 at an episode": (
        child_aged_25, "ssd_missing.csv", "miss_missing_episode_start_date", "under_18_at_episode"),
    "child born after the episode": (
        child_born_after_episode, "ssd_missing.csv", "miss_missing_episode_start_date", "born_before_episode"),
    "notification before its episode": (
        notification_before_episode, "missing_notifications.csv", "mino_sent_date",
        "notification_not_before_episode"),
    "allocation ends before it starts": (
        allocation_ends_before_start, "ssd_involvements.csv", "invo_involvement_end_date", "end_not_before_start"),
    "service ends before it starts": (
        service_ends_before_start, "service_involvements.csv", "serv_end_date", "end_not_before_start"),
    "date of birth in the future": (dob_in_future, "ssd_person.csv", "pers_dob", "not_after_produced_at"),
    # reference
    "notification for an unknown episode": (
        notification_unknown_episode, "missing_notifications.csv", "mino_missing_id", "reference"),
    "note by an unknown worker": (
        note_unknown_worker, "case_notes.csv", "cano_created_by_professional_id", "reference"),
    "note about an unknown child": (note_unknown_child, "case_notes.csv", "cano_person_id", "reference"),
    "episode of an unknown child": (episode_unknown_child, "ssd_missing.csv", "miss_person_id", "reference"),
    "allocation to an unknown worker": (
        allocation_unknown_worker, "ssd_involvements.csv", "invo_professional_id", "reference"),
    "notification for an unknown child": (
        notification_unknown_child, "missing_notifications.csv", "mino_person_id", "reference"),
    # volume
    "empty case-notes file": (empty_case_notes, "case_notes.csv", None, "volume"),
    "ten times the usual case notes": (ten_times_case_notes, "case_notes.csv", None, "volume"),
    "allocations snapshot truncated": (truncated_allocations, "ssd_involvements.csv", None, "volume"),
}


# --- problems the gate only warns about ---------------------------------------------------------

def note_linked_to_unknown_episode(n):
    nth(n, "case_notes", 0)["cano_linked_missing_id"] = "99999991"


def note_typed_days_ahead(n):
    note = nth(n, "case_notes", 11)
    note["cano_event_date"] = iso(n.produced_at - dt.timedelta(hours=12))
    note["cano_created_date"] = iso(n.produced_at - dt.timedelta(days=3))


def notification_child_differs(n):
    notice, _ = notification_with_episode(n)
    notice["mino_person_id"] = next(
        p["pers_person_id"] for p in n.rows["ssd_person"] if p["pers_person_id"] != notice["mino_person_id"]
    )


def episodes_overlap(n):
    """The child goes missing again while an episode is still running: SSDA903 rule 574."""
    ep = closed_episode(n)
    start, end = parse_any(ep["miss_missing_episode_start_date"]), parse_any(ep["miss_missing_episode_end_date"])
    again = dict(ep, miss_table_id="39999999", miss_missing_episode_type="Away",
                 miss_missing_episode_start_date=iso(start + (end - start) / 2), miss_missing_episode_end_date=iso(end))
    n.rows["ssd_missing"].append(again)


WARNINGS = {
    "note linked to an unknown episode": (
        note_linked_to_unknown_episode, "case_notes.csv", "cano_linked_missing_id", "reference"),
    "note typed days before its event": (
        note_typed_days_ahead, "case_notes.csv", "cano_created_date", "note_not_created_before_event"),
    "notification's child is not the episode's": (
        notification_child_differs, "missing_notifications.csv", "mino_person_id",
        "notification_child_matches_episode"),
    "two episodes of one child overlap": (
        episodes_overlap, "ssd_missing.csv", "miss_missing_episode_start_date", "episodes_do_not_overlap"),
}
