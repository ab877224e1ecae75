"""Setting, clearing, listing reviewed categories and grading footprints.

A notification is looked up in the published marts (what the programme
manager reads): an unknown id, category, reason code or grade is refused
before anything is written. Reviews take effect at the next build (tonight's
run, or `footprint build` then `footprint publish` now).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from footprint.categories import CATEGORIES
from footprint.errors import FootprintError
from footprint.review import store
from footprint.review.config import ReviewConfig
from footprint.settings import Settings
from footprint.warehouse import connect_marts

_NOTIFICATION = (
    "select notification_key, notification_id, missing_episode_id, is_notified, iro_professional_id, "
    "iro_name, period_month, computed_category, footprint_category "
    "from marts.fct_missing_notifications where notification_key = %s"
)


def notification_key(identifier: str) -> str:
    """A notification id (`N123`), or a key as the marts spell it (`notification:N123`, `episode:E9`)."""
    if identifier.startswith(("notification:", "episode:")):
        return identifier
    return "notification:" + identifier


def published_notification(settings: Settings, key: str) -> dict[str, Any]:
    with connect_marts(settings) as conn:
        found = store.rows(conn, _NOTIFICATION, (key,))
    if not found:
        raise FootprintError(f"no {key.replace(':', ' ')} in the published marts: check the id "
                             "(as the case system or `footprint explain` shows it)")
    return found[0]


def _by(name: str) -> str:
    if not name or not name.strip():
        raise FootprintError("--by must name who made the judgement")
    return name.strip()


def set_review(settings: Settings, identifier: str, category: str, reason_code: str,
               note: str | None, by: str) -> dict[str, Any]:
    if category not in CATEGORIES:
        raise FootprintError(f"unknown category {category!r}: one of {', '.join(CATEGORIES)}")
    ReviewConfig.load().check_reason(reason_code)
    found = published_notification(settings, notification_key(identifier))
    row = {
        "review_id": store.new_id(), "notification_key": found["notification_key"], "action": "set",
        "reviewed_category": category, "reason_code": reason_code, "note": note or None,
        "computed_category": found["computed_category"], "reviewed_by": _by(by),
        "reviewed_at": store.now_utc(),
    }
    with store.review_connection(settings) as conn:
        store.append(conn, store.CATEGORY_REVIEWS, row)
    return {**found, **{k: v for k, v in row.items() if k != "note"}}


def clear_review(settings: Settings, identifier: str, by: str) -> dict[str, Any]:
    key = notification_key(identifier)
    with store.review_connection(settings) as conn:
        if not any(r["notification_key"] == key for r in store.latest_reviews(conn)):
            raise FootprintError(f"{key.replace(':', ' ')} has no review to clear")
        store.append(conn, store.CATEGORY_REVIEWS, {
            "review_id": store.new_id(), "notification_key": key, "action": "clear",
            "reviewed_by": _by(by), "reviewed_at": store.now_utc(),
        })
    return {"notification_key": key}


def list_reviews(settings: Settings, month: dt.date | None = None,
                 with_notes: bool = False) -> list[dict[str, Any]]:
    """Current reviews with the rule's category now beside the one they were made against:
    `is_stale` when a correction has since changed it."""
    with store.review_connection(settings) as conn:
        reviews = store.latest_reviews(conn)
        notes = store.notes(conn, [r["notification_key"] for r in reviews]) if with_notes else {}
    now = _published_rows(settings, [r["notification_key"] for r in reviews])
    out = []
    for review in reviews:
        mart = now.get(review["notification_key"], {})
        if month is not None and mart.get("period_month") != month:
            continue
        out.append({
            **review, "notification_id": mart.get("notification_id"), "iro_name": mart.get("iro_name"),
            "period_month": mart.get("period_month"), "computed_category_now": mart.get("computed_category"),
            "is_stale": mart.get("computed_category") != review["computed_category"],
            **({"note": notes.get(review["notification_key"])} if with_notes else {}),
        })
    return out


def _published_rows(settings: Settings, keys: list[str]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    marks = ", ".join(["%s"] * len(keys))
    sql = _NOTIFICATION.replace("notification_key = %s", f"notification_key in ({marks})")
    with connect_marts(settings) as conn:
        return {r["notification_key"]: r for r in store.rows(conn, sql, keys)}


def grade(settings: Settings, identifier: str, quality: str, by: str) -> dict[str, Any]:
    ReviewConfig.load().check_grade(quality)
    found = published_notification(settings, notification_key(identifier))
    if found["footprint_category"] not in ("timely_footprint", "late_footprint"):
        raise FootprintError(f"{found['notification_key'].replace(':', ' ')} has no footprint to grade "
                             f"(its category is {found['footprint_category']})")
    row = {"grade_id": store.new_id(), "notification_key": found["notification_key"], "quality": quality,
           "graded_by": _by(by), "graded_at": store.now_utc()}
    with store.review_connection(settings) as conn:
        store.append(conn, store.QUALITY_GRADES, row)
    return {**found, **row}
