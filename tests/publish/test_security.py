"""Least privilege and pseudonymisation on a real PostgreSQL warehouse.

The pipeline runs exactly as deployed: `footprint warehouse init` as the
administrator, then each night loaded and gated as the loader role and built
and published as the transformer role."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest

from footprint import nightly
from footprint.ingest.landing import list_nights
from footprint.publish.roles import BI, LOADER, ROLES, SERVICE, TRANSFORMER, init_warehouse
from footprint.settings import DBT_PROJECT_DIR, Settings
from tests.support.pipeline import write_nights

pytestmark = pytest.mark.dbt

KEY = "first-pseudonym-key-for-the-tests-0123456789"
OTHER_KEY = "second-pseudonym-key-for-the-tests-9876543210"
PASSWORDS = {role.key: f"{role.key}-password" for role in ROLES}


@pytest.fixture(scope="module")
def secured(pg_server, tmp_path_factory):
    base = tmp_path_factory.mktemp("secured")
    pg_server.create_database("secured")
    landing = base / "landing"
    nights = write_nights(landing, nights=1)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in pg_server.env("secured").items():
            mp.setenv(key, value)
        for role in ROLES:
            mp.setenv(f"FOOTPRINT_{role.key.upper()}_USER", f"fp_{role.key}")
            mp.setenv(f"FOOTPRINT_{role.key.upper()}_PASSWORD", PASSWORDS[role.key])
        mp.setenv("FOOTPRINT_TARGET", "postgres")
        mp.setenv("FOOTPRINT_LANDING_DIR", str(landing))
        mp.setenv("FOOTPRINT_REPORTS_DIR", str(base / "reports"))
        mp.setenv("FOOTPRINT_PSEUDONYM_KEY", KEY)
        admin = psycopg2.connect("")
        init_warehouse(admin)
        init_warehouse(admin)  # idempotent: a second deployment changes nothing and does not fail
        admin.close()
        for night in nights:
            nightly.run_night(dt.date.fromisoformat(night.name))
        yield {"server": pg_server, "landing": landing, "nights": nights, "mp": mp, "base": base}


def login(secured, role) -> psycopg2.extensions.connection:
    kwargs = secured["server"].connect_kwargs("secured")
    kwargs.update(user=role.name, password=PASSWORDS[role.key])
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    return conn


def relations(conn, schema: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    "where n.nspname = %s and c.relkind in ('r', 'v') order by 1", (schema,))
        return [r[0] for r in cur.fetchall()]


def can_select(conn, relation: str) -> bool:
    try:
        with conn.cursor() as cur:
            cur.execute(f"select * from {relation} limit 1")
            cur.fetchall()
        return True
    except psycopg2.errors.InsufficientPrivilege:
        return False


def admin_conn(secured):
    conn = psycopg2.connect(**secured["server"].connect_kwargs("secured"))
    conn.autocommit = True
    return conn


MARTS = ["fct_footprint_evidence", "fct_iro_compliance_monthly", "fct_missing_notifications",
         "fct_service_compliance_monthly", "rpt_footprint_worklist"]


def test_the_pipeline_ran_as_its_roles(secured):
    with admin_conn(secured) as conn, conn.cursor() as cur:
        cur.execute("select tableowner from pg_tables where schemaname = 'raw' and tablename = 'case_notes'")
        assert cur.fetchone()[0] == LOADER.name
        cur.execute("select viewowner from pg_views where schemaname = 'marts' and viewname = 'fct_missing_notifications'")
        assert cur.fetchone()[0] == TRANSFORMER.name
        cur.execute("select distinct status from raw.extract_nights")
        assert cur.fetchall() == [("accepted",)]
    assert set(MARTS) <= set(relations(admin_conn(secured), "marts"))


def test_bi_reads_every_mart_and_nothing_else(secured):
    admin = admin_conn(secured)
    bi = login(secured, BI)
    for mart in relations(admin, "marts"):
        assert can_select(bi, f"marts.{mart}"), mart
    for schema in ("raw", "staging", "intermediate", "restricted", "marts_versions", "seeds", "review"):
        names = relations(admin, schema)
        assert names, f"{schema} has relations to be denied"
        for name in names:
            assert not can_select(bi, f"{schema}.{name}"), f"BI can read {schema}.{name}"


def test_no_role_but_loader_and_transformer_reads_case_note_text(secured):
    admin = admin_conn(secured)
    text_relations = []
    with admin.cursor() as cur:
        cur.execute("select table_schema || '.' || table_name from information_schema.columns "
                    "where column_name in ('cano_text', 'clar_review_summary', 'note_text', 'review_summary')")
        text_relations = [r[0] for r in cur.fetchall()]
    assert "raw.case_notes" in text_relations
    for role in (BI, SERVICE):
        conn = login(secured, role)
        for relation in text_relations:
            assert not can_select(conn, relation), f"{role.name} reads {relation}"
    for role in (LOADER, TRANSFORMER):
        assert can_select(login(secured, role), "raw.case_notes")


def test_the_service_role_appends_reviews_that_the_transformer_builds_and_nobody_else_reads(secured):
    from footprint.review import actions

    admin = admin_conn(secured)
    with admin.cursor() as cur:
        cur.execute("select notification_id from marts.fct_missing_notifications where is_notified "
                    "and computed_category = 'no_footprint' order by 1 limit 1")
        (notification_id,) = cur.fetchone()
    settings = Settings.from_env()
    actions.set_review(settings, notification_id, "late_footprint", "recorded_elsewhere", "free text", "PM")
    with admin.cursor() as cur:
        cur.execute("select tableowner from pg_tables where schemaname = 'review' and tablename = 'category_reviews'")
        assert cur.fetchone()[0] != SERVICE.name, "the service may append, not own (and so not rewrite)"
    service = login(secured, SERVICE)
    for statement in ("update review.category_reviews set reason_code = 'x'", "delete from review.category_reviews"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), service.cursor() as cur:
            cur.execute(statement)
    for role in (BI, LOADER):
        assert not can_select(login(secured, role), "review.category_reviews"), role.name
    nightly.build(dt.date.fromisoformat(secured["nights"][-1].name))
    nightly.publish()
    with login(secured, BI).cursor() as cur:
        cur.execute("select footprint_category, computed_category, is_reviewed from marts.fct_missing_notifications "
                    "where notification_id = %s", (notification_id,))
        assert cur.fetchone() == ("late_footprint", "no_footprint", True)
    actions.clear_review(settings, notification_id, "PM")


def test_loader_cannot_read_the_marts(secured):
    loader = login(secured, LOADER)
    for mart in MARTS:
        assert not can_select(loader, f"marts.{mart}")


def test_service_role_reads_the_restricted_worklist_with_source_ids(secured):
    service = login(secured, SERVICE)
    with service.cursor() as cur:
        cur.execute("select person_id, missing_episode_id, child_key from restricted.footprint_worklist")
        rows = cur.fetchall()
        cur.execute("select count(*) from marts.rpt_footprint_worklist")
        (worklist_rows,) = cur.fetchone()
    assert len(rows) == worklist_rows > 0
    person_ids = set(_column(secured["landing"], "ssd_person.csv", "pers_person_id"))
    assert {r[0] for r in rows} <= person_ids


def test_grants_cover_relations_created_after_them_and_every_publish(secured):
    transformer = login(secured, TRANSFORMER)
    with transformer.cursor() as cur:
        cur.execute("create or replace view marts.test_new_mart as select 1 as one")
    assert can_select(login(secured, BI), "marts.test_new_mart")
    assert can_select(login(secured, SERVICE), "marts.test_new_mart")
    with transformer.cursor() as cur:
        cur.execute("drop view marts.test_new_mart")
    # Another night's publish replaces every mart; the BI login still reads them all.
    nightly.run_night(dt.date.fromisoformat(secured["nights"][-1].name))
    bi = login(secured, BI)
    for mart in MARTS:
        assert can_select(bi, f"marts.{mart}")
    assert can_select(login(secured, SERVICE), "restricted.footprint_worklist")


def _column(landing: Path, file: str, column: str) -> list[str]:
    values = []
    for night in list_nights(landing):
        with open(landing / str(night) / file, encoding="utf-8-sig", newline="") as fh:
            values += [row[column] for row in csv.DictReader(fh) if row[column]]
    return values


def _mart_values(secured) -> dict[str, list[tuple]]:
    with admin_conn(secured) as conn, conn.cursor() as cur:
        out = {}
        for mart in relations(conn, "marts"):
            cur.execute(f"select * from marts.{mart}")
            out[mart] = (tuple(d.name for d in cur.description), cur.fetchall())
        return out


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_mart_holds_a_person_id_a_date_of_birth_or_note_text(secured):
    """A date of birth would show as the child's own dob in a date column of the child's row
    (children looked after include infants, so other dates may coincide with someone's dob)."""
    from footprint.ingest.pseudonym import child_key

    landing = secured["landing"]
    person_ids = set(_column(landing, "ssd_person.csv", "pers_person_id"))
    dob_by_key = {}
    for person_id, value in zip(_column(landing, "ssd_person.csv", "pers_person_id"),
                                _column(landing, "ssd_person.csv", "pers_dob"), strict=True):
        fmt = "%d/%m/%Y" if "/" in value else "%Y-%m-%d"
        dob_by_key[child_key(person_id, KEY)] = dt.datetime.strptime(value, fmt).date()
    shingles = set()
    for file, column in (("case_notes.csv", "cano_text"), ("ssd_cla_reviews.csv", "clar_review_summary"),
                         ("case_notes.csv", "cano_subject")):
        for text in _column(landing, file, column):
            shingles |= _shingles(text)
    assert person_ids and dob_by_key and shingles
    checked = dated = 0
    for mart, (columns, rows) in _mart_values(secured).items():
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            dob = dob_by_key.get(record.get("child_key"))
            for column, value in record.items():
                if value is None:
                    continue
                checked += 1
                if isinstance(value, dt.date | dt.datetime):
                    day = value.date() if isinstance(value, dt.datetime) else value
                    dated += dob is not None
                    assert day != dob, f"{mart}.{column} holds the child's date of birth"
                elif isinstance(value, str):
                    assert value not in person_ids, f"{mart}.{column} holds a person id"
                    assert not (_shingles(value) & shingles), f"{mart}.{column} holds note text"
    assert checked > 1000 and dated > 100


def _child_keys(secured) -> set[str]:
    with admin_conn(secured) as conn, conn.cursor() as cur:
        cur.execute("select distinct child_key from marts.fct_missing_notifications")
        return {r[0] for r in cur.fetchall()}


def test_child_key_is_stable_under_one_key_and_changes_with_another(secured):
    before = _child_keys(secured)
    last = dt.date.fromisoformat(secured["nights"][-1].name)
    nightly.run_night(last)
    assert _child_keys(secured) == before, "same key, same child_key across runs"
    secured["mp"].setenv("FOOTPRINT_PSEUDONYM_KEY", OTHER_KEY)
    try:
        nightly.run_night(last)
        rotated = _child_keys(secured)
    finally:
        secured["mp"].setenv("FOOTPRINT_PSEUDONYM_KEY", KEY)
        nightly.run_night(last)
    assert len(rotated) == len(before) and not (rotated & before), "another key, other child_keys"
    assert _child_keys(secured) == before


def test_the_key_never_reaches_dbt_artifacts_or_logs(secured):
    folders = [Path(os.environ.get("DBT_TARGET_PATH", DBT_PROJECT_DIR / "target")),
               Path(os.environ.get("DBT_LOG_PATH", DBT_PROJECT_DIR / "logs")), secured["base"],
               Settings.from_env().reports_dir]
    scanned = 0
    for folder in folders:
        for path in Path(folder).rglob("*") if Path(folder).exists() else []:
            if path.is_file():
                scanned += 1
                data = path.read_bytes()
                assert KEY.encode() not in data and OTHER_KEY.encode() not in data, path
    assert scanned > 10


def test_postgres_refuses_to_run_without_the_key(secured, monkeypatch):
    from footprint.errors import FootprintError

    monkeypatch.delenv("FOOTPRINT_PSEUDONYM_KEY")
    with pytest.raises(FootprintError, match="FOOTPRINT_PSEUDONYM_KEY"):
        nightly.run_night(dt.date.fromisoformat(secured["nights"][-1].name))


def test_publish_waits_for_a_reader_holding_the_marts_then_switches(secured):
    """A BI session in the middle of a transaction keeps reading the old marts; publish
    retries rather than failing the night or queueing every other reader behind it."""
    import threading

    nightly.build(dt.date.fromisoformat(secured["nights"][-1].name))
    reader = login(secured, BI)
    reader.autocommit = False
    with reader.cursor() as cur:
        cur.execute("select count(*) from marts.fct_missing_notifications")
        cur.fetchall()
    outcome: dict = {}
    publisher = threading.Thread(target=lambda: outcome.update(nightly.publish()))
    publisher.start()
    publisher.join(8)
    assert publisher.is_alive(), "publish waits while a reader holds the marts"
    reader.commit()
    publisher.join(90)
    assert not publisher.is_alive() and "fct_missing_notifications" in outcome["tables"]
    assert can_select(login(secured, BI), "marts.fct_missing_notifications")
