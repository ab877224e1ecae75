"""What each section shows, in either edition: the figures as they will be printed.

The service edition shows every figure. The suppressed edition (`--suppress`)
goes through `footprint.readers.report.suppress`: counts from 1 to 5 become
`c`, other counts are hidden where a total would give a hidden one away, and
a rate or a median is hidden where a count behind it is. Charts are drawn
from these same values, so a chart never shows what its table hides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from footprint.categories import CATEGORIES
from footprint.readers.report.data import Marts, Row
from footprint.readers.report.figures import (
    Counts,
    Headline,
    Month,
    Spread,
    decided,
    delay,
    spreads,
)
from footprint.readers.report.periods import Period
from footprint.readers.report.suppress import (
    SUPPRESSED,
    Line,
    is_low,
    primary,
    rate_or_hidden,
    suppressed,
)
from footprint.readers.status import health_line

Shown = int | str | None  # a count as printed: the number, `c`, or nothing
ShownRate = float | str | None

MIX_COLUMNS = (*CATEGORIES, "awaiting_footprint")


@dataclass(frozen=True)
class HeadlineView:
    as_of: dt.datetime
    criteria_version: str
    period: Period
    compare: Period
    period_rate: ShownRate
    compare_rate: ShownRate
    change: float | None  # percentage points / 100; None when either rate is missing or hidden
    period_notifications: Shown
    compare_notifications: Shown
    awaiting_now: Shown
    overdue_now: Shown


@dataclass(frozen=True)
class MonthView:
    month: dt.date
    label: str
    in_period: bool
    criteria_version: str
    criteria_changed: bool
    notifications: Shown
    by_column: dict[str, Shown]  # MIX_COLUMNS -> count
    timely_rate: ShownRate
    median_hours: ShownRate
    not_notified: Shown
    median_delay_hours: ShownRate
    iros_notified: Shown


def _hidden_rate(counts: Counts, suppress: bool, extra_hidden: bool = False) -> ShownRate:
    if not suppress:
        return counts.timely_rate
    timely = counts.by_category["timely_footprint"]
    return SUPPRESSED if extra_hidden or is_low(timely) or is_low(counts.decided) else counts.timely_rate


def month_hidden(months: Sequence[MonthView], period: Period, *columns: str) -> bool:
    """Whether the monthly table hides one of these counts in a month of the period: a period total
    beside it would give the hidden month away (the total less the months shown)."""
    touched = [m for m in months if m.month in period.months]
    return any(SUPPRESSED == (m.notifications if c == "notifications" else
                              m.not_notified if c == "not_notified" else m.by_column[c])
               for m in touched for c in columns)


def headline_view(h: Headline, months: Sequence[MonthView], suppress: bool) -> HeadlineView:
    def rate(counts: Counts, period: Period) -> ShownRate:
        hidden = month_hidden(months, period, "notifications", "timely_footprint", "awaiting_footprint")
        return _hidden_rate(counts, suppress, hidden)

    def total(counts: Counts, period: Period) -> Shown:
        if suppress and month_hidden(months, period, "notifications"):
            return SUPPRESSED
        return primary(counts.notifications) if suppress else counts.notifications

    now, before = rate(h.period_counts, h.period), rate(h.compare_counts, h.compare)
    change = now - before if isinstance(now, float) and isinstance(before, float) else None
    show = primary if suppress else (lambda v: v)
    return HeadlineView(
        as_of=h.as_of, criteria_version=h.criteria_version, period=h.period, compare=h.compare,
        period_rate=now, compare_rate=before, change=change,
        period_notifications=total(h.period_counts, h.period),
        compare_notifications=total(h.compare_counts, h.compare),
        awaiting_now=show(h.awaiting_now), overdue_now=show(h.overdue_now),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def month_view(m: Month, suppress: bool) -> MonthView:
    row = m.row
    counts = {c: int(row[c] or 0) for c in MIX_COLUMNS}
    total = int(row["notifications"] or 0)
    shown: dict[str, Shown] = dict(counts)
    shown_total: Shown = total
    raw_rate = _float(row["timely_rate"])
    rate: ShownRate = raw_rate
    hours: ShownRate = _float(row["median_working_hours_to_footprint"])
    delay_hours: ShownRate = _float(row["median_notification_delay_hours"])
    extra_counts: dict[str, int | None] = {"not_notified": row["not_notified"], "iros": row["iros_notified"]}
    extra: dict[str, Shown] = dict(extra_counts)
    if suppress:
        values = {**counts, "notifications": total}
        hidden = suppressed(values, [Line(MIX_COLUMNS, "notifications")])
        shown = {c: (SUPPRESSED if c in hidden else v) for c, v in counts.items()}
        shown_total = SUPPRESSED if "notifications" in hidden else total
        rate = rate_or_hidden(raw_rate, ["timely_footprint", "awaiting_footprint", "notifications"], hidden)
        behind = counts["timely_footprint"] + counts["late_footprint"]
        hours = SUPPRESSED if is_low(behind) or {"timely_footprint", "late_footprint"} & hidden else hours
        delay_hours = SUPPRESSED if is_low(total) else delay_hours
        extra = {k: primary(v) for k, v in extra_counts.items()}
    return MonthView(
        month=m.month, label=m.label, in_period=m.in_period, criteria_version=str(row["criteria_version"]),
        criteria_changed=m.criteria_changed, notifications=shown_total, by_column=shown, timely_rate=rate,
        median_hours=hours, not_notified=extra["not_notified"], median_delay_hours=delay_hours,
        iros_notified=extra["iros"],
    )


# consistency -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SpreadView:
    spread: Spread
    label: str
    iros: Shown

    @property
    def quartiles(self) -> tuple[float, float, float] | None:
        return self.spread.quartiles


def _rate_shown(row: Row) -> bool:
    """In the suppressed edition an IRO's month counts in the spread only if its counts would show."""
    return not is_low(int(row["timely_footprint"] or 0)) and not is_low(decided(row))


def spread_views(marts: Marts, months: Sequence[Month], views: Sequence[MonthView],
                 suppress: bool) -> list[SpreadView]:
    """The spread per month; the service's rate as the trend table shows it (hidden there, hidden here)."""
    service = {v.month: v.timely_rate for v in views}
    out = []
    for s in spreads(marts, months, _rate_shown if suppress else None):
        rate = service.get(s.month)
        s = replace(s, service_rate=rate if isinstance(rate, float) else None)
        iros = primary(len(s.rates)) if suppress else len(s.rates)
        out.append(SpreadView(s, s.month.strftime("%b %Y"), iros))
    return out


# delay -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DelayView:
    bands: dict[str, Shown]
    notifications: Shown
    median_hours: ShownRate
    never_notified: Shown
    never_notified_children: Shown
    never_notified_rows: list[Row]  # empty in the suppressed edition


def delay_view(marts: Marts, period: Period, months: Sequence[MonthView], suppress: bool) -> DelayView:
    d = delay(marts, period)
    if not suppress:
        return DelayView(dict(d.bands), d.notifications, d.median_hours, len(d.never_notified),
                         d.never_notified_children, d.never_notified)
    values = {**d.bands, "total": d.notifications}
    forced = ["total"] if month_hidden(months, period, "notifications") else []
    hidden = suppressed(values, [Line(tuple(d.bands), "total")], hide=forced)
    never = len(d.never_notified)
    return DelayView(
        bands={k: (SUPPRESSED if k in hidden else v) for k, v in d.bands.items()},
        notifications=SUPPRESSED if "total" in hidden else d.notifications,
        median_hours=SUPPRESSED if is_low(d.notifications) else d.median_hours,
        never_notified=SUPPRESSED if month_hidden(months, period, "not_notified") else primary(never),
        never_notified_children=primary(d.never_notified_children),
        never_notified_rows=[],
    )


# pipeline health -------------------------------------------------------------------------

@dataclass(frozen=True)
class HealthView:
    last_accepted: Row | None
    nights: Shown
    accepted: Shown
    rejected: Shown
    with_warnings: Shown
    rejected_nights: list[Row]
    warning_nights: list[Row]
    recent: list[Row]  # the latest nights, newest first
    line: str  # the health line `footprint status` prints


def health_view(marts: Marts, suppress: bool, recent: int = 14) -> HealthView:
    rows = marts.health
    show = primary if suppress else (lambda v: v)
    latest = [r for r in rows if r["is_latest_accepted"]]
    rejected = [r for r in rows if r["status"] == "rejected"]
    warned = [r for r in rows if (r["gate_warnings"] or 0) > 0]
    return HealthView(
        last_accepted=latest[-1] if latest else None,
        nights=show(len(rows)),
        accepted=show(sum(r["status"] == "accepted" for r in rows)),
        rejected=show(len(rejected)),
        with_warnings=show(len(warned)),
        rejected_nights=list(reversed(rejected)),
        warning_nights=list(reversed(warned))[:recent],
        recent=list(reversed(rows))[:recent],
        line=health_line(marts.status, counts=not suppress) if marts.status else "",
    )
