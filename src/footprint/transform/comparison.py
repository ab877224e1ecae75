"""What a change of criteria moves, for a period: category counts, per-IRO timely rates, and the
notifications that change category, under the live criteria and the other ones side by side.

Both sides are the rule's own category (`computed_category`): the programme
manager's reviews stand under any criteria, so they would hide what the rule
change moves. A notification not yet decided is `awaiting`. Never-notified
episodes are left out, as from every rate.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from footprint.categories import CATEGORIES

AWAITING = "awaiting"
Row = dict[str, Any]


@dataclass
class Comparison:
    date_from: dt.date
    date_to: dt.date
    live_version: str | None
    other_version: str | None
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # category -> (live, other)
    iro_rates: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, IRO, live, other


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _version(rows: dict[str, Row]) -> str | None:
    versions = {r["criteria_version"] for r in rows.values()}
    return str(versions.pop()) if len(versions) == 1 else None


def _category(row: Row) -> str:
    return AWAITING if row["is_awaiting_footprint"] or row["computed_category"] is None else row["computed_category"]


def _rate(rows: list[Row]) -> float | None:
    decided = [r for r in rows if _category(r) != AWAITING]
    if not decided:
        return None
    return round(sum(_category(r) == "timely_footprint" for r in decided) / len(decided), 4)


def compare(live: dict[str, Row], other: dict[str, Row], date_from: dt.date, date_to: dt.date) -> Comparison:
    def in_period(rows: dict[str, Row]) -> dict[str, Row]:
        return {k: r for k, r in rows.items() if r["is_notified"] and date_from <= _day(r["period_date"]) <= date_to}

    live, other = in_period(live), in_period(other)
    out = Comparison(date_from, date_to, _version(live), _version(other))
    for category in (*CATEGORIES, AWAITING):
        out.counts[category] = (sum(_category(r) == category for r in live.values()),
                                sum(_category(r) == category for r in other.values()))
    iros = sorted({r["iro_name"] or r["iro_professional_id"] or "(unallocated)" for r in live.values()})
    for iro in iros:
        def mine(rows: dict[str, Row], iro: str = iro) -> list[Row]:
            return [r for r in rows.values() if (r["iro_name"] or r["iro_professional_id"] or "(unallocated)") == iro]
        out.iro_rates.append((iro, _rate(mine(live)), _rate(mine(other))))
    for key in sorted(set(live) | set(other)):
        before, after = live.get(key), other.get(key)
        was, now = (_category(before) if before else "-"), (_category(after) if after else "-")
        if was != now:
            row = before or after or {}
            out.changed.append((str(row["notification_id"]), str(row["iro_name"] or row["iro_professional_id"] or "-"),
                                was, now))
    return out


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def render_text(c: Comparison) -> str:
    lines = [f"Criteria compared, notifications sent {c.date_from} to {c.date_to}: "
             f"live (version {c.live_version or '-'}) and other (version {c.other_version or '-'})", "",
             f"  {'category':<28} {'live':>6} {'other':>6} {'change':>7}"]
    for category, (a, b) in c.counts.items():
        lines.append(f"  {category:<28} {a:>6} {b:>6} {b - a:>+7}")
    lines += ["", f"  {'IRO':<28} {'timely live':>11} {'other':>6}"]
    lines += [f"  {iro:<28} {_pct(a):>11} {_pct(b):>6}" for iro, a, b in c.iro_rates]
    lines += ["", f"notifications that change category ({len(c.changed)}):"]
    lines += [f"  {nid}  {iro}: {was} -> {now}" for nid, iro, was, now in c.changed] or ["  none"]
    return "\n".join(lines) + "\n"


def render_json(c: Comparison) -> str:
    return json.dumps({
        "period": {"from": c.date_from.isoformat(), "to": c.date_to.isoformat()},
        "criteria_version": {"live": c.live_version, "other": c.other_version},
        "counts": {k: {"live": a, "other": b} for k, (a, b) in c.counts.items()},
        "iro_timely_rates": [{"iro": i, "live": a, "other": b} for i, a, b in c.iro_rates],
        "changed": [{"notification_id": n, "iro": i, "live": a, "other": b} for n, i, a, b in c.changed],
    }, indent=2, sort_keys=True) + "\n"


def render_csv(c: Comparison) -> str:
    """One table in long form: what (count, timely_rate, category), its key, live, other."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["table", "key", "iro", "live", "other"])
    writer.writerows(("count", k, "", a, b) for k, (a, b) in c.counts.items())
    writer.writerows(("timely_rate", "", i, "" if a is None else a, "" if b is None else b) for i, a, b in c.iro_rates)
    writer.writerows(("category", n, i, a, b) for n, i, a, b in c.changed)
    return buf.getvalue()


RENDERERS = {"text": render_text, "json": render_json, "csv": render_csv}
