"""`footprint audit`: the hand audit's table for any period, from the published marts.

The programme manager's hand audit of January-February 2022
(../shared/spec/audit-rules.md) reported, for the children who went missing
in the period: how many, their sex and ages, how many were open to Get Safe,
the range of their missing episodes in the prior 90 days, and how each was
answered. This command computes the same table for any period from
`marts.fct_missing_notifications`, so the re-audit is a command, not a new
manual exercise.

Definitions (the spec's, where it has one):

* A notification is in the period when the calendar date it was sent lies in
  it, both ends included; an episode never notified, by its start date.
* The children are those with a notification in the period. Each child takes
  the best category among its notifications in the period, best first:
  timely_footprint, late_footprint, discussed_at_review, discussed_with_child,
  contact_not_about_missing, no_footprint. Its facts (sex, age, Get Safe,
  prior-90-day episodes) are those at its latest notification in the period.
* Awaiting footprint is not a category: a notification whose due time has not
  passed without a footprint yet is counted under `notifications_awaiting`
  and left out of the categories. It still makes its child one of the period's
  children (the child went missing) and can be the child's latest
  notification (facts do not depend on the footprint). A child whose
  notifications in the period are all awaiting has no category yet and is
  counted under `children_awaiting`, so that children = the sum of the
  categories + children_awaiting.
* Episodes never notified are counted apart (`not_notified`), never among
  the children or the notifications: an IRO cannot answer a notification
  that was not sent.

The computation (`compute_snapshot`) is a pure function of mart rows; the
database read (`read_rows`, `read_stamp`) is separate.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from footprint.categories import CATEGORIES, RANK
from footprint.errors import FootprintError
from footprint.settings import Settings
from footprint.warehouse import Connection, execute

_RANK = RANK

TABLE = "marts.fct_missing_notifications"
COLUMNS = (
    "notification_id",
    "missing_episode_id",
    "child_key",
    "episode_start_at",
    "notified_at",
    "footprint_category",
    "is_awaiting_footprint",
    "child_sex",
    "child_age_at_notification",
    "get_safe_open",
    "missing_episodes_prior_90d",
    "criteria_version",
    "as_of",
)
SNAPSHOT_VERSION = 1  # bump when a JSON field changes meaning or name
SEXES = ("female", "male", "unknown")

# Rows are filtered in SQL with a day's margin either side and exactly in
# Python: the margin keeps a timestamp-with-time-zone column or a driver's
# date/timestamp coercion from dropping a row at the edge of the period.
_SQL_ROWS = (
    "select notification_id, missing_episode_id, child_key, episode_start_at, notified_at, "
    "footprint_category, is_awaiting_footprint, child_sex, child_age_at_notification, "
    "get_safe_open, missing_episodes_prior_90d, criteria_version, as_of "
    "from {table} "
    "where coalesce(notified_at, episode_start_at) >= {p} "
    "and coalesce(notified_at, episode_start_at) < {p}"
)
_SQL_STAMP = "select distinct criteria_version, as_of from {table}"


# pure computation --------------------------------------------------------------------

def _day(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def _moment(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().upper() in ("Y", "YES", "TRUE", "T", "1")
    return bool(value)


def _int(value: object) -> int | None:
    return None if value is None or value == "" else int(str(value))


def _sex(value: object) -> str:
    code = str(value or "").strip().upper()[:1]
    return {"M": "male", "F": "female"}.get(code, "unknown")


def _category(row: Mapping[str, Any]) -> str | None:
    """The row's category, or None while it awaits its footprint."""
    category = row.get("footprint_category") or None
    if _flag(row.get("is_awaiting_footprint")) or category is None:
        return None
    if category not in _RANK:
        raise FootprintError(f"unknown footprint_category {category!r} in {TABLE}")
    return category


def _zeros() -> dict[str, int]:
    return {c: 0 for c in CATEGORIES}


def _range(values: Iterable[int | None]) -> dict[str, int | None]:
    present = [v for v in values if v is not None]
    return {"min": min(present) if present else None, "max": max(present) if present else None}


@dataclass
class _Tally:
    """Rows of the period counted by category, awaiting ones apart."""

    rows: int = 0
    awaiting: int = 0
    by_category: dict[str, int] = field(default_factory=_zeros)

    def add(self, category: str | None) -> None:
        self.rows += 1
        if category is None:
            self.awaiting += 1
        else:
            self.by_category[category] += 1


@dataclass
class _Period:
    """The period's rows: notifications by child, and the never-notified episodes apart."""

    notified: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    notifications: _Tally = field(default_factory=_Tally)
    unnotified: _Tally = field(default_factory=_Tally)
    unnotified_episodes: set[str] = field(default_factory=set)
    unnotified_children: set[str] = field(default_factory=set)


def _read_period(rows: Iterable[Mapping[str, Any]], date_from: dt.date, date_to: dt.date) -> _Period:
    period = _Period()
    for row in rows:
        is_notified = row.get("notification_id") not in (None, "")
        day = _day(row.get("notified_at") if is_notified else row.get("episode_start_at"))
        if day is None or not date_from <= day <= date_to:
            continue
        category = _category(row)
        if is_notified:
            period.notifications.add(category)
            period.notified.setdefault(row["child_key"], []).append(row)
        else:
            period.unnotified.add(category)
            period.unnotified_episodes.add(row["missing_episode_id"])
            period.unnotified_children.add(row["child_key"])
    return period


def _children(notified: dict[str, list[Mapping[str, Any]]]) -> dict[str, Any]:
    """The hand audit's child figures: facts at each child's latest notification, best category."""
    by_category = _zeros()
    by_sex = {s: 0 for s in SEXES}
    awaiting = get_safe = 0
    ages, prior = [], []
    for child_rows in notified.values():
        # Ties on the sending moment are broken by id so the facts never depend on row order.
        latest = max(child_rows, key=lambda r: (_moment(r["notified_at"]), str(r["notification_id"])))
        by_sex[_sex(latest.get("child_sex"))] += 1
        ages.append(_int(latest.get("child_age_at_notification")))
        prior.append(_int(latest.get("missing_episodes_prior_90d")))
        get_safe += _flag(latest.get("get_safe_open"))
        categories = [c for c in map(_category, child_rows) if c is not None]
        if categories:
            by_category[min(categories, key=_RANK.__getitem__)] += 1
        else:
            awaiting += 1
    return {
        "children": len(notified),
        "children_by_sex": by_sex,
        "age_at_notification": _range(ages),
        "get_safe_open": get_safe,
        "missing_episodes_prior_90d": _range(prior),
        "children_by_category": by_category,
        "children_awaiting": awaiting,
    }


def compute_snapshot(
    rows: Iterable[Mapping[str, Any]],
    date_from: dt.date,
    date_to: dt.date,
    *,
    criteria_version: str | None = None,
    as_of: dt.datetime | dt.date | str | None = None,
) -> dict[str, Any]:
    """The audit table for [date_from, date_to] from rows of fct_missing_notifications.

    Rows outside the period are ignored, so the caller may pass more than it needs.
    """
    if date_from > date_to:
        raise FootprintError(f"--from {date_from} is after --to {date_to}")
    period = _read_period(rows, date_from, date_to)
    if isinstance(as_of, dt.datetime | dt.date):
        as_of = _moment(as_of).isoformat(timespec="seconds")
    return {
        "snapshot_version": SNAPSHOT_VERSION,
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "criteria_version": None if criteria_version is None else str(criteria_version),
        "as_of": as_of,
        **_children(period.notified),
        "notifications": period.notifications.rows,
        "notifications_by_category": period.notifications.by_category,
        "notifications_awaiting": period.notifications.awaiting,
        "not_notified": {
            "episodes": len(period.unnotified_episodes),
            "children": len(period.unnotified_children),
            "by_category": period.unnotified.by_category,
            "awaiting": period.unnotified.awaiting,
        },
    }


# rendering ---------------------------------------------------------------------------

def _span(r: dict) -> str:
    if r["min"] is None:
        return "-"
    return str(r["min"]) if r["min"] == r["max"] else f"{r['min']} to {r['max']}"


def _findings(s: dict) -> list[tuple[str, str]]:
    sex = s["children_by_sex"]
    sex_text = f"{sex['male']} male, {sex['female']} female"
    if sex["unknown"]:
        sex_text += f", {sex['unknown']} unknown"
    return [
        ("children (notified in the period)", str(s["children"])),
        ("gender", sex_text),
        ("ages at notification", _span(s["age_at_notification"])),
        ('open to "Get Safe"', f"{s['get_safe_open']} of {s['children']}"),
        ("missing episodes in the prior 90 days, per child", _span(s["missing_episodes_prior_90d"])),
    ]


def _category_rows(s: dict) -> list[tuple[str, str, str]]:
    rows = [(c, str(s["children_by_category"][c]), str(s["notifications_by_category"][c])) for c in CATEGORIES]
    rows.append(("awaiting footprint", str(s["children_awaiting"]), str(s["notifications_awaiting"])))
    rows.append(("total", str(s["children"]), str(s["notifications"])))
    return rows


def _heading(s: dict) -> str:
    return (
        f"Audit snapshot {s['period']['from']} to {s['period']['to']} "
        f"(criteria version {s['criteria_version'] or '-'}, data as of {s['as_of'] or '-'})"
    )


def _not_notified(s: dict) -> str:
    n = s["not_notified"]
    return (
        f"Not notified (counted apart, by episode start): {n['episodes']} episode(s) "
        f"of {n['children']} child(ren)"
    )


def render_markdown(s: dict) -> str:
    lines = [f"## {_heading(s)}", "", "| finding | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in _findings(s)]
    lines += ["", "| category | children | notifications |", "|---|---:|---:|"]
    lines += [f"| {c} | {ch} | {n} |" for c, ch, n in _category_rows(s)]
    lines += ["", _not_notified(s) + "."]
    return "\n".join(lines) + "\n"


def render_text(s: dict) -> str:
    findings = _findings(s)
    width = max(len(k) for k, _ in findings)
    lines = [_heading(s), ""]
    lines += [f"  {k:<{width}}  {v}" for k, v in findings]
    cats = [("category", "children", "notifications"), *_category_rows(s)]
    cw = max(len(c) for c, _, _ in cats)
    lines.append("")
    lines += [f"  {c:<{cw}}  {ch:>8}  {n:>13}" for c, ch, n in cats]
    lines += ["", _not_notified(s)]
    return "\n".join(lines) + "\n"


def render_json(s: dict) -> str:
    return json.dumps(s, sort_keys=True, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


# database ----------------------------------------------------------------------------

def published_table(conn: Connection, table: str = TABLE) -> str:
    """The name to query a published mart by: `connect_marts` makes it `marts.<table>` on both."""
    return table


def read_rows(conn: Connection, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Rows of the published fact table that may fall in the period (a superset)."""
    rows = execute(conn, _SQL_ROWS.format(table=published_table(conn), p="%s"),
                   (date_from - dt.timedelta(days=1), date_to + dt.timedelta(days=2))).fetchall()
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows]


def read_stamp(conn: Connection) -> tuple[str | None, str | None]:
    """The criteria_version and as_of the published marts reflect (one of each, or none)."""
    stamps = execute(conn, _SQL_STAMP.format(table=published_table(conn))).fetchall()
    if not stamps:
        return None, None
    if len(stamps) > 1:
        raise FootprintError(
            f"{TABLE} mixes {len(stamps)} criteria versions or as_of moments: republish the marts"
        )
    version, as_of = stamps[0]
    if isinstance(as_of, dt.datetime | dt.date):
        as_of = _moment(as_of).isoformat(timespec="seconds")
    return (None if version is None else str(version)), (None if as_of is None else str(as_of))


def snapshot(date_from: dt.date, date_to: dt.date, settings: Settings | None = None) -> dict[str, Any]:
    """The audit snapshot from the published marts of the configured warehouse."""
    from footprint.warehouse import connect_marts

    if date_from > date_to:
        raise FootprintError(f"--from {date_from} is after --to {date_to}")
    with connect_marts(settings) as conn:
        try:
            rows = read_rows(conn, date_from, date_to)
            version, as_of = read_stamp(conn)
        except FootprintError:
            raise
        except Exception as exc:  # the driver's "no such table", whichever driver
            raise FootprintError(f"cannot read {TABLE} ({exc.__class__.__name__}): have the marts been published?") from exc
    return compute_snapshot(rows, date_from, date_to, criteria_version=version, as_of=as_of)


__all__ = ["COLUMNS", "compute_snapshot", "published_table", "read_rows", "read_stamp", "snapshot"]
