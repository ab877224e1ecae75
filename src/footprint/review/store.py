"""The `review` schema: append-only tables of the programme manager's judgement.

* `review.category_reviews`: one row per action on a notification (`set` a
  reviewed category with a reason code and an optional note, or `clear` it);
  the latest action wins. `computed_category` is the rule's category when the
  review was made, so a review whose computed category has since changed (a
  correction arrived) is known to be stale, not silently kept or dropped.
* `review.quality_samples`: the footprints drawn for quality reading.
* `review.quality_grades`: one row per grade given; the latest grade wins.

Nothing here is ever updated or deleted: on PostgreSQL the IRO service's role
may only insert and select, so the history of every judgement stays.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from footprint.errors import FootprintError, TransientError
from footprint.settings import Settings
from footprint.warehouse import Connection, execute, target_named, target_of

SCHEMA = "review"
CATEGORY_REVIEWS = f"{SCHEMA}.category_reviews"
QUALITY_SAMPLES = f"{SCHEMA}.quality_samples"
QUALITY_GRADES = f"{SCHEMA}.quality_grades"

TABLES: dict[str, str] = {
    CATEGORY_REVIEWS: """(
    review_id text primary key,
    notification_key text not null,
    action text not null,
    reviewed_category text,
    reason_code text,
    note text,
    computed_category text,
    reviewed_by text not null,
    reviewed_at timestamp not null
)""",
    QUALITY_SAMPLES: """(
    sample_id text not null,
    notification_key text not null,
    iro_key text not null,
    period_month date not null,
    footprint_category text not null,
    drawn_by text,
    drawn_at timestamp not null,
    primary key (sample_id, notification_key)
)""",
    QUALITY_GRADES: """(
    grade_id text primary key,
    notification_key text not null,
    quality text not null,
    graded_by text not null,
    graded_at timestamp not null
)""",
}


def ensure_review_tables(conn: Connection) -> None:
    """Create what is missing; no DDL at all when everything exists (a role that may only read
    or insert can run this). The caller commits."""
    target = target_of(conn)
    target.create_schema(conn, SCHEMA)
    existing = set(target.tables(conn, SCHEMA))
    for table, columns in TABLES.items():
        if table.split(".", 1)[1] not in existing:
            execute(conn, f"create table if not exists {table} {columns}")


@contextmanager
def review_connection(settings: Settings) -> Iterator[Connection]:
    """A connection to write reviews (as the IRO service's role), committed on success, with a
    clear error while the nightly run holds the DuckDB file."""
    from footprint.publish.roles import SERVICE, acting_as

    with acting_as(SERVICE):
        try:
            conn = target_named(settings.target).connect(settings)
        except TransientError:
            if settings.target != "duckdb":
                raise
            raise FootprintError(
                f"the warehouse {settings.duckdb_path} is in use (the nightly run holds it): "
                "try again when the run has finished"
            ) from None
        try:
            ensure_review_tables(conn)
            yield conn
            conn.commit()
        finally:
            conn.close()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id() -> str:
    return uuid.uuid4().hex


def append(conn: Connection, table: str, row: dict[str, Any]) -> None:
    names = list(row)
    execute(conn, f"insert into {table} ({', '.join(names)}) values ({', '.join(['%s'] * len(names))})",
            [row[n] for n in names])


def rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = execute(conn, sql, params)
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def latest_reviews(conn: Connection) -> list[dict[str, Any]]:
    """The latest action per notification, where it sets a category (a cleared review is gone).
    The note is never selected here: only `footprint review list --notes` reads it."""
    return rows(conn, f"""
        select notification_key, reviewed_category, reason_code, computed_category, reviewed_by, reviewed_at
        from (
            select *, row_number() over (partition by notification_key
                                         order by reviewed_at desc, review_id desc) as recency
            from {CATEGORY_REVIEWS}
        ) latest
        where recency = 1 and action = 'set'
        order by reviewed_at, notification_key
    """)


def notes(conn: Connection, keys: Sequence[str]) -> dict[str, str | None]:
    """The notes of the given current reviews, for the PM's own terminal only."""
    if not keys:
        return {}
    marks = ", ".join(["%s"] * len(keys))
    found = rows(conn, f"""
        select notification_key, note from (
            select notification_key, note, action, row_number() over (
                partition by notification_key order by reviewed_at desc, review_id desc) as recency
            from {CATEGORY_REVIEWS}
        ) latest where recency = 1 and action = 'set' and notification_key in ({marks})
    """, list(keys))
    return {r["notification_key"]: r["note"] for r in found}
