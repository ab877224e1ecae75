"""The re-audit comparison: the hand audit's table for the period and the comparison period.

Each period's column is `footprint.readers.audit.compute_snapshot` over the
published notification rows: the same figures `footprint audit` prints. In
the suppressed edition the counts of each column are suppressed along the
lines they add up on (sex, Get Safe and the categories each add up to the
children), the episode counts per child and the notification rows are left
out, and a change is shown only where both of its counts are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from footprint.categories import CATEGORIES
from footprint.readers.audit import compute_snapshot
from footprint.readers.report.data import Marts
from footprint.readers.report.labels import CATEGORY_LABELS
from footprint.readers.report.periods import Period
from footprint.readers.report.suppress import SUPPRESSED, Line, suppressed

PERIOD, COMPARE = "period", "compare"


@dataclass(frozen=True)
class CompareRow:
    key: str
    label: str
    period: int | str | None
    compare: int | str | None
    change: str
    is_count: bool = True
    indent: bool = False
    heading: str = ""  # a heading row printed before this one (the start of a group)


def _counts(s: dict[str, Any]) -> dict[str, int]:
    """The snapshot's child counts, keyed by row key."""
    sex = s["children_by_sex"]
    out = {"children": s["children"], "male": sex["male"], "female": sex["female"], "unknown_sex": sex["unknown"],
           "get_safe": s["get_safe_open"], "not_get_safe": s["children"] - s["get_safe_open"]}
    out.update({f"children_{c}": s["children_by_category"][c] for c in CATEGORIES})
    out["children_awaiting"] = s["children_awaiting"]
    return out


def _lines() -> list[Line[str]]:
    categories = tuple(f"children_{c}" for c in CATEGORIES) + ("children_awaiting",)
    return [Line(("male", "female", "unknown_sex"), "children"), Line(("get_safe", "not_get_safe"), "children"),
            Line(categories, "children")]


def _span(r: dict[str, int | None]) -> str:
    if r["min"] is None:
        return "-"
    return str(r["min"]) if r["min"] == r["max"] else f"{r['min']} to {r['max']}"


def _change(now: int | str | None, before: int | str | None) -> str:
    if not isinstance(now, int) or not isinstance(before, int):
        return ""
    difference = now - before
    return f"+{difference}" if difference > 0 else ("0" if difference == 0 else f"\u2212{-difference}")


def snapshots(marts: Marts, period: Period, compare: Period) -> dict[str, dict[str, Any]]:
    version, as_of = marts.criteria_version, marts.as_of
    return {tag: compute_snapshot(marts.notifications, p.start, p.end, criteria_version=version, as_of=as_of)
            for tag, p in ((PERIOD, period), (COMPARE, compare))}


BEST = "children by the best category of their notifications"


def _labels(show_unknown: bool) -> list[tuple[str, str, bool, str]]:
    """(key, label, indented, heading before it)."""
    rows = [("children", "children (notified in the period)", False, ""), ("male", "male", True, ""),
            ("female", "female", True, "")]
    if show_unknown:
        rows.append(("unknown_sex", "sex not recorded", True, ""))
    rows += [("get_safe", 'open to "Get Safe"', False, ""), ("not_get_safe", 'not open to "Get Safe"', True, "")]
    rows += [(f"children_{c}", CATEGORY_LABELS[c], True, BEST if i == 0 else "") for i, c in enumerate(CATEGORIES)]
    rows.append(("children_awaiting", "awaiting footprint (no category yet)", True, ""))
    return rows


def comparison(snaps: dict[str, dict[str, Any]], suppress: bool) -> list[CompareRow]:
    counts = {tag: _counts(s) for tag, s in snaps.items()}
    shown: dict[str, dict[str, int | str]] = {tag: dict(c) for tag, c in counts.items()}
    if suppress:
        for tag, values in counts.items():
            for key in suppressed(values, _lines()):
                shown[tag][key] = SUPPRESSED
    show_unknown = any(c["unknown_sex"] for c in counts.values())
    rows = []
    for key, label, indent, heading in _labels(show_unknown):
        now, before = shown[PERIOD][key], shown[COMPARE][key]
        rows.append(CompareRow(key, label, now, before, _change(now, before), indent=indent, heading=heading))
    ages = CompareRow("ages", "ages at notification", _span(snaps[PERIOD]["age_at_notification"]),
                      _span(snaps[COMPARE]["age_at_notification"]), "", is_count=False)
    rows.insert(4 if show_unknown else 3, ages)
    if not suppress:
        prior, *notifications = _service_rows(snaps)
        rows.insert(next(i for i, r in enumerate(rows) if r.key == "not_get_safe") + 1, prior)
        rows += notifications
    return rows


def _service_rows(snaps: dict[str, dict[str, Any]]) -> list[CompareRow]:
    """Rows the service edition adds: episodes per child, notifications, episodes never notified."""
    now, before = snaps[PERIOD], snaps[COMPARE]
    prior = CompareRow("prior_90d", "missing episodes in the prior 90 days, per child",
                       _span(now["missing_episodes_prior_90d"]), _span(before["missing_episodes_prior_90d"]),
                       "", is_count=False)
    counted = [("notifications", "notifications", now["notifications"], before["notifications"]),
               ("notifications_awaiting", "notifications awaiting footprint", now["notifications_awaiting"],
                before["notifications_awaiting"]),
               ("not_notified", "episodes never notified (counted apart)", now["not_notified"]["episodes"],
                before["not_notified"]["episodes"])]
    rows = [prior]
    rows += [CompareRow(key, label, a, b, _change(a, b), heading="notifications" if key == "notifications" else "")
             for key, label, a, b in counted]
    return rows
