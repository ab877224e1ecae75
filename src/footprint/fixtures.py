"""Hand-made fixture landing folders, written by the project itself.

`footprint fixture hand-audit --out DIR` writes the landing folder that
mirrors the programme manager's hand audit of January-February 2022
(../shared/spec/audit-rules.md, "The hand audit this project automates"):
11 children, one for each of the seven findings and four clear footprints,
built so that the rules give exactly the spec's oracle ("How the hand audit's
findings fall under these rules"). The end-to-end test loads it through the
whole pipeline and compares `footprint audit` with `HAND_AUDIT_ORACLE`.

Every record is placed on purpose: each distractor the spec names sits where
a wrong reading of a rule would move a child to another category, so the
oracle only comes out if every rule is implemented as the spec defines it.
`hand_audit()` returns the records with the expected category of each
notification and the reason for it (see `Expected`), so a failing end-to-end
run names the notification and the rule at fault.

Two nights: an `initial` load (2022-03-01, all history) and a `nightly` one
(2022-03-02, the 14-day window) whose changes matter to the oracle: a note
deleted in the source (finding 6 stays no_footprint only if the deletion is
honoured), a typo fixed in a timely footprint weeks later (it stays timely
only if a note counts from its first version), and a new notification still
awaiting its footprint (outside the audit period).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

AUDIT_FROM = dt.date(2022, 1, 1)
AUDIT_TO = dt.date(2022, 2, 28)

INITIAL_NIGHT = (dt.date(2022, 3, 1), dt.datetime(2022, 3, 1, 1, 10))
NIGHTLY_NIGHT = (dt.date(2022, 3, 2), dt.datetime(2022, 3, 2, 1, 10))
EVENT_WINDOW_DAYS = 14  # the contract's nightly window for event files

CATEGORIES = (
    "timely_footprint",
    "late_footprint",
    "discussed_at_review",
    "discussed_with_child",
    "contact_not_about_missing",
    "no_footprint",
)

# `footprint audit --from 2022-01-01 --to 2022-02-28 --format json` over this
# fixture, both nights loaded. The children figures are the spec's oracle;
# the notification figures follow from the notifications listed in
# `hand_audit().expected`.
HAND_AUDIT_ORACLE: dict = {
    "children": 11,
    "children_by_sex": {"female": 2, "male": 9, "unknown": 0},
    "age_at_notification": {"min": 11, "max": 17},
    "get_safe_open": 8,
    "missing_episodes_prior_90d": {"min": 1, "max": 20},
    "children_by_category": {
        "timely_footprint": 5,
        "late_footprint": 1,
        "discussed_at_review": 1,
        "discussed_with_child": 1,
        "contact_not_about_missing": 2,
        "no_footprint": 1,
    },
    "children_awaiting": 0,
    "notifications": 26,
    "notifications_awaiting": 0,
    "notifications_by_category": {
        "timely_footprint": 15,
        "late_footprint": 1,
        "discussed_at_review": 2,
        "discussed_with_child": 2,
        "contact_not_about_missing": 3,
        "no_footprint": 3,
    },
    "not_notified": {"episodes": 5, "children": 3},
    "criteria_version": "1",
    "as_of": "2022-03-02T01:10:00",
}

NOTE_TYPES = {
    "IRO": "IRO Discussion/Monitoring",
    "STVL": "Statutory Visit",
    "HVIS": "Home Visit",
    "DRCT": "Direct Work",
}


@dataclass(frozen=True)
class Expected:
    """What the rules must give one notification, and why."""

    notification_id: str
    child: str  # fixture label, A..K
    finding: str  # "clear footprint", "finding 1".."finding 7", or "outside the audit"
    category: str | None  # None: not pinned (outside the audit period) or awaiting
    why: str
    awaiting: bool = False  # still awaiting its footprint as of the last night


@dataclass(frozen=True)
class Child:
    label: str
    person_id: str
    finding: str
    sex: str
    age: int  # at the latest notification in the audit period
    get_safe_open: bool  # at that notification
    prior_90d: int  # missing episodes in the 90 days up to that episode's start
    best_category: str


@dataclass
class HandAudit:
    """The fixture's records, current and past versions, and what they must give."""

    snapshots: dict[str, list[dict]]  # snapshot file -> rows
    events: dict[str, dict[str, list[dict]]]  # event file -> id -> versions, oldest first
    children: dict[str, Child]
    expected: dict[str, Expected]  # notification id -> expectation (every notification)

    def night_rows(self, extract_date: dt.date, produced_at: dt.datetime, load_type: str) -> dict[str, list[dict]]:
        """Rows of each file as the source would export them that night."""
        from footprint.contract import FILES, SNAPSHOT

        window_start = dt.datetime.combine(extract_date - dt.timedelta(days=EVENT_WINDOW_DAYS), dt.time())
        out: dict[str, list[dict]] = {}
        for spec in FILES:
            if spec.load_kind == SNAPSHOT:
                out[spec.name] = list(self.snapshots[spec.name])
                continue
            rows = []
            for versions in self.events[spec.name].values():
                current = [v for v in versions if v["modified_at"] <= produced_at]
                if not current:
                    continue
                if load_type == "nightly" and current[-1]["modified_at"] < window_start:
                    continue
                rows.append(current[-1])
            out[spec.name] = rows
        return out

    def expected_in_audit(self) -> dict[str, Expected]:
        return {k: v for k, v in self.expected.items() if v.finding != "outside the audit"}


def _t(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


class _Builder:
    def __init__(self) -> None:
        from footprint.contract import FILES, SNAPSHOT

        self.snapshots = {f.name: [] for f in FILES if f.load_kind == SNAPSHOT}
        self.events: dict[str, dict[str, list[dict]]] = {f.name: {} for f in FILES if f.load_kind != SNAPSHOT}
        self.children: dict[str, Child] = {}
        self.person: dict[str, str] = {}
        self.expected: dict[str, Expected] = {}
        self._seq: dict[str, int] = {}

    def _id(self, kind: str, fmt: str, start: int) -> str:
        self._seq[kind] = self._seq.get(kind, start - 1) + 1
        return fmt.format(self._seq[kind])

    def _event(self, file: str, key: str, row: dict) -> str:
        # Every time on a record precedes the moment it was written, so filtering
        # versions by produced_at keeps every event of a night before produced_at.
        times = [v for k, v in row.items() if isinstance(v, dt.date) and k != "modified_at"]
        latest = max(v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time()) for v in times)
        assert row["modified_at"] >= latest, (file, row[key])
        self.events[file].setdefault(row[key], []).append(row)
        return row[key]

    # snapshots ------------------------------------------------------------
    def professional(self, pid: str, name: str, title: str, team: str) -> str:
        self.snapshots["ssd_professionals.csv"].append({
            "prof_professional_id": pid, "prof_professional_name": name,
            "prof_professional_job_title": title, "prof_professional_department": team,
        })
        return pid

    def child(self, label: str, sex: str, dob: str, ethnicity: str, **facts) -> str:
        # Leading zeros on purpose: identifiers are strings, never numbers.
        pid = f"{400100 + len(self.person) + 1:07d}"
        self.person[label] = pid
        self.snapshots["ssd_person.csv"].append({
            "pers_person_id": pid, "pers_sex": sex, "pers_dob": _d(dob), "pers_ethnicity": ethnicity,
        })
        self.children[label] = Child(label=label, person_id=pid, sex=sex, **facts)
        return pid

    def allocate(self, label: str, worker: str, role: str, team: str, start: str, end: str | None = None) -> None:
        self.snapshots["ssd_involvements.csv"].append({
            "invo_involvements_id": self._id("invo", "IV{:05d}", 1),
            "invo_person_id": self.person[label], "invo_professional_id": worker,
            "invo_professional_role_id": role, "invo_professional_team": team,
            "invo_involvement_start_date": _t(start),
            "invo_involvement_end_date": _t(end) if end else None,
        })

    def service(self, label: str, name: str, start: str, end: str | None = None) -> None:
        self.snapshots["service_involvements.csv"].append({
            "serv_involvement_id": self._id("serv", "SV{:05d}", 1),
            "serv_person_id": self.person[label], "serv_service_name": name,
            "serv_start_date": _d(start), "serv_end_date": _d(end) if end else None,
        })

    # events ---------------------------------------------------------------
    def episode(self, label: str, start: str, end: str | None, kind: str = "Missing",
                rhi: tuple[str, str] = ("Y", "N"), recorded: str | None = None) -> str:
        start_at = _t(start)
        end_at = _t(end) if end else None
        written = _t(recorded) if recorded else (end_at or start_at) + dt.timedelta(minutes=40)
        return self._event("ssd_missing.csv", "miss_table_id", {
            "miss_table_id": self._id("miss", "{:08d}", 70001),
            "miss_person_id": self.person[label],
            "miss_missing_episode_start_date": start_at,
            "miss_missing_episode_type": kind,
            "miss_missing_episode_end_date": end_at,
            "miss_missing_rhi_offered": rhi[0] if end_at else None,
            "miss_missing_rhi_accepted": rhi[1] if end_at else None,
            "modified_at": written, "is_deleted": "N",
        })

    def notify(self, label: str, episode: str, sent: str, category: str | None, why: str,
               finding: str = "outside the audit", gm: str = "W0301", awaiting: bool = False) -> str:
        nid = self._event("missing_notifications.csv", "mino_notification_id", {
            "mino_notification_id": self._id("mino", "NT{:05d}", 1),
            "mino_missing_id": episode, "mino_person_id": self.person[label],
            "mino_sent_date": _t(sent), "mino_sent_by_professional_id": gm,
            "modified_at": _t(sent), "is_deleted": "N",
        })
        self.expected[nid] = Expected(nid, label, finding, category, why, awaiting)
        return nid

    def note(self, label: str, author: str, created: str, type_code: str, subject: str, text: str, *,
             event: str | None = None, linked: str | None = None, child_seen: str = "N") -> str:
        created_at = _t(created)
        return self._event("case_notes.csv", "cano_casenote_id", {
            "cano_casenote_id": self._id("cano", "CN{:06d}", 1),
            "cano_person_id": self.person[label],
            "cano_type_code": type_code, "cano_type_desc": NOTE_TYPES[type_code],
            "cano_event_date": _t(event) if event else created_at,
            "cano_created_date": created_at,
            "cano_created_by_professional_id": author,
            "cano_linked_missing_id": linked,
            "cano_child_seen": child_seen,
            "cano_subject": subject, "cano_text": text,
            "modified_at": created_at, "is_deleted": "N",
        })

    def review(self, label: str, chair: str, date: str, summary: str, *, cancelled: str = "N",
               recorded: str | None = None) -> str:
        held = _t(date)
        return self._event("ssd_cla_reviews.csv", "clar_cla_review_id", {
            "clar_cla_review_id": self._id("clar", "RV{:05d}", 1),
            "clar_cla_person_id": self.person[label],
            "clar_cla_review_due_date": held.date(),
            "clar_cla_review_date": held,
            "clar_cla_review_cancelled": cancelled,
            "clar_chair_professional_id": chair,
            "clar_review_summary": summary,
            "modified_at": _t(recorded) if recorded else held + dt.timedelta(hours=5),
            "is_deleted": "N",
        })

    def revise(self, file: str, key: str, modified: str, **changes) -> None:
        versions = self.events[file][key]
        versions.append({**versions[-1], **changes, "modified_at": _t(modified)})


IRO_TEAM = "IRO Service"
IRO_ROLE = "IRO"
SW_ROLE = "Allocated Social Worker"
CLA1 = "Children Looked After Team 1"
CLA2 = "Children Looked After Team 2"
TIMELY = "timely_footprint"


def _build() -> HandAudit:
    b = _Builder()
    iro = "Independent Reviewing Officer"
    for pid, name in (("W0101", "Anwen Morgan"), ("W0102", "Bethan Price"), ("W0103", "Carys Lloyd"),
                      ("W0104", "Dafydd Hughes"), ("W0105", "Elin Rowlands")):
        b.professional(pid, name, iro, IRO_TEAM)
    b.professional("W0201", "Rhian Davies", "Social Worker", CLA1)
    b.professional("W0202", "Siân Edwards", "Social Worker", CLA1)
    b.professional("W0203", "Tom Baker", "Social Worker", CLA2)
    b.professional("W0204", "Priya Shah", "Social Worker", CLA2)
    b.professional("W0301", "Gareth Jones", "Group Manager", "Children Looked After Service")
    b.professional("W0302", "Helen Clarke", "Group Manager", "Children Looked After Service")

    # Children: label, sex, dob, and the facts at their latest notification in
    # Jan-Feb 2022 (what the audit reports).
    b.child("A", "M", "2006-07-19", "WBRI", finding="clear footprint", age=15, get_safe_open=True,
            prior_90d=20, best_category=TIMELY)
    b.child("B", "M", "2007-10-02", "WBRI", finding="clear footprint", age=14, get_safe_open=True,
            prior_90d=3, best_category=TIMELY)
    b.child("C", "F", "2005-08-30", "MWBC", finding="clear footprint", age=16, get_safe_open=True,
            prior_90d=5, best_category=TIMELY)
    b.child("D", "M", "2009-02-01", "WBRI", finding="clear footprint", age=13, get_safe_open=False,
            prior_90d=2, best_category=TIMELY)
    b.child("E", "M", "2009-06-11", "", finding="finding 1", age=12, get_safe_open=True,
            prior_90d=4, best_category="contact_not_about_missing")
    b.child("F", "M", "2005-12-03", "BCRB", finding="finding 2", age=16, get_safe_open=True,
            prior_90d=8, best_category="late_footprint")
    b.child("G", "M", "2004-11-30", "WBRI", finding="finding 3", age=17, get_safe_open=True,
            prior_90d=1, best_category=TIMELY)
    b.child("H", "F", "2006-09-12", "WOTH", finding="finding 4", age=15, get_safe_open=False,
            prior_90d=3, best_category="discussed_at_review")
    b.child("I", "M", "2007-05-21", "AOTH", finding="finding 5", age=14, get_safe_open=True,
            prior_90d=6, best_category="contact_not_about_missing")
    # J turns 12 the day after his notification: age is in whole years.
    b.child("J", "M", "2010-02-16", "WBRI", finding="finding 6", age=11, get_safe_open=False,
            prior_90d=2, best_category="no_footprint")
    b.child("K", "M", "2006-04-03", "WIRI", finding="finding 7", age=15, get_safe_open=True,
            prior_90d=12, best_category="discussed_with_child")

    iro_of = {"A": "W0101", "B": "W0101", "G": "W0101", "C": "W0102", "E": "W0102", "F": "W0102",
              "H": "W0103", "I": "W0103", "J": "W0104"}
    for label, worker in iro_of.items():
        b.allocate(label, worker, IRO_ROLE, IRO_TEAM, "2020-09-01 09:00")
    # D is reallocated between his two notifications: each is measured against
    # the IRO allocated at its moment.
    b.allocate("D", "W0103", IRO_ROLE, IRO_TEAM, "2021-03-01 09:00", "2022-01-31 17:00")
    b.allocate("D", "W0105", IRO_ROLE, IRO_TEAM, "2022-02-01 09:00")
    b.allocate("K", "W0102", IRO_ROLE, IRO_TEAM, "2020-01-06 09:00", "2021-05-31 17:00")
    b.allocate("K", "W0104", IRO_ROLE, IRO_TEAM, "2021-06-01 09:00")
    for label, worker, team in (("A", "W0202", CLA1), ("B", "W0202", CLA1), ("C", "W0202", CLA1),
                                ("E", "W0201", CLA1), ("F", "W0201", CLA1), ("G", "W0203", CLA2),
                                ("H", "W0203", CLA2), ("D", "W0204", CLA2), ("I", "W0204", CLA2),
                                ("J", "W0204", CLA2), ("K", "W0204", CLA2)):
        b.allocate(label, worker, SW_ROLE, team, "2021-01-04 09:00")

    get_safe = "Get Safe"
    b.service("A", get_safe, "2021-09-01")
    b.service("B", get_safe, "2021-11-15")
    b.service("C", get_safe, "2022-02-01")  # opened between her two notifications
    b.service("D", "Youth Justice Service", "2021-10-04")
    b.service("D", get_safe, "2022-02-25")  # opened after his latest notification
    b.service("E", get_safe, "2021-10-01")
    b.service("F", get_safe, "2021-06-01")
    b.service("G", get_safe, "2021-05-10")
    b.service("H", get_safe, "2021-07-01", "2022-02-05")  # closed between her two notifications
    b.service("H", "CAMHS", "2021-11-01")
    b.service("I", get_safe, "2021-04-12", "2022-02-10")  # ends on the day of his notification: still open
    b.service("K", get_safe, "2021-08-20")

    # A: clear footprints, 20 episodes in the 90 days before his latest one.
    # The IRO answers every notification by the next working day; some notes
    # are linked to the episode and carry no keyword (the link alone makes
    # them about it), others are unlinked with keywords.
    a_episodes = [
        # start, type, end, notification sent, footprint entered, linked
        ("2021-10-14 21:30", "Missing", "2021-10-15 11:00", "2021-10-14 23:05", "2021-10-15 10:20", True),
        ("2021-11-03 20:15", "Missing", "2021-11-04 09:40", "2021-11-03 22:30", "2021-11-04 15:10", False),
        ("2021-11-22 22:40", "Missing", "2021-11-23 13:00", "2021-11-23 08:15", "2021-11-23 16:00", True),
        ("2021-11-26 22:10", "Missing", "2021-11-27 12:30", "2021-11-27 09:00", "2021-11-29 10:30", True),
        ("2021-12-01 19:40", "Missing", "2021-12-02 08:00", "2021-12-01 21:50", "2021-12-02 11:45", False),
        ("2021-12-05 02:15", "Missing", "2021-12-05 18:00", "2021-12-05 09:30", "2021-12-06 09:50", True),
        ("2021-12-09 23:00", "Away", "2021-12-10 07:30", None, None, False),
        ("2021-12-14 20:30", "Missing", "2021-12-15 10:00", "2021-12-14 22:10", "2021-12-15 14:30", False),
        ("2021-12-18 21:00", "Missing", "2021-12-19 16:00", "2021-12-18 23:30", "2021-12-20 10:00", True),
        ("2021-12-23 18:45", "Missing", "2021-12-24 09:00", "2021-12-23 20:10", "2021-12-24 10:30", True),
        ("2021-12-28 22:00", "Away", "2021-12-29 06:00", None, None, False),
        # Saturday 1 January; Monday 3 January is the New Year bank holiday:
        # due by the end of Tuesday 4 January.
        ("2022-01-01 01:30", "Missing", "2022-01-01 19:00", "2022-01-01 09:20", "2022-01-04 11:00", True),
        ("2022-01-06 21:15", "Missing", "2022-01-07 10:00", "2022-01-07 08:45", "2022-01-10 09:30", False),
        ("2022-01-11 19:50", "Missing", "2022-01-12 09:15", "2022-01-11 22:05", "2022-01-12 14:10", True),
        ("2022-01-16 23:40", "Away", "2022-01-17 07:00", None, None, False),
        ("2022-01-21 20:00", "Missing", "2022-01-22 13:30", "2022-01-21 23:10", "2022-01-24 10:20", False),
        ("2022-01-26 18:30", "Missing", "2022-01-27 08:20", "2022-01-26 21:00", "2022-01-27 09:15", True),
        ("2022-01-31 20:45", "Missing", "2022-02-01 10:30", "2022-02-01 07:55", "2022-02-01 15:40", False),
        ("2022-02-04 22:30", "Away", "2022-02-05 09:00", None, None, False),
        ("2022-02-09 19:10", "Missing", "2022-02-10 11:00", "2022-02-09 20:30", "2022-02-10 16:45", True),
        ("2022-02-14 21:00", "Missing", "2022-02-15 09:30", "2022-02-15 08:10", "2022-02-16 10:05", False),
        ("2022-02-18 23:55", "Missing", "2022-02-19 15:00", "2022-02-19 10:40", "2022-02-21 09:00", True),
        ("2022-02-23 20:20", "Missing", "2022-02-24 07:45", "2022-02-23 22:45", "2022-02-24 11:30", False),
    ]
    for start, kind, end, sent, footprint, linked in a_episodes:
        ep = b.episode("A", start, end, kind)
        if sent is None:
            continue  # away episodes were not notified: counted apart
        in_audit = AUDIT_FROM <= _t(sent).date() <= AUDIT_TO
        b.notify("A", ep, sent, TIMELY,
                 f"IRO note of {footprint}, {'linked to the episode' if linked else 'keywords'}, by the due time",
                 finding="clear footprint" if in_audit else "outside the audit")
        if linked:
            b.note("A", "W0101", footprint, "IRO", "Notification received",
                   "Notification received and read. Spoke to the SW; police report read, "
                   "safety plan reviewed with the carers.", linked=ep)
        else:
            b.note("A", "W0101", footprint, "IRO", "Missing notification",
                   "Missing notification received. Read the missing report; RHI offered by Get Safe.\n"
                   "Actions agreed with SW.")
    b.note("A", "W0202", "2022-01-12 09:40", "STVL", "Statutory visit",
           'YP seen at placement. Said he "just wanted to see friends", discussed staying safe.')

    # B: clear footprint across the New Year bank holiday (the spec's example):
    # notified Sunday 2 January, Monday 3 January a bank holiday, note on
    # Tuesday 4 January in the afternoon: timely.
    ep = b.episode("B", "2021-10-20 22:00", "2021-10-21 10:00")
    b.notify("B", ep, "2021-10-20 23:30", None, "not pinned (outside the audit)")
    ep = b.episode("B", "2021-12-05 19:00", "2021-12-06 09:00")
    b.notify("B", ep, "2021-12-05 21:15", None, "not pinned (outside the audit)")
    ep = b.episode("B", "2022-01-01 23:00", "2022-01-02 14:30")
    b.notify("B", ep, "2022-01-02 10:15", TIMELY,
             "IRO note Tue 4 Jan 16:30; due end of Tue 4 Jan because Mon 3 Jan is a bank holiday",
             finding="clear footprint", gm="W0302")
    b.note("B", "W0101", "2022-01-04 16:30", "IRO", "Missing notification 02/01",
           "Notification received. Read the missing report and the police log; spoke to SW, "
           "return home interview booked for 5 January.")

    # C: clear footprint entered at 23:59:59 on the last day before due (a
    # Friday-evening notification is due by the end of Monday), and her typo
    # fixed in the next night's extract: a later version of a note that was
    # already about the episode does not move its time.
    ep = b.episode("C", "2021-11-25 18:00", "2021-11-26 08:00")
    b.notify("C", ep, "2021-11-25 19:30", None, "not pinned (outside the audit)")
    ep = b.episode("C", "2021-12-14 17:45", "2021-12-15 02:00")
    b.notify("C", ep, "2021-12-14 20:00", None, "not pinned (outside the audit)")
    ep_c3 = b.episode("C", "2021-12-30 16:00", "2021-12-31 10:00")
    b.notify("C", ep_c3, "2021-12-30 18:20", None, "not pinned (outside the audit)")
    b.note("C", "W0102", "2021-12-31 11:10", "IRO", "Missing notification",
           "Notification of 30/12 received; missing report read.")
    ep = b.episode("C", "2022-01-12 17:20", "2022-01-13 09:00")
    b.notify("C", ep, "2022-01-12 19:00", "no_footprint",
             "no record of the IRO's on her file from the episode start to the horizon (9 Feb)",
             finding="clear footprint")
    ep = b.episode("C", "2022-02-18 19:00", "2022-02-19 12:00")
    b.notify("C", ep, "2022-02-18 21:40", TIMELY,
             "IRO note entered Mon 21 Feb 23:59:59, due end of Mon 21 Feb (exclusive); "
             "revised on 1 Mar, but its first version was already about the episode",
             finding="clear footprint")
    note_c = b.note("C", "W0102", "2022-02-21 23:59:59", "IRO", "Missing notification 18/02",
                    "Notification recieved. Read the missing report, spoke to SW and Get Safe worker; "
                    "strategy discussion to be held.", event="2022-02-21 17:00")
    b.revise("case_notes.csv", note_c, "2022-03-01 10:05",
             cano_text="Notification received. Read the missing report, spoke to SW and Get Safe worker; "
                       "strategy discussion to be held.")

    # D: clear footprint by the newly allocated IRO after a reallocation (the
    # expected IRO is the one allocated at the notification); his first
    # notification, under the previous IRO, got nothing.
    ep = b.episode("D", "2021-08-15 20:00", "2021-08-16 11:00")
    b.notify("D", ep, "2021-08-15 22:30", None, "not pinned (outside the audit)")
    ep = b.episode("D", "2022-01-10 16:30", "2022-01-11 08:00")
    b.notify("D", ep, "2022-01-10 18:00", "no_footprint",
             "expected IRO W0103 (allocated until 31 Jan) recorded nothing on his file until the horizon",
             finding="clear footprint")
    ep = b.episode("D", "2022-02-21 20:10", "2022-02-22 07:30")
    b.notify("D", ep, "2022-02-21 21:30", TIMELY,
             "IRO note of W0105 (allocated from 1 Feb) Tue 22 Feb 12:00, linked, by the due time",
             finding="clear footprint")
    b.note("D", "W0105", "2022-02-22 12:00", "IRO", "Missing notification",
           "Missing notification received; read the missing report and agreed a missing intervention "
           "meeting with the SW.", linked=ep)

    # E: finding 1. Notified Tue 11 Jan; the IRO called the SW two days later
    # about the coming CLA review (the SW is called Rhian: a name, not a return
    # home interview). Second notification: the IRO's timely note is about
    # "absent from school" only, which the exclusions remove.
    ep = b.episode("E", "2021-11-20 21:00", "2021-11-21 11:00")
    b.notify("E", ep, "2021-11-20 23:00", None, "not pinned (outside the audit)")
    ep = b.episode("E", "2021-12-18 20:30", "2021-12-19 10:00")
    b.notify("E", ep, "2021-12-18 22:40", None, "not pinned (outside the audit)")
    ep = b.episode("E", "2022-01-10 23:15", "2022-01-11 12:00")
    b.notify("E", ep, "2022-01-11 10:30", "contact_not_about_missing",
             "IRO's call note of Thu 13 Jan is about the CLA review ('Rhian' is a name, not RHI), "
             "and the review of 27 Jan has no keyword: activity, no footprint", finding="finding 1")
    b.note("E", "W0102", "2022-01-13 15:00", "IRO", "Call with SW",
           "Phone call with Rhian (SW) about the CLA review on 27 January: agenda, the views of YP "
           "and his carers, education plan.")
    b.note("E", "W0201", "2022-01-11 16:00", "STVL", "Visit after missing episode",
           "YP returned to placement at midday. Return home interview offered, accepted.")
    b.review("E", "W0102", "2022-01-27 10:00",
             "Placement stable. Care plan endorsed; education plan and contact arrangements reviewed.")
    ep = b.episode("E", "2022-02-07 22:00", "2022-02-08 06:30")
    b.notify("E", ep, "2022-02-08 09:10", "contact_not_about_missing",
             "IRO's timely note of Wed 9 Feb says only 'absent from school' (an exclusion): activity, "
             "no footprint", finding="finding 1")
    b.note("E", "W0102", "2022-02-09 11:00", "IRO", "Education",
           "School reports YP was absent from school on Monday and Tuesday; PEP meeting brought "
           "forward to 15 February.")

    # F: finding 2. Regular contact with the SW where missing episodes are
    # discussed; the discussion of Thu 20 Jan (the note's event date) was only
    # written up on Mon 24 Jan: late. A timely note about the December episode
    # is linked to that episode, so it is not about this one.
    f_prior = ("2021-10-28", "2021-11-09", "2021-11-20", "2021-11-30", "2021-12-08", "2021-12-15", "2021-12-22")
    ep = None
    for day in f_prior:
        ep = b.episode("F", f"{day} 20:00", f"{day} 23:30")
        b.notify("F", ep, f"{day} 22:10", None, "not pinned (outside the audit)")
    f_december = ep
    ep = b.episode("F", "2022-01-19 02:10", "2022-01-19 15:00")
    b.notify("F", ep, "2022-01-19 09:40", "late_footprint",
             "first note about it is the IRO's of Mon 24 Jan 16:20 (event date 20 Jan, but the "
             "time that counts is when it was entered), after the due time (end of Thu 20 Jan); "
             "the timely note of 20 Jan is linked to the December episode", finding="finding 2")
    b.note("F", "W0102", "2022-01-20 10:00", "IRO", "Missing episode 22/12 follow-up",
           "RHI for the missing episode of 22 December completed; themes shared with Get Safe.",
           linked=f_december)
    b.note("F", "W0102", "2022-01-24 16:20", "IRO", "Discussion with SW",
           "Regular catch-up with SW on 20/01. Discussed the missing episode of 19 January, the "
           "return home interview and the safety plan.", event="2022-01-20 14:00")

    # G: finding 3. Missing since June 2021 (the episode is still open),
    # re-notified, the IRO's footprint timely each time; virtual reviews held.
    ep = b.episode("G", "2021-06-14 07:30", None, recorded="2021-06-14 08:00")
    for sent, footprint, finding, category in (
        ("2021-06-14 11:00", "2021-06-14 16:00", "outside the audit", TIMELY),
        ("2021-10-11 10:00", "2021-10-11 15:00", "outside the audit", TIMELY),
        ("2022-01-17 10:00", "2022-01-17 15:30", "finding 3", TIMELY),
        ("2022-02-14 10:00", "2022-02-15 10:00", "finding 3", TIMELY),
    ):
        b.notify("G", ep, sent, category, f"re-notification; IRO note {footprint} by the due time",
                 finding=finding)
        b.note("G", "W0101", footprint, "IRO", "Re-notification: still missing",
               "Re-notification received. YP remains missing, whereabouts unknown since June 2021. "
               "Police and Get Safe liaison continue; next virtual review arranged.")
    for held in ("2021-09-08 14:00", "2021-12-08 14:00", "2022-02-02 14:00"):
        b.review("G", "W0101", held, "Virtual review. YP remains missing; plan to locate him reviewed "
                 "with police and Get Safe.")

    # H: finding 4. No IRO note at the time; the missing episodes discussed in
    # detail at the CLA review a week later. A timely note by the SW (another
    # type, another author) is not the IRO's; the IRO's later note is after the
    # review, and the earliest record decides.
    ep = b.episode("H", "2021-12-02 20:00", "2021-12-03 09:00")
    b.notify("H", ep, "2021-12-02 22:00", None, "not pinned (outside the audit)")
    ep = b.episode("H", "2022-02-02 21:30", "2022-02-03 07:00")
    why_h = ("earliest record of the IRO's about it is the CLA review of 17 Feb (chaired by the IRO, "
             "summary about the missing episodes); the SW's timely visit note is not the IRO's")
    b.notify("H", ep, "2022-02-03 09:00", "discussed_at_review", why_h, finding="finding 4")
    b.note("H", "W0203", "2022-02-03 15:00", "STVL", "Visit after missing episode",
           "YP returned to placement in the early hours; return home interview offered.")
    ep = b.episode("H", "2022-02-09 23:00", "2022-02-10 08:00")
    b.notify("H", ep, "2022-02-10 08:50", "discussed_at_review", why_h, finding="finding 4", gm="W0302")
    b.review("H", "W0103", "2022-02-17 10:00",
             "Missing episodes of 2 and 9 February discussed in detail with YP and carers; safety plan "
             "updated, Get Safe re-referral considered.", recorded="2022-02-18 09:30")
    b.note("H", "W0103", "2022-02-24 11:00", "IRO", "Review actions",
           "Actions from the review about her missing episodes sent to the SW and team manager.")

    # I: finding 5. The IRO talked to the SW two days after the episode began,
    # before the GM's notification arrived, about other risks and the
    # discharge plan: activity within the window, not a footprint.
    for day in ("2021-11-12", "2021-11-26", "2021-12-09", "2021-12-20"):
        ep = b.episode("I", f"{day} 19:00", f"{day} 23:50")
        b.notify("I", ep, f"{day} 21:00", None, "not pinned (outside the audit)")
    b.episode("I", "2022-01-24 19:00", "2022-01-25 00:30", "Away")
    ep = b.episode("I", "2022-02-07 21:00", "2022-02-08 17:00")
    b.notify("I", ep, "2022-02-10 09:30", "contact_not_about_missing",
             "IRO's note of Wed 9 Feb 14:00, after the episode start and before the notification, "
             "not about the episode: activity; nothing from the IRO after the notification",
             finding="finding 5")
    b.note("I", "W0103", "2022-02-09 14:00", "IRO", "Call with SW",
           "Discussed risks in the placement (new peer group) and the plan for discharge of the care "
           "order; agreed to bring the CLA review forward.")
    b.note("I", "W0204", "2022-02-08 18:00", "HVIS", "Home visit",
           "YP back at placement after going missing overnight; seen with carer.")

    # J: finding 6. Nothing from his IRO after the notification. The IRO's
    # note three days before (and before the episode began) is outside the
    # activity window; the cancelled review is not activity; the SW's notes
    # are not the IRO's; the IRO's note of 25 Feb was entered on his record by
    # mistake and deleted in the source (it reaches the pipeline only in the
    # next night, as a deletion).
    ep = b.episode("J", "2021-12-29 20:00", "2021-12-30 10:00")
    b.notify("J", ep, "2021-12-29 22:00", None, "not pinned (outside the audit)")
    b.note("J", "W0104", "2022-02-12 14:00", "IRO", "Placement planning",
           "Spoke to SW about the placement plan and contact with his brother.")
    ep = b.episode("J", "2022-02-14 22:00", "2022-02-15 09:30")
    b.notify("J", ep, "2022-02-15 11:00", "no_footprint",
             "no activity of the IRO's from the episode start to the horizon: the 12 Feb note is "
             "before the episode, the review of 22 Feb was cancelled, the 25 Feb note was deleted",
             finding="finding 6")
    b.note("J", "W0204", "2022-02-16 10:00", "STVL", "Visit",
           "Visited after he went missing on Monday night. Return home interview offered.")
    b.review("J", "W0104", "2022-02-22 14:00",
             "Review cancelled at the carer's request; the recent missing episode to be discussed at the "
             "rearranged review.", cancelled="Y", recorded="2022-02-22 15:00")
    note_j = b.note("J", "W0104", "2022-02-25 10:00", "IRO", "Call with SW",
                    "Discussed the missing episode and the safety plan.")
    b.revise("case_notes.csv", note_j, "2022-03-01 09:12", is_deleted="Y")

    # K: finding 7. No note at the time from his IRO (on leave: a cover IRO
    # noted the notification, which does not count under allocated_iro); his
    # IRO visited two weeks later and discussed the missing episodes with him
    # (child seen). The later CLA review does not change it: the earliest
    # record decides.
    k_prior = ("2021-11-06", "2021-11-13", "2021-11-20", "2021-11-27", "2021-12-04", "2021-12-11",
               "2021-12-18", "2021-12-24")
    for day in k_prior:
        ep = b.episode("K", f"{day} 21:00", f"{day} 23:55")
        b.notify("K", ep, f"{day} 23:00", None, "not pinned (outside the audit)")
    b.episode("K", "2022-01-05 20:00", "2022-01-06 01:00", "Away")
    b.episode("K", "2022-01-15 22:00", "2022-01-16 02:00", "Away")
    why_k = ("earliest record of his IRO's about it is the visit note of Wed 16 Feb 17:20 with the child "
             "seen; the cover IRO's timely note is not the allocated IRO's")
    ep = b.episode("K", "2022-01-25 22:30", "2022-01-26 15:00")
    b.notify("K", ep, "2022-01-26 09:15", "discussed_with_child", why_k, finding="finding 7")
    ep = b.episode("K", "2022-02-01 23:30", "2022-02-02 13:00")
    b.notify("K", ep, "2022-02-02 16:00", "discussed_with_child", why_k, finding="finding 7")
    b.note("K", "W0105", "2022-02-03 10:00", "IRO", "Missing notification (cover)",
           "Covering for the allocated IRO on leave: missing notification received, missing report read.")
    b.note("K", "W0104", "2022-02-16 17:20", "IRO", "IRO visit",
           "Visited YP at placement, carer present. We discussed his missing episodes, where he goes "
           "and who with, and the safety plan.", event="2022-02-16 14:00", child_seen="Y")
    b.review("K", "W0104", "2022-02-23 10:00",
             "Missing episodes since November reviewed; Get Safe work continues.")

    # The next night: a new notification that is awaiting its footprint.
    ep = b.episode("B", "2022-03-01 08:30", None, recorded="2022-03-01 09:00")
    b.notify("B", ep, "2022-03-01 11:05", None, "awaiting: due by the end of Wed 2 Mar, after 'now'",
             awaiting=True)

    return HandAudit(snapshots=b.snapshots, events=b.events, children=b.children, expected=b.expected)


@functools.cache
def hand_audit() -> HandAudit:
    return _build()


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_hand_audit(out_dir: Path, nightly: bool = True) -> list[Path]:
    """Write the hand-audit landing folder; return the night folders, oldest first."""
    from footprint.contract import FILES, MANIFEST_NAME
    from footprint.landing import night_dir, write_csv, write_manifest

    fixture = hand_audit()
    nights = [(*INITIAL_NIGHT, "initial")] + ([(*NIGHTLY_NIGHT, "nightly")] if nightly else [])
    folders = []
    for extract_date, produced_at, load_type in nights:
        folder = night_dir(Path(out_dir), extract_date)
        folder.mkdir(parents=True, exist_ok=True)
        # A stale manifest would declare the night complete while it is rewritten.
        (folder / MANIFEST_NAME).unlink(missing_ok=True)
        rows = fixture.night_rows(extract_date, produced_at, load_type)
        counts = {}
        for spec in FILES:
            counts[spec.name] = write_csv(
                folder / spec.name, spec.column_names,
                ([_cell(row[c]) for c in spec.column_names] for row in rows[spec.name]),
            )
        write_manifest(folder, extract_date, produced_at, load_type, counts)
        folders.append(folder)
    return folders


FIXTURES = ("hand-audit",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=FIXTURES, help="which fixture to write")
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write the nights into")
    parser.add_argument("--initial-only", action="store_true",
                        help="write only the initial night (the next night's deletion and correction are left out)")


def run(args: argparse.Namespace) -> int:
    folders = write_hand_audit(args.out, nightly=not args.initial_only)
    for folder in folders:
        print(folder)
    return 0


__all__ = [
    "AUDIT_FROM", "AUDIT_TO", "CATEGORIES", "HAND_AUDIT_ORACLE", "Child", "Expected", "HandAudit",
    "hand_audit", "write_hand_audit",
]
