"""The dbt project end to end: `footprint build` (seeds, models, data tests and
unit tests) on DuckDB and on a real PostgreSQL, the same marts on both, and
criteria that change results without any SQL edit.

The input is written straight into the raw tables (hand-made rows, the
loader's layout), so these tests do not depend on the loader; when the loader
and the generator are present, a realistic `small` preset run is compared too.
dbt invocations are few and session-scoped: each costs tens of seconds.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
from pathlib import Path

import pytest

from footprint.contract import FILES, META_COLUMNS
from footprint.ingest.raw_schema import NIGHTS_DDL

pytestmark = pytest.mark.dbt

MARTS = (
    "fct_missing_notifications",
    "fct_iro_compliance_monthly",
    "fct_service_compliance_monthly",
    "rpt_footprint_worklist",
    "fct_footprint_evidence",
    "rpt_pipeline_health",
)
MART_KEYS = {
    "fct_missing_notifications": ("notification_key",),
    "fct_iro_compliance_monthly": ("iro_key", "period_month"),
    "fct_service_compliance_monthly": ("period_month",),
    "rpt_footprint_worklist": ("notification_key",),
    "fct_footprint_evidence": ("evidence_key",),
    "rpt_pipeline_health": ("extract_date",),
}

# ------------------------------------------------------------------ the input

AS_OF = dt.datetime(2022, 3, 10, 1, 0)

PROFESSIONALS = [
    ("IRO1", "Alice Adams", "Independent Reviewing Officer", "IRO Team North"),
    ("IRO2", "Bob Brown", "Independent Reviewing Officer", "IRO Team South"),
    ("IRO3", "Carol Cover", "Independent Reviewing Officer", "IRO Team North"),
    ("SW1", "Sam Social", "Social Worker", "CLA Team"),
    ("GM1", "Gill Manager", "Group Manager", "CLA Team"),
]
# person id, sex, dob (one in UK form, as some exports write it)
PERSONS = [
    ("C1", "M", "2006-05-01"), ("C2", "F", "2008-01-03"), ("C3", "M", "2007-07-07"),
    ("C4", "M", "2005-02-02"), ("C5", "M", "2009-09-09"), ("C6", "F", "15/06/2008"),
    ("C7", "M", "2004-03-03"), ("C8", "M", "2010-10-10"), ("C9", "M", "2008-08-08"),
]
# involvement id, child, worker, role, start, end
INVOLVEMENTS = [
    ("I1", "C1", "IRO1", "IRO", "2021-01-01", ""),
    ("I2", "C2", "IRO2", "IRO", "2021-01-01", ""),
    ("I3a", "C3", "IRO1", "IRO", "2021-01-01", "2022-01-15"),  # reallocated ...
    ("I3b", "C3", "IRO2", "IRO", "2022-01-15", ""),  # ... on the same day
    ("I5", "C5", "IRO1", "IRO", "2021-01-01", ""),
    ("I6", "C6", "IRO2", "IRO", "2021-06-01", ""),
    ("I7", "C7", "IRO1", "IRO", "2021-01-01", ""),
    ("I8", "C8", "IRO2", "IRO", "2021-01-01", ""),
    ("I9", "C9", "IRO3", "IRO", "2021-01-01", ""),  # IRO3 covers for others
    ("S1", "C1", "SW1", "Social Worker", "2021-01-01", ""),
    # C4 has no IRO allocated: a gap.
]
SERVICES = [
    ("G1", "C1", "Get Safe", "2021-06-01", ""),
    ("G2", "C2", "Get Safe", "2021-06-01", "2022-01-02"),  # ends on the notification day: open
    ("G3", "C3", "Youth Offending", "2021-06-01", ""),
    ("G4", "C5", "Get Safe", "01/12/2021", ""),
]
# episode id, child, start, type, end
EPISODES = [
    ("E1", "C1", "2022-01-10 08:00", "Missing", "2022-01-10 20:00"),
    ("E2", "C2", "2022-01-01 20:00", "Missing", "2022-01-02 10:00"),
    ("E3", "C2", "2022-02-01T10:00:00", "Away", "2022-02-01 22:00"),
    ("E4", "C3", "2022-01-20 07:00", "Missing", "2022-01-20 23:00"),
    ("E5", "C4", "2022-01-12 09:00", "Missing", "2022-01-12 21:00"),
    ("E6", "C5", "2022-01-05 09:00", "Missing", "2022-01-05 22:00"),
    ("E7", "C6", "2022-01-05 09:00", "Missing", "2022-01-06 09:00"),
    ("E8", "C7", "2022-01-03 09:00", "Missing", "2022-01-03 23:00"),
    ("E9", "C8", "2022-01-25 18:00", "Missing", "2022-01-25 23:00"),  # never notified
    ("E10", "C1", "2022-03-09 10:00", "Missing", ""),  # awaiting at "now"
    ("E11", "C2", "2022-03-01 08:00", "Missing", "2022-03-01 20:00"),  # overdue at "now"
    ("E12", "C5", "2022-02-14 08:00", "Missing", "2022-02-14 20:00"),  # cover IRO
    ("E13", "C6", "2022-02-15 08:00", "Missing", "2022-02-15 20:00"),  # "Rhian"
    ("E14", "C7", "2022-02-07 08:00", "Missing", "2022-02-07 20:00"),  # rewritten note
    ("E15", "C8", "2022-02-21 08:00", "Missing", "2022-02-21 20:00"),  # deleted note
    ("E16", "C1", "01/12/2021 08:00", "Away", "01/12/2021 12:00"),  # prior episode, UK form
]
# notification id, episode, child, sent
NOTIFICATIONS = [
    ("N1", "E1", "C1", "10/01/2022 12:00"),  # Monday
    ("N2", "E2", "C2", "2022-01-02 09:00"),  # Sunday before the bank holiday
    ("N3", "E3", "C2", "2022-02-01 11:00"),  # Tuesday
    ("N4", "E4", "C3", "2022-01-20 10:00"),
    ("N5", "E5", "C4", "2022-01-12 10:00"),
    ("N6", "E6", "C5", "2022-01-05 10:00"),
    ("N7", "E7", "C6", "2022-01-05 10:00"),
    ("N8", "E8", "C7", "2022-01-05 10:00"),
    ("N10", "E10", "C1", "2022-03-09 15:00"),
    ("N11", "E11", "C2", "2022-03-01 10:00"),
    ("N12", "E12", "C5", "2022-02-14 10:00"),
    ("N13", "E13", "C6", "2022-02-15 10:00"),
    ("N14", "E14", "C7", "2022-02-07 10:00"),
    ("N15", "E15", "C8", "2022-02-21 10:00"),
]
# note id, child, type, created, author, linked episode, child seen, subject, text, modified, deleted
NOTES = [
    ("CN1", "C1", "IRO", "2022-01-11 10:00", "IRO1", "", "N", "Missing notification",
     "Read the missing report, spoke to the SW. Placement stable; “no concerns”, café visit.", "2022-01-11 10:00", "N"),
    ("CN2", "C2", "IRO", "2022-01-04 23:59:59", "IRO2", "", "N", "Update",
     "Whereabouts\nunknown overnight; police informed.", "2022-01-04 23:59:59", "N"),
    ("CN3", "C2", "IRO", "2022-02-03 00:00:00", "IRO2", "E3", "N", "Oversight", "Spoke to the social worker.",
     "2022-02-03 00:00:00", "N"),
    ("CN4a", "C3", "IRO", "2022-01-20 15:00", "IRO1", "", "N", "Handover", "RHI offered.", "2022-01-20 15:00", "N"),
    ("CN4b", "C3", "IRO", "2022-01-21 09:00", "IRO2", "", "N", "MIM", "Attended the missing intervention meeting.",
     "2022-01-21 09:00", "N"),
    ("CN5", "C4", "IRO", "2022-01-12 12:00", "IRO1", "", "N", "Missing", "Noted.", "2022-01-12 12:00", "N"),
    ("CN7", "C6", "STVL", "2022-01-19 14:00", "IRO2", "", "Y", "Visit", "We talked about the time she went missing.",
     "2022-01-19 14:00", "N"),
    ("CN8", "C7", "DRCT", "2022-01-04 11:00", "IRO1", "", "N", "Call with SW", "Discharge plan and other risks.",
     "2022-01-04 11:00", "N"),
    ("CN12", "C5", "IRO", "2022-02-14 12:00", "IRO3", "", "N", "Cover", "Covering: read the missing report.",
     "2022-02-14 12:00", "N"),
    ("CN13", "C6", "IRO", "2022-02-15 12:00", "IRO2", "", "N", "Call", "Spoke with Rhian; absent from school today.",
     "2022-02-15 12:00", "N"),
    ("CN14", "C7", "IRO", "2022-02-07 11:00", "IRO1", "", "N", "Update", "General update.", "2022-02-07 11:00", "N"),
    ("CN15", "C8", "IRO", "2022-02-21 12:00", "IRO2", "", "N", "Missing", "Read the missing report.",
     "2022-02-21 12:00", "N"),
    ("CN99", "C1", "HVIS", "2022-01-10 13:00", "SW1", "E1", "Y", "Visit", "Missing episode discussed.",
     "2022-01-10 13:00", "N"),  # a social worker's note never counts
]
# later versions of notes, arriving on the second night
NOTE_UPDATES = [
    # rewritten after due to mention the episode: counts from this version
    ("CN14", "C7", "IRO", "2022-02-07 11:00", "IRO1", "", "N", "Update",
     "General update. Addendum: the missing episode was discussed with the SW.", "2022-02-20 09:00", "N"),
    # deleted in the source: no longer counts at all
    ("CN15", "C8", "IRO", "2022-02-21 12:00", "IRO2", "", "N", "Missing", "Read the missing report.",
     "2022-03-01 09:00", "Y"),
]
# review id, child, review date, cancelled, chair, summary
REVIEWS = [
    ("R6", "C5", "2022-01-12 10:00", "N", "IRO1", "Missing episodes discussed in detail."),
    ("R6x", "C5", "2022-01-11 10:00", "Y", "IRO1", "Cancelled: missing episodes to discuss."),
]
# what a rejected night tries to add: a timely footprint for N11 (must be ignored)
REJECTED_NOTE = ("CN11", "C2", "IRO", "2022-03-01 12:00", "IRO2", "E11", "N", "Missing", "x", "2022-03-01 12:00", "N")

EXPECTED_CATEGORIES = {
    "notification:N1": "timely_footprint",
    "notification:N2": "timely_footprint",  # 23:59:59 on Tue 4 Jan: in time
    "notification:N3": "late_footprint",  # at 00:00:00 on the day after due: late
    "notification:N4": "timely_footprint",  # the new IRO, on the day of the reallocation
    "notification:N5": "no_footprint",  # no IRO allocated
    "notification:N6": "discussed_at_review",
    "notification:N7": "discussed_with_child",
    "notification:N8": "contact_not_about_missing",
    "episode:E9": "no_footprint",  # never notified
    "notification:N10": None,  # awaiting
    "notification:N11": "no_footprint",  # overdue
    "notification:N12": "no_footprint",  # only a cover IRO's note
    "notification:N13": "contact_not_about_missing",  # "Rhian", "absent from school"
    "notification:N14": "late_footprint",  # rewritten after due
    "notification:N15": "no_footprint",  # deleted note
    "episode:E16": "no_footprint",  # an Away episode never notified
}


def _contract_row(spec, values: dict) -> dict:
    return {name: values.get(name, "") or None for name in spec.column_names}


def nights() -> list[dict]:
    """Three nights: an initial load, a nightly one, and a rejected one."""
    spec = {f.table: f for f in FILES}

    def note(row):
        (nid, person, ntype, created, author, linked, seen, subject, text, modified, deleted) = row
        return _contract_row(spec["case_notes"], {
            "cano_casenote_id": nid, "cano_person_id": person, "cano_type_code": ntype,
            "cano_type_desc": "IRO Discussion/Monitoring" if ntype == "IRO" else ntype,
            "cano_event_date": created, "cano_created_date": created,
            "cano_created_by_professional_id": author, "cano_linked_missing_id": linked,
            "cano_child_seen": seen, "cano_subject": subject, "cano_text": text,
            "modified_at": modified, "is_deleted": deleted,
        })

    snapshot = {
        "ssd_person": [_contract_row(spec["ssd_person"], {
            "pers_person_id": p, "pers_sex": s, "pers_dob": d, "pers_ethnicity": "WBRI"}) for p, s, d in PERSONS],
        "ssd_professionals": [_contract_row(spec["ssd_professionals"], {
            "prof_professional_id": i, "prof_professional_name": n, "prof_professional_job_title": t,
            "prof_professional_department": d}) for i, n, t, d in PROFESSIONALS],
        "ssd_involvements": [_contract_row(spec["ssd_involvements"], {
            "invo_involvements_id": i, "invo_person_id": c, "invo_professional_id": w,
            "invo_professional_role_id": r, "invo_professional_team": "Team " + w,
            "invo_involvement_start_date": s, "invo_involvement_end_date": e}) for i, c, w, r, s, e in INVOLVEMENTS],
        "service_involvements": [_contract_row(spec["service_involvements"], {
            "serv_involvement_id": i, "serv_person_id": c, "serv_service_name": n, "serv_start_date": s,
            "serv_end_date": e}) for i, c, n, s, e in SERVICES],
    }
    events = {
        "ssd_missing": [_contract_row(spec["ssd_missing"], {
            "miss_table_id": i, "miss_person_id": c, "miss_missing_episode_start_date": s,
            "miss_missing_episode_type": t, "miss_missing_episode_end_date": e, "modified_at": s,
            "is_deleted": "N"}) for i, c, s, t, e in EPISODES],
        "missing_notifications": [_contract_row(spec["missing_notifications"], {
            "mino_notification_id": i, "mino_missing_id": e, "mino_person_id": c, "mino_sent_date": s,
            "mino_sent_by_professional_id": "GM1", "modified_at": s, "is_deleted": "N"})
            for i, e, c, s in NOTIFICATIONS],
        "case_notes": [note(r) for r in NOTES],
        "ssd_cla_reviews": [_contract_row(spec["ssd_cla_reviews"], {
            "clar_cla_review_id": i, "clar_cla_person_id": c, "clar_cla_review_due_date": d[:10],
            "clar_cla_review_date": d, "clar_cla_review_cancelled": x, "clar_chair_professional_id": ch,
            "clar_review_summary": s, "modified_at": d, "is_deleted": "N"}) for i, c, d, x, ch, s in REVIEWS],
    }
    first = {**snapshot, **events}
    # The second night repeats part of the window (same versions again) and
    # brings the note updates; its snapshot files are the whole truth.
    second = {
        **snapshot,
        "ssd_missing": events["ssd_missing"][-6:],
        "missing_notifications": events["missing_notifications"][-5:],
        "case_notes": [note(r) for r in NOTES[-5:]] + [note(r) for r in NOTE_UPDATES],
        "ssd_cla_reviews": [],
    }
    rejected = {**snapshot, "ssd_missing": [], "missing_notifications": [], "ssd_cla_reviews": [],
                "case_notes": [note(REJECTED_NOTE)]}
    return [
        {"extract_date": dt.date(2022, 3, 1), "produced_at": dt.datetime(2022, 3, 1, 1, 5),
         "load_type": "initial", "status": "accepted", "tables": first},
        {"extract_date": dt.date(2022, 3, 10), "produced_at": AS_OF,
         "load_type": "nightly", "status": "accepted", "tables": second},
        {"extract_date": dt.date(2022, 3, 11), "produced_at": dt.datetime(2022, 3, 11, 1, 0),
         "load_type": "nightly", "status": "rejected", "tables": rejected},
    ]


def write_raw(conn, night_list: list[dict], duck: bool) -> None:
    """Create the loader's raw layout and write the nights into it."""
    ph = "?" if duck else "%s"
    cur = conn.cursor()
    cur.execute("create schema if not exists raw")
    for spec in FILES:
        cols = ", ".join(f"{c} text" for c in spec.column_names)
        cur.execute(f"drop table if exists raw.{spec.table}")
        cur.execute(
            f"create table raw.{spec.table} ({cols}, _extract_date date, _produced_at timestamp, "
            "_source_file text, _source_row bigint, _loaded_at timestamp)"
        )
    cur.execute("drop table if exists raw.extract_nights")
    cur.execute(NIGHTS_DDL)
    cur.execute("drop table if exists raw.child_pseudonyms")
    cur.execute("create table raw.child_pseudonyms (person_id text primary key, child_key text)")
    loaded_at = dt.datetime(2022, 3, 11, 2, 0)
    for night in night_list:
        cur.execute(
            "insert into raw.extract_nights (extract_date, produced_at, source_system, load_type, status, "
            f"row_counts) values ({ph}, {ph}, {ph}, {ph}, {ph}, {ph})",
            (night["extract_date"], night["produced_at"], "LCS", night["load_type"], night["status"], "{}"),
        )
        for spec in FILES:
            rows = night["tables"].get(spec.table, [])
            if not rows:
                continue
            names = [*spec.column_names, *META_COLUMNS]
            sql = f"insert into raw.{spec.table} ({', '.join(names)}) values ({', '.join([ph] * len(names))})"
            cur.executemany(sql, [
                (*[row[c] for c in spec.column_names], night["extract_date"], night["produced_at"],
                 spec.name, i + 1, loaded_at)
                for i, row in enumerate(rows)
            ])
    cur.executemany(
        f"insert into raw.child_pseudonyms values ({ph}, {ph})",
        [(p, "key-" + p.lower()) for p, _, _ in PERSONS],
    )
    conn.commit()


# ------------------------------------------------------------- the warehouses


def read_marts(conn) -> dict[str, list[tuple]]:
    out = {}
    cur = conn.cursor()
    for mart in MARTS:
        cur.execute(f"select * from marts_build.{mart}")  # noqa: S608 (fixed names)
        columns = [d[0] for d in cur.description]
        keys = [columns.index(k) for k in MART_KEYS[mart]]
        rows = [tuple(_normal(v) for v in row) for row in cur.fetchall()]
        out[mart] = {"columns": columns, "rows": sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))}
    return out


def _normal(value):
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(decimal.Decimal("0.0001")))
    if isinstance(value, float):
        return str(decimal.Decimal(repr(value)).quantize(decimal.Decimal("0.0001")))
    return value


def _settings(tmp: Path, target: str, criteria: Path | None = None):
    from footprint.settings import Settings

    env = {"FOOTPRINT_TARGET": target, "FOOTPRINT_DUCKDB_PATH": str(tmp / "warehouse.duckdb")}
    if criteria:
        env["FOOTPRINT_CRITERIA_PATH"] = str(criteria)
    return Settings.from_env({**os.environ, **env})


@pytest.fixture(scope="session")
def dbt_paths(tmp_path_factory):
    """dbt's target and log folders for this session, away from the shared tree."""
    base = tmp_path_factory.mktemp("dbt")
    mp = pytest.MonkeyPatch()
    mp.setenv("DBT_TARGET_PATH", str(base / "target"))
    mp.setenv("DBT_LOG_PATH", str(base / "logs"))
    mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    yield base
    mp.undo()


@pytest.fixture(scope="session")
def duckdb_built(tmp_path_factory, dbt_paths):
    import duckdb

    from footprint.transform.dbt_runner import run_dbt

    tmp = tmp_path_factory.mktemp("duck")
    settings = _settings(tmp, "duckdb")
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        write_raw(conn, nights(), duck=True)
    run_dbt(["build"], settings)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        marts = read_marts(conn)
    return {"settings": settings, "marts": marts}


@pytest.fixture(scope="session")
def postgres_built(pg_server, dbt_paths):
    import psycopg2

    from footprint.transform.dbt_runner import run_dbt

    pg_server.create_database("dbt_models")
    env = pg_server.env("dbt_models")
    mp = pytest.MonkeyPatch()
    for key, value in env.items():
        mp.setenv(key, value)
    try:
        conn = psycopg2.connect(**pg_server.connect_kwargs("dbt_models"))
        write_raw(conn, nights(), duck=False)
        settings = _settings(Path("/nonexistent"), "postgres")
        run_dbt(["build"], settings)
        marts = read_marts(conn)
        conn.close()
    finally:
        mp.undo()
    return {"env": env, "marts": marts}


@pytest.fixture(scope="session")
def duckdb_published(duckdb_built):
    """The DuckDB build published to its marts file, as readers (footprint explain) see it."""
    from footprint.publish.marts import publish

    publish(duckdb_built["settings"])
    return duckdb_built


@pytest.fixture(scope="session")
def postgres_published(postgres_built):
    """The PostgreSQL build published to schema marts (its marts_build tables move there)."""
    from footprint.publish.marts import publish

    mp = pytest.MonkeyPatch()
    for key, value in postgres_built["env"].items():
        mp.setenv(key, value)
    try:
        publish(_settings(Path("/nonexistent"), "postgres"))
    finally:
        mp.undo()
    return postgres_built


def _rows_by_key(marts, mart="fct_missing_notifications"):
    columns = marts[mart]["columns"]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in marts[mart]["rows"]}


# ------------------------------------------------------------------- the tests


def test_duckdb_build_gives_the_expected_categories(duckdb_built):
    rows = _rows_by_key(duckdb_built["marts"])
    assert {k: r["footprint_category"] for k, r in rows.items()} == EXPECTED_CATEGORIES
    n10, n11 = rows["notification:N10"], rows["notification:N11"]
    assert n10["is_awaiting_footprint"] and not n10["is_overdue"] and not n10["is_final"]
    assert n11["is_overdue"] and not n11["is_awaiting_footprint"] and not n11["is_final"]
    assert rows["notification:N2"]["due_at"] == dt.datetime(2022, 1, 5)  # Sun 2 Jan -> end of Tue 4 Jan
    assert rows["notification:N4"]["iro_professional_id"] == "IRO2"  # reallocated that day: started last
    assert rows["notification:N5"]["iro_professional_id"] is None
    assert rows["notification:N14"]["footprint_at"] == dt.datetime(2022, 2, 20, 9, 0)
    assert rows["notification:N1"]["evidence_basis"] == "keyword: missing"
    assert rows["notification:N3"]["evidence_basis"] == "linked to this episode"
    # child facts: C2's Get Safe ends on the notification day (still open); C1 had an Away episode before
    assert rows["notification:N2"]["get_safe_open"] is True
    assert rows["notification:N4"]["get_safe_open"] is False
    assert rows["notification:N1"]["missing_episodes_prior_90d"] == 2
    assert rows["notification:N1"]["child_age_at_notification"] == 15
    assert rows["notification:N7"]["child_age_at_notification"] == 13  # dob given as 15/06/2008
    assert all(r["criteria_version"] == "1" and r["as_of"] == AS_OF for r in rows.values())
    assert rows["notification:N1"]["working_hours_to_footprint"] == "22.0000"  # Mon 12:00 -> Tue 10:00
    worklist = _rows_by_key(duckdb_built["marts"], "rpt_footprint_worklist")
    # overdue until the horizon: February's unanswered notifications are still on the list
    assert {k: r["worklist_status"] for k, r in worklist.items()} == {
        "notification:N10": "awaiting",
        "notification:N11": "overdue",
        "notification:N12": "overdue",
        "notification:N13": "overdue",
        "notification:N15": "overdue",
    }
    assert worklist["notification:N11"]["hours_overdue"] == "169.0000"  # Thu 3 Mar 00:00 -> Thu 10 Mar 01:00


def test_marts_hold_no_person_ids_or_free_text(duckdb_built):
    person_ids = {p for p, _, _ in PERSONS}
    texts = {r[8] for r in NOTES} | {r[5] for r in REVIEWS}
    for mart in duckdb_built["marts"].values():
        for row in mart["rows"]:
            for value in row:
                assert value not in person_ids
                assert value not in texts


def test_monthly_figures_count_notifications_apart_from_unnotified_episodes(duckdb_built):
    service = _rows_by_key(duckdb_built["marts"], "fct_service_compliance_monthly")
    january = service[dt.date(2022, 1, 1)]
    # N1, N2, N4, N5, N6, N7, N8 notified in January; E9 never notified
    assert january["notifications"] == 7
    assert january["not_notified"] == 1
    assert january["timely_footprint"] == 3
    assert january["timely_rate"] == "0.4286"
    iro = duckdb_built["marts"]["fct_iro_compliance_monthly"]
    keys = {(r[0], r[4]) for r in iro["rows"]}
    assert ("unallocated", dt.date(2022, 1, 1)) in keys


def test_same_input_gives_identical_marts_on_duckdb_and_postgres(duckdb_built, postgres_built):
    for mart in MARTS:
        duck, pg = duckdb_built["marts"][mart], postgres_built["marts"][mart]
        assert duck["columns"] == pg["columns"], mart
        assert len(duck["rows"]) == len(pg["rows"]), mart
        for duck_row, pg_row in zip(duck["rows"], pg["rows"], strict=True):
            assert duck_row == pg_row, mart


@pytest.mark.slow  # a second full build, under other criteria
def test_changing_a_criterion_changes_categories_without_sql_edits(duckdb_built, tmp_path):
    import shutil

    import duckdb
    import yaml

    from footprint.settings import CONFIG_DIR
    from footprint.transform.dbt_runner import run_dbt

    # A copy of the built warehouse and a criteria file two working days long.
    shutil.copy(duckdb_built["settings"].duckdb_path, tmp_path / "warehouse.duckdb")
    criteria = yaml.safe_load((CONFIG_DIR / "criteria.yml").read_text())
    criteria.update(criteria_version="test-2-days", footprint_due_working_days=2)
    path = tmp_path / "criteria.yml"
    path.write_text(yaml.safe_dump(criteria))
    settings = _settings(tmp_path, "duckdb", criteria=path)
    # any_iro through extra vars, on top of the file: the cover IRO's note now counts.
    # A build, not a run: the unit tests pin their own criteria, so they still pass.
    run_dbt(["build", "--select", "intermediate", "marts"], settings, extra_vars={"footprint_author_scope": "any_iro"})
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        rows = _rows_by_key(read_marts(conn))
    changed = {k: r["footprint_category"] for k, r in rows.items()
               if r["footprint_category"] != EXPECTED_CATEGORIES[k]}
    assert changed == {
        "notification:N3": "timely_footprint",  # due two working days later: in time
        "notification:N12": "timely_footprint",  # the cover IRO's note counts under any_iro
    }
    # N4: under any_iro the previous IRO's earlier note is the footprint
    assert rows["notification:N4"]["evidence_id"] == "CN4a"
    assert rows["notification:N2"]["due_at"] == dt.datetime(2022, 1, 6)
    assert all(r["criteria_version"] == "test-2-days" for r in rows.values())


def test_a_null_where_none_may_be_fails_the_models_not_null_test_by_column(duckdb_built, tmp_path):
    """A model's never-NULL columns are checked in one data test per model: a NULL in any of
    them fails it, and the failure says which column and how many rows, never a value."""
    import shutil

    import duckdb

    from footprint.transform.dbt_runner import DbtFailure, run_dbt

    shutil.copy(duckdb_built["settings"].duckdb_path, tmp_path / "warehouse.duckdb")
    settings = _settings(tmp_path, "duckdb")
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("update intermediate.int_notifications__windows set horizon_at = null "
                     "where notification_key in ('notification:N1', 'notification:N2')")
    with pytest.raises(DbtFailure) as caught:
        run_dbt(["test", "--select", "int_notifications__windows", "--exclude-resource-type", "unit_test"],
                settings)
    (node, status), = caught.value.nodes
    assert node.startswith("test.footprint.not_null_columns_int_notifications__windows") and status == "fail"
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        assert conn.execute(_compiled(node)).fetchall() == [("horizon_at", 2)]

    # A mart's never-NULL columns are its contract's constraints: the build itself refuses.
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("update intermediate.int_notifications__measured set child_key = null "
                     "where notification_key = 'notification:N3'")
    with pytest.raises(DbtFailure) as caught:
        run_dbt(["run", "--select", "fct_missing_notifications"], settings)
    assert caught.value.nodes == [("model.footprint.fct_missing_notifications", "error")]
    assert "not null" in str(caught.value).lower() and "child_key" in str(caught.value)


def _compiled(unique_id: str) -> str:
    """The compiled SQL of a data test, from the manifest of the last dbt invocation."""
    import json

    manifest = json.loads((Path(os.environ["DBT_TARGET_PATH"]) / "manifest.json").read_text())
    return manifest["nodes"][unique_id]["compiled_code"]


def test_explain_shows_the_deciding_version_and_never_the_note_text(duckdb_published, postgres_published, monkeypatch):
    from footprint.readers.explain import explain, notification_key, render

    duckdb_built = duckdb_published
    report = explain(notification_key("N14"), duckdb_built["settings"])
    text = render(report)
    assert "late_footprint" in text and "CN14" in text and "from version 2" in text
    assert "keyword 'missing'" in text
    decided = [c for c in report["candidates"] if c["record_id"] == "CN14"][0]
    assert decided["counts_from_version_number"] == 2
    cover = render(explain(notification_key("N12"), duckdb_built["settings"]))
    assert "IRO3 (another IRO)" in cover and "author is not the allocated IRO" in cover
    unnotified = render(explain(notification_key("E9", episode=True), duckdb_built["settings"]))
    assert "never notified" in unnotified
    for key in ("N1", "N2", "N3", "N4", "N6", "N7", "N8", "N13", "N14"):
        shown = render(explain(notification_key(key), duckdb_built["settings"]))
        free_text = [r[8] for r in NOTES + NOTE_UPDATES] + [r[7] for r in NOTES] + [r[5] for r in REVIEWS]
        for text_value in free_text:
            # short subjects ("Missing", "Call") are also ordinary words of the output
            for sentence in text_value.split("."):
                if len(sentence.strip()) > 12:
                    assert sentence.strip() not in shown
    # the same explanation on PostgreSQL
    for name, value in postgres_published["env"].items():
        monkeypatch.setenv(name, value)
    pg_report = explain(notification_key("N14"), _settings(Path("/nonexistent"), "postgres"))
    assert render(pg_report) == text


def test_explain_reads_the_published_marts_only(duckdb_published, tmp_path):
    from footprint.errors import FootprintError
    from footprint.readers.explain import explain, notification_key

    # Every notification of the build, and each of its candidate records, is one explanation.
    evidence = _rows_by_key(duckdb_published["marts"], "fct_footprint_evidence")
    keys = {r["notification_key"] for r in evidence.values()}
    assert keys == set(EXPECTED_CATEGORIES)
    for key in keys:
        report = explain(key, duckdb_published["settings"])
        records = [r for r in evidence.values() if r["notification_key"] == key and r["record_id"] is not None]
        assert len(report["candidates"]) == len(records), key
        assert report["notification"]["category_so_far"] == (EXPECTED_CATEGORIES[key] or "no_footprint"), key
    # A warehouse built but never published has nothing to explain from.
    with pytest.raises(FootprintError, match="no published marts"):
        explain(notification_key("N1"), _settings(tmp_path, "duckdb"))
    with pytest.raises(FootprintError, match="no notification N404"):
        explain(notification_key("N404"), duckdb_published["settings"])


# --------------------------------------------- realistic input, when available


def _pipeline_modules():
    try:
        from footprint.devtools.generate import generate
        from footprint.ingest.raw_load import load_night
    except ImportError:  # the generator or the loader is not in this tree yet
        return None
    return generate, load_night


@pytest.fixture(scope="session")
def small_preset(tmp_path_factory):
    modules = _pipeline_modules()
    if modules is None:
        pytest.skip("the extract generator and the raw loader are not available")
    generate, _ = modules
    landing = tmp_path_factory.mktemp("landing")
    return generate(landing, "small", dt.date(2022, 3, 1), nights=2, history_years=1, seed=7, progress=False)


def _load_accept_build(folders, settings, connect) -> dict:
    from footprint.transform.dbt_runner import run_dbt

    _, load_night = _pipeline_modules()
    for folder in folders:
        load_night(folder, settings)
    with connect() as conn:
        conn.cursor().execute("update raw.extract_nights set status = 'accepted'")
        conn.commit()
    # The unit tests already ran in the hand-made builds above.
    run_dbt(["build", "--exclude", "test_type:unit"], settings)
    with connect() as conn:
        return read_marts(conn)


def test_small_preset_gives_identical_marts_on_duckdb_and_postgres(
    small_preset, pg_server, dbt_paths, tmp_path, monkeypatch
):
    import duckdb
    import psycopg2

    monkeypatch.setenv("FOOTPRINT_PSEUDONYM_KEY", "dbt-models-test-key-0123456789abcdef0123")
    duck_settings = _settings(tmp_path, "duckdb")
    duck = _load_accept_build(small_preset, duck_settings, lambda: duckdb.connect(str(duck_settings.duckdb_path)))

    pg_server.create_database("dbt_models_small")
    for name, value in pg_server.env("dbt_models_small").items():
        monkeypatch.setenv(name, value)
    pg = _load_accept_build(
        small_preset, _settings(tmp_path, "postgres"),
        lambda: psycopg2.connect(**pg_server.connect_kwargs("dbt_models_small")),
    )
    facts = duck["fct_missing_notifications"]
    assert len(facts["rows"]) > 20
    categories = {row[facts["columns"].index("footprint_category")] for row in facts["rows"]}
    assert {"timely_footprint", "no_footprint"} <= categories
    for mart in MARTS:
        assert duck[mart]["columns"] == pg[mart]["columns"], mart
        assert duck[mart]["rows"] == pg[mart]["rows"], mart


# ------------------------------------------------- the runner, without dbt


def test_criteria_file_holds_every_rule_parameter():
    from footprint.settings import CONFIG_DIR
    from footprint.transform.criteria import CRITERIA_KEYS, criteria_vars

    criteria = criteria_vars(CONFIG_DIR / "criteria.yml")
    assert set(criteria) == CRITERIA_KEYS
    assert criteria["footprint_author_scope"] == "allocated_iro"
    assert criteria["footprint_due_working_days"] == 1
    assert criteria["evidence_horizon_days"] == 28 and criteria["activity_lookback_days"] == 7
    assert criteria["footprint_note_types"] == ["IRO"] and criteria["episode_types"] == ["Missing", "Away"]
    assert "Philomena" in criteria["missing_keywords"] and "absent from school" in criteria["missing_keyword_exclusions"]
    assert criteria["iro_role_description"] == "IRO" and criteria["get_safe_service_name"] == "Get Safe"


@pytest.mark.parametrize("change, message", [
    ({"footprint_due_working_dayz": 1}, "unknown criteria"),
    ({"footprint_author_scope": "cover"}, "footprint_author_scope must be one of"),
    ({"footprint_time_field": "modified"}, "footprint_time_field must be one of"),
    ({"evidence_horizon_days": -1}, "whole number"),
    ({"footprint_due_working_days": "1"}, "whole number"),
    ({"missing_keywords": "missing"}, "list of non-empty strings"),
    ({"episode_types": []}, "at least one episode type"),
])
def test_a_malformed_criterion_is_refused_before_dbt_starts(tmp_path, change, message):
    import yaml

    from footprint.errors import FootprintError
    from footprint.settings import CONFIG_DIR
    from footprint.transform.criteria import criteria_vars

    criteria = {**yaml.safe_load((CONFIG_DIR / "criteria.yml").read_text()), **change}
    path = tmp_path / "criteria.yml"
    path.write_text(yaml.safe_dump(criteria))
    with pytest.raises(FootprintError, match=message):
        criteria_vars(path)


def test_a_scoped_build_keeps_its_parse_apart_from_a_full_builds(monkeypatch, tmp_path):
    """dbt parses the whole project again when the vars differ from its last parse; the nightly
    (scoped) and full builds keep a parse each, so switching between them costs no re-parse."""
    from footprint.transform.dbt_runner import _scoped_build_options, dbt_command_line

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    assert _scoped_build_options({"build_scope": "all"}) == []
    assert _scoped_build_options({"criteria_version": "1"}) == []
    assert _scoped_build_options({"build_scope": "children"})[-2:] == ["--target-path", str(tmp_path / "target" / "scoped")]
    line = dbt_command_line(["build"], _settings(tmp_path, "duckdb"), {"build_scope": "children"})
    assert line[-2:] == ["--target-path", str(tmp_path / "target" / "scoped")]
    # What nothing reads, a nightly build does not write: dbt's json artifacts, a debug log.
    assert "--no-write-json" in line
    assert line[line.index("--log-level-file") + 1] == "info"


def test_a_nightly_build_leaves_only_the_calendar_and_its_tests_as_built(tmp_path):
    """The calendar follows from the model code alone, which the build fingerprint covers: a
    nightly build selects every other node, tests included, and none of the calendar's."""
    from footprint.transform.dbt_runner import run_dbt
    from footprint.transform.incremental import NIGHTLY_EXCLUDES

    settings = _settings(tmp_path, "duckdb")

    def listed(*options: str) -> set[str]:
        kinds = [o for kind in ("model", "seed", "test") for o in ("--resource-type", kind)]
        return set(run_dbt(["ls", "--quiet", *kinds, "--output", "name", *options], settings).result)

    everything, nightly = listed(), listed(*NIGHTLY_EXCLUDES)
    left_out = everything - nightly
    assert {"calendar_days", "int_calendar__working_days"} <= left_out
    assert all("calendar" in name for name in left_out), left_out
    assert len(left_out) < 10, left_out
    # What reads the calendar is built every night.
    assert {"int_notifications__due", "int_notifications__working_hours"} <= nightly


@pytest.mark.slow  # a full build and a nightly one
def test_a_full_build_parses_ahead_so_the_nightly_build_that_follows_does_not(duckdb_built, tmp_path, monkeypatch):
    """dbt parses the whole project again when the vars differ from its last parse's: a full build
    parses for the nightly builds' vars as well, so the first night after it does not pay for it."""
    import shutil

    from footprint.transform.dbt_runner import run_dbt

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    shutil.copy(duckdb_built["settings"].duckdb_path, tmp_path / "warehouse.duckdb")
    settings = _settings(tmp_path, "duckdb")
    as_the_dag_builds = ["build", "--exclude-resource-type", "unit_test"]
    run_dbt([*as_the_dag_builds, "--full-refresh"], settings)
    nightly_parse = tmp_path / "target" / "scoped" / "partial_parse.msgpack"
    parsed_at = nightly_parse.stat().st_mtime_ns
    run_dbt(as_the_dag_builds, settings)
    assert (tmp_path / "target" / "scoped" / "graph_summary.json").stat().st_mtime_ns > parsed_at, \
        "the second build should be a nightly one"
    assert nightly_parse.stat().st_mtime_ns == parsed_at, "the nightly build parsed the project again"


def test_footprint_build_passes_dbt_arguments_and_criteria(monkeypatch, tmp_path):
    import json

    from footprint import cli
    from footprint.transform import dbt_runner

    calls = []
    monkeypatch.setattr(dbt_runner, "run_dbt", lambda args, settings=None, extra_vars=None: calls.append((args, extra_vars)))
    assert cli.main(["build"]) == 0
    assert cli.main(["build", "--select", "marts", "--set", "footprint_due_working_days=2"]) == 0
    assert cli.main(["build", "run", "--select", "staging"]) == 0
    assert calls == [
        (["build"], {}),
        (["build", "--select", "marts"], {"footprint_due_working_days": 2}),
        (["run", "--select", "staging"], {}),
    ]
    settings = _settings(tmp_path, "duckdb")
    line = dbt_runner.dbt_command_line(["--select", "x"], settings, {"criteria_version": "1"})
    assert line[:3] == ["build", "--select", "x"]
    assert line[line.index("--target") + 1] == "duckdb"
    assert json.loads(line[line.index("--vars") + 1]) == {"criteria_version": "1"}


def test_a_failed_build_names_the_failing_nodes_without_echoing_values():
    from types import SimpleNamespace

    from footprint.transform.dbt_runner import _failure_message

    def node_result(unique_id, status, message):
        return SimpleNamespace(node=SimpleNamespace(unique_id=unique_id), status=status, message=message)

    result = SimpleNamespace(success=False, exception=None, result=SimpleNamespace(results=[
        node_result("model.footprint.ok", "success", "OK"),
        node_result("model.footprint.stg_lcs__persons", "error",
                    "Conversion Error: Could not convert string '31/02/2008' to DATE"),
        node_result("test.footprint.unique_x", "fail", "Got 2 results, configured to fail if != 0"),
    ]))
    message = _failure_message("build", result)
    assert "model.footprint.stg_lcs__persons" in message and "test.footprint.unique_x" in message
    assert "model.footprint.ok" not in message
    assert "31/02/2008" not in message


def test_dbt_run_by_hand_without_full_refresh_rebuilds_the_accumulating_models_whole(duckdb_built, tmp_path):
    """`footprint build` makes every full build a --full-refresh, but an operator may run dbt
    itself: an incremental run that is not scoped to children replaces every row of the
    accumulating models instead of adding the same rows a second time."""
    import json
    import shutil
    import subprocess
    import sys

    import duckdb

    from footprint.settings import DBT_PROJECT_DIR
    from footprint.transform.criteria import criteria_vars

    shutil.copy(duckdb_built["settings"].duckdb_path, tmp_path / "warehouse.duckdb")
    settings = _settings(tmp_path, "duckdb")
    accumulating = ["int_notifications__measured", "int_footprint_evidence__measured",
                    "fct_missing_notifications", "fct_footprint_evidence"]
    by_hand = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--select", *accumulating,
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "duckdb",
         "--vars", json.dumps(criteria_vars(settings.criteria_path))],
        env={**os.environ, "FOOTPRINT_DUCKDB_PATH": str(settings.duckdb_path)}, capture_output=True, text=True,
    )
    assert by_hand.returncode == 0, by_hand.stdout[-3000:]
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        assert read_marts(conn) == duckdb_built["marts"]
        for model, grain in {"int_notifications__measured": "notification_key",
                             "int_footprint_evidence__measured": "evidence_key"}.items():
            rows, keys = conn.execute(f"select count(*), count(distinct {grain}) from intermediate.{model}").fetchone()
            assert rows == keys, f"{model}: rows added a second time"
