"""`footprint audit`: the snapshot computation on hand-made mart rows, and the read
from a published fact table on DuckDB and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from footprint import cli
from footprint.categories import CATEGORIES
from footprint.errors import FootprintError
from footprint.readers.audit import COLUMNS, compute_snapshot, render_markdown, render_text

JAN1, FEB28 = dt.date(2022, 1, 1), dt.date(2022, 2, 28)
_ids = iter(range(1, 10_000))


def row(child="c1", notified="2022-01-10 10:00", category="no_footprint", *, start=None, awaiting=False,
        sex="M", age=14, get_safe=False, prior=1, notification_id=None, episode_id=None) -> dict:
    """One row of marts.fct_missing_notifications; notified=None makes an unnotified episode."""
    n = next(_ids)
    notified_at = dt.datetime.fromisoformat(notified) if notified else None
    start_at = dt.datetime.fromisoformat(start) if start else (notified_at - dt.timedelta(hours=3))
    return {
        "notification_id": (notification_id or f"N{n:05d}") if notified else None,
        "missing_episode_id": episode_id or f"E{n:05d}",
        "child_key": child,
        "episode_start_at": start_at,
        "notified_at": notified_at,
        "footprint_category": None if awaiting else category,
        "is_awaiting_footprint": awaiting,
        "child_sex": sex,
        "child_age_at_notification": age,
        "get_safe_open": get_safe,
        "missing_episodes_prior_90d": prior,
        "criteria_version": "1",
        "as_of": dt.datetime(2022, 3, 2, 1, 10),
    }


def snap(rows, date_from=JAN1, date_to=FEB28):
    return compute_snapshot(rows, date_from, date_to, criteria_version="1", as_of=dt.datetime(2022, 3, 2, 1, 10))


def test_each_child_takes_its_best_category_in_the_spec_order():
    rows = [
        row("timely", "2022-01-05 10:00", "no_footprint"),
        row("timely", "2022-01-20 10:00", "timely_footprint"),
        row("timely", "2022-02-03 10:00", "late_footprint"),
        # late ranks above discussed_at_review and discussed_with_child, whatever their order in time
        row("late", "2022-01-06 10:00", "discussed_at_review"),
        row("late", "2022-01-07 10:00", "late_footprint"),
        row("late", "2022-01-08 10:00", "discussed_with_child"),
        row("review", "2022-01-06 10:00", "discussed_with_child"),
        row("review", "2022-01-09 10:00", "discussed_at_review"),
        row("child", "2022-01-06 10:00", "contact_not_about_missing"),
        row("child", "2022-02-06 10:00", "discussed_with_child"),
        row("contact", "2022-01-06 10:00", "no_footprint"),
        row("contact", "2022-02-16 10:00", "contact_not_about_missing"),
        row("none", "2022-01-16 10:00", "no_footprint"),
    ]
    s = snap(rows)
    assert s["children"] == 6
    assert s["children_by_category"] == {c: 1 for c in CATEGORIES}
    assert s["notifications"] == 13
    assert s["notifications_by_category"] == {
        "timely_footprint": 1, "late_footprint": 2, "discussed_at_review": 2,
        "discussed_with_child": 3, "contact_not_about_missing": 2, "no_footprint": 3,
    }


def test_period_takes_notifications_by_calendar_date_sent_both_ends_included():
    rows = [
        row("before", "2021-12-31 23:59:59", "timely_footprint"),
        row("first", "2022-01-01 00:00:00", "late_footprint"),
        row("last", "2022-02-28 23:59:59", "no_footprint"),
        row("after", "2022-03-01 00:00:00", "timely_footprint"),
        # the episode began months before the period; its re-notification is in it (finding 3)
        row("long", "2022-01-17 10:00", "timely_footprint", start="2021-06-14 07:30"),
        # the episode began in the period, but the notification was sent after it
        row("late_notice", "2022-03-01 09:00", "no_footprint", start="2022-02-28 22:00"),
    ]
    s = snap(rows)
    assert s["children"] == 3
    assert s["children_by_category"]["late_footprint"] == 1
    assert s["children_by_category"]["no_footprint"] == 1
    assert s["children_by_category"]["timely_footprint"] == 1
    one_day = snap(rows, dt.date(2022, 2, 28), dt.date(2022, 2, 28))
    assert one_day["children"] == 1 and one_day["children_by_category"]["no_footprint"] == 1


def test_child_facts_are_those_at_the_latest_notification_in_the_period():
    rows = [
        row("c1", "2022-01-10 10:00", "timely_footprint", age=12, get_safe=True, prior=3, sex="M"),
        row("c1", "2022-02-20 10:00", "no_footprint", age=13, get_safe=False, prior=5, sex="M"),
        # after the period: its facts must not be used
        row("c1", "2022-03-05 10:00", "no_footprint", age=13, get_safe=True, prior=9, sex="M"),
        row("c2", "2022-02-01 10:00", "late_footprint", age=17, get_safe=False, prior=1, sex="F"),
        row("c2", "2022-01-15 10:00", "late_footprint", age=16, get_safe=True, prior=20, sex="F"),
    ]
    s = snap(rows)
    assert s["age_at_notification"] == {"min": 13, "max": 17}
    assert s["get_safe_open"] == 0
    assert s["missing_episodes_prior_90d"] == {"min": 1, "max": 5}
    assert s["children_by_sex"] == {"female": 1, "male": 1, "unknown": 0}
    # c1 is still timely: the best category, not the latest one
    assert s["children_by_category"]["timely_footprint"] == 1


def test_latest_notification_tie_is_broken_by_id_not_by_row_order():
    a = row("c1", "2022-01-10 10:00", age=12, notification_id="N1")
    b = row("c1", "2022-01-10 10:00", age=13, notification_id="N2")
    assert snap([a, b])["age_at_notification"] == snap([b, a])["age_at_notification"] == {"min": 13, "max": 13}


def test_awaiting_is_not_a_category_but_the_child_counts():
    rows = [
        # only awaiting: a child of the period, without a category yet
        row("waiting", "2022-02-28 15:00", awaiting=True, age=16, get_safe=True),
        # awaiting beside a categorised notification: the categorised one places the child,
        # the awaiting one (the latest) gives the facts
        row("mixed", "2022-02-10 10:00", "no_footprint", age=11, get_safe=False, prior=2),
        row("mixed", "2022-02-27 10:00", awaiting=True, age=12, get_safe=True, prior=4),
    ]
    s = snap(rows)
    assert s["children"] == 2
    assert s["children_awaiting"] == 1
    assert s["children_by_category"]["no_footprint"] == 1
    assert sum(s["children_by_category"].values()) + s["children_awaiting"] == s["children"]
    assert s["notifications"] == 3 and s["notifications_awaiting"] == 2
    assert sum(s["notifications_by_category"].values()) == 1
    assert s["get_safe_open"] == 2
    assert s["age_at_notification"] == {"min": 12, "max": 16}


def test_a_missing_category_is_treated_as_awaiting_not_as_a_category():
    r = row("c1", "2022-01-10 10:00", None)
    s = snap([r])
    assert s["notifications_awaiting"] == 1 and s["children_awaiting"] == 1


def test_unnotified_episodes_are_counted_apart_by_start_date():
    rows = [
        row("notified", "2022-01-10 10:00", "timely_footprint"),
        row("notified", None, "contact_not_about_missing", start="2022-01-20 22:00"),
        row("only_away", None, "no_footprint", start="2022-02-28 23:00"),
        row("only_away", None, "no_footprint", start="2022-03-01 01:00"),  # after the period
        row("only_away", None, "no_footprint", start="2021-12-31 23:00"),  # before it
    ]
    s = snap(rows)
    assert s["children"] == 1 and s["notifications"] == 1
    assert s["not_notified"] == {
        "episodes": 2, "children": 2, "awaiting": 0,
        "by_category": {**{c: 0 for c in CATEGORIES}, "contact_not_about_missing": 1, "no_footprint": 1},
    }


def test_sex_codes_and_missing_facts():
    rows = [row("a", sex="F"), row("b", sex="female"), row("c", sex="U"), row("d", sex=None),
            row("e", sex="M", age=None, prior=None)]
    s = snap(rows)
    assert s["children_by_sex"] == {"female": 2, "male": 1, "unknown": 2}
    assert s["age_at_notification"] == {"min": 14, "max": 14}


def test_empty_period_has_every_field_and_category_at_zero():
    s = snap([])
    assert s["children"] == 0 and s["notifications"] == 0
    assert s["children_by_category"] == {c: 0 for c in CATEGORIES}
    assert s["notifications_by_category"] == {c: 0 for c in CATEGORIES}
    assert s["age_at_notification"] == {"min": None, "max": None}
    assert s["not_notified"]["by_category"] == {c: 0 for c in CATEGORIES}


JSON_FIELDS = {
    "snapshot_version", "period", "criteria_version", "as_of", "children", "children_by_sex",
    "age_at_notification", "get_safe_open", "missing_episodes_prior_90d", "children_by_category",
    "children_awaiting", "notifications", "notifications_by_category", "notifications_awaiting",
    "not_notified",
}


def test_json_is_stable_fixed_fields_sorted_keys_independent_of_row_order():
    from footprint.readers.audit import render_json

    rows = [row(f"c{i % 7}", f"2022-01-{1 + i % 28:02d} 10:00", CATEGORIES[i % 6], age=11 + i % 7,
                get_safe=i % 2 == 0, prior=1 + i % 20) for i in range(60)]
    first = render_json(snap(rows))
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert render_json(snap(shuffled)) == first
    parsed = json.loads(first)
    assert set(parsed) == JSON_FIELDS
    assert list(parsed) == sorted(parsed)
    assert list(parsed["children_by_category"]) == sorted(CATEGORIES)
    assert parsed["as_of"] == "2022-03-02T01:10:00" and parsed["criteria_version"] == "1"
    assert parsed["period"] == {"from": "2022-01-01", "to": "2022-02-28"}


def test_unknown_category_and_reversed_period_are_errors():
    with pytest.raises(FootprintError, match="unknown footprint_category"):
        snap([row(category="maybe")])
    with pytest.raises(FootprintError, match="after"):
        snap([], FEB28, JAN1)


def test_text_and_markdown_show_the_hand_audit_table():
    rows = [row("a", category="timely_footprint", get_safe=True, age=11, prior=1),
            row("b", category="no_footprint", sex="F", age=17, prior=20)]
    md = render_markdown(snap(rows))
    assert "| gender | 1 male, 1 female |" in md
    assert "| ages at notification | 11 to 17 |" in md
    assert '| open to "Get Safe" | 1 of 2 |' in md
    assert "| missing episodes in the prior 90 days, per child | 1 to 20 |" in md
    assert "| timely_footprint | 1 | 1 |" in md
    assert "criteria version 1, data as of 2022-03-02T01:10:00" in md
    text = render_text(snap(rows))
    assert "criteria version 1" in text and "no_footprint" in text and "Not notified" in text


# reading the published marts ----------------------------------------------------------

SQL_TYPES = {
    "notification_id": "varchar(40)", "missing_episode_id": "varchar(40)", "child_key": "varchar(64)",
    "episode_start_at": "timestamp", "notified_at": "timestamp", "footprint_category": "varchar(40)",
    "is_awaiting_footprint": "boolean", "child_sex": "varchar(1)", "child_age_at_notification": "integer",
    "get_safe_open": "boolean", "missing_episodes_prior_90d": "integer", "criteria_version": "varchar(20)",
    "as_of": "timestamp",
}

PUBLISHED = [
    row("k1", "2022-01-01 00:00", "timely_footprint", age=15, get_safe=True, prior=20),
    row("k1", "2022-02-10 10:00", "no_footprint", age=15, get_safe=True, prior=18),
    row("k2", "2022-02-28 23:59:59", "late_footprint", sex="F", age=11, prior=1),
    row("k3", "2021-12-31 23:59:59", "timely_footprint", age=17),  # the day before the period
    row("k3", None, "no_footprint", start="2022-01-31 21:00"),
    row("k4", "2022-02-27 09:00", awaiting=True, age=13),
]


def _create_marts(cur, placeholder: str, rows: list[dict], schema: str = "marts") -> None:
    """The published layout: schema `marts` on PostgreSQL, the marts file's default schema on DuckDB."""
    table = f"{schema}.fct_missing_notifications"
    cur.execute(f"create schema if not exists {schema}")
    cols = ", ".join(f"{c} {SQL_TYPES[c]}" for c in COLUMNS)
    cur.execute(f"create table {table} ({cols})")
    marks = ", ".join([placeholder] * len(COLUMNS))
    for r in rows:
        cur.execute(f"insert into {table} values ({marks})", [r[c] for c in COLUMNS])  # noqa: S608


def _audit_json(capsys, *extra) -> dict:
    assert cli.main(["audit", "--from", "2022-01-01", "--to", "2022-02-28", "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _check_published(result: dict) -> None:
    assert result == json.loads(json.dumps(snap(PUBLISHED)))
    assert result["children"] == 3
    assert result["children_by_category"]["timely_footprint"] == 1
    assert result["children_by_category"]["late_footprint"] == 1
    assert result["children_awaiting"] == 1
    assert result["age_at_notification"] == {"min": 11, "max": 15}
    assert result["not_notified"]["episodes"] == 1
    assert result["as_of"] == "2022-03-02T01:10:00"


def test_audit_reads_the_published_duckdb_marts_file(tmp_path, monkeypatch, capsys):
    import duckdb

    marts = tmp_path / "marts.duckdb"
    monkeypatch.setenv("FOOTPRINT_TARGET", "duckdb")
    monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("FOOTPRINT_MARTS_PATH", str(marts))
    conn = duckdb.connect(str(marts))
    _create_marts(conn, "?", PUBLISHED, schema="main")
    conn.close()
    _check_published(_audit_json(capsys))
    assert cli.main(["audit", "--from", "2022-01-01", "--to", "2022-02-28", "--format", "markdown"]) == 0
    assert "| children (notified in the period) | 3 |" in capsys.readouterr().out


def test_audit_reads_the_published_postgres_marts(pg_env, monkeypatch, capsys):
    import psycopg2

    monkeypatch.setenv("FOOTPRINT_TARGET", "postgres")
    conn = psycopg2.connect("")
    with conn, conn.cursor() as cur:
        _create_marts(cur, "%s", PUBLISHED)
    conn.close()
    _check_published(_audit_json(capsys))


def test_audit_without_published_marts_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOOTPRINT_TARGET", "duckdb")
    monkeypatch.setenv("FOOTPRINT_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    assert cli.main(["audit", "--from", "2022-01-01", "--to", "2022-02-28"]) == 2
    assert "no published marts" in capsys.readouterr().err


def test_audit_over_an_empty_published_table_reports_zeros(tmp_path, monkeypatch, capsys):
    import duckdb

    marts = tmp_path / "marts.duckdb"
    monkeypatch.setenv("FOOTPRINT_TARGET", "duckdb")
    monkeypatch.setenv("FOOTPRINT_MARTS_PATH", str(marts))
    conn = duckdb.connect(str(marts))
    _create_marts(conn, "?", [], schema="main")
    conn.close()
    result = _audit_json(capsys)
    assert result["children"] == 0 and result["criteria_version"] is None
    assert result["children_by_category"] == {c: 0 for c in CATEGORIES}
