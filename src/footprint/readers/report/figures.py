"""The service's figures, computed from the mart rows (pure functions, no database).

Counts and rates follow the marts' own definitions (../shared/spec/audit-rules.md,
"What the figures are for"): a notification counts in the period of the date it
was sent; the timely rate is timely ÷ notifications no longer awaiting; episodes
never notified are counted apart and never in a rate.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from footprint.categories import CATEGORIES
from footprint.readers.report.data import Marts, Row
from footprint.readers.report.periods import Period, add_months, first_of_month

TREND_MONTHS = 36  # the service trend shows up to three years
SPARK_MONTHS = 12  # an IRO's small trend: the last year
MIN_DECIDED_FOR_SPREAD = 3  # an IRO-month with fewer decided notifications is left out of the spread
UNALLOCATED = "unallocated"
AWAITING = "awaiting"

DELAY_BANDS: tuple[tuple[str, float], ...] = (
    ("under 1 hour", 1), ("1 to 4 hours", 4), ("4 to 24 hours", 24), ("1 to 3 days", 72),
    ("3 to 7 days", 168), ("over 7 days", float("inf")),
)


def in_period(row: Row, period: Period) -> bool:
    return row["period_date"] in period


def notified(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r["is_notified"]]


@dataclass
class Counts:
    """A group of notifications counted the marts' way."""

    notifications: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    awaiting: int = 0
    overdue: int = 0
    hours: list[float] = field(default_factory=list)  # working hours to a timely or late footprint

    def add(self, row: Row) -> None:
        self.notifications += 1
        self.awaiting += bool(row["is_awaiting_footprint"])
        self.overdue += bool(row["is_overdue"])
        category = row["footprint_category"]
        if category in self.by_category and not row["is_awaiting_footprint"]:
            self.by_category[category] += 1
        if category in ("timely_footprint", "late_footprint") and row["working_hours_to_footprint"] is not None:
            self.hours.append(float(row["working_hours_to_footprint"]))

    @property
    def decided(self) -> int:
        return self.notifications - self.awaiting

    @property
    def timely_rate(self) -> float | None:
        return self.by_category["timely_footprint"] / self.decided if self.decided else None

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 2) if self.hours else None


def count(rows: Iterable[Row]) -> Counts:
    out = Counts()
    for row in rows:
        out.add(row)
    return out


# headline ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    as_of: dt.datetime
    criteria_version: str
    period: Period
    compare: Period
    period_counts: Counts
    compare_counts: Counts
    awaiting_now: int
    overdue_now: int

    @property
    def change(self) -> float | None:
        now, before = self.period_counts.timely_rate, self.compare_counts.timely_rate
        return None if now is None or before is None else now - before


def headline(marts: Marts, period: Period, compare: Period) -> Headline:
    rows = notified(marts.notifications)
    statuses = [r["worklist_status"] for r in marts.worklist]
    return Headline(
        as_of=marts.as_of,
        criteria_version=marts.criteria_version,
        period=period,
        compare=compare,
        period_counts=count(r for r in rows if in_period(r, period)),
        compare_counts=count(r for r in rows if in_period(r, compare)),
        awaiting_now=statuses.count("awaiting"),
        overdue_now=statuses.count("overdue"),
    )


# service trend -----------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    """A month of fct_service_compliance_monthly, and whether the criteria changed with it."""

    row: Row
    criteria_changed: bool
    in_period: bool

    @property
    def month(self) -> dt.date:
        return self.row["period_month"]

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")


def months_of(rows: Sequence[Row], period: Period) -> list[Month]:
    """Service months in order, each marked where its criteria_version differs from the month before."""
    out, previous = [], None
    in_period = set(period.months)
    for row in rows:
        version = row["criteria_version"]
        changed = previous is not None and version is not None and version != previous
        out.append(Month(row, changed, row["period_month"] in in_period))
        previous = version if version is not None else previous
    return out


def _quiet_month(month: dt.date, criteria_version: Any) -> Row:
    """A month without a notification or an episode: counted as none, no rate."""
    row: Row = {c: 0 for c in (*CATEGORIES, "notifications", "awaiting_footprint", "overdue", "not_notified",
                                 "unallocated_notifications", "iros_notified")}
    row.update(period_month=month, timely_rate=None, median_working_hours_to_footprint=None,
               median_notification_delay_hours=None, criteria_version=criteria_version, as_of=None)
    return row


def trend_months(marts: Marts, period: Period) -> list[Month]:
    """Up to TREND_MONTHS months of the service, ending with the period or the last complete month;
    a month the marts have no row for (nothing happened) is shown as a quiet month."""
    last = max(first_of_month(period.end), add_months(first_of_month(marts.as_of.date()), -1))
    rows = {r["period_month"]: r for r in marts.service_monthly if r["period_month"] <= last}
    if not rows:
        return []
    month = max(min(rows), add_months(last, 1 - TREND_MONTHS))
    filled, version = [], None
    while month <= last:
        row = rows.get(month) or _quiet_month(month, version)
        version = row["criteria_version"] or version
        filled.append(row)
        month = add_months(month, 1)
    return months_of(filled, period)


# consistency across IROs ---------------------------------------------------------------

@dataclass(frozen=True)
class Spread:
    """One month's timely rates of the IROs who had enough decided notifications."""

    month: dt.date
    rates: tuple[float, ...]
    service_rate: float | None

    @property
    def quartiles(self) -> tuple[float, float, float] | None:
        if not self.rates:
            return None
        if len(self.rates) == 1:
            return (self.rates[0],) * 3
        q1, q2, q3 = statistics.quantiles(self.rates, n=4, method="inclusive")
        return q1, q2, q3

    @property
    def iqr(self) -> float | None:
        q = self.quartiles
        return None if q is None else q[2] - q[0]


def decided(row: Row) -> int:
    return int(row["notifications"] or 0) - int(row["awaiting_footprint"] or 0)


def spreads(marts: Marts, months: Sequence[Month],
            rates_shown: Callable[[Row], bool] | None = None) -> list[Spread]:
    """Each month's spread of IRO timely rates; `rates_shown(row)` may hide a rate (suppression)."""
    by_month: dict[dt.date, list[float]] = {m.month: [] for m in months}
    for row in marts.iro_monthly:
        month = row["period_month"]
        if month not in by_month or row["iro_key"] == UNALLOCATED or row["timely_rate"] is None:
            continue
        if decided(row) < MIN_DECIDED_FOR_SPREAD or (rates_shown and not rates_shown(row)):
            continue
        by_month[month].append(float(row["timely_rate"]))
    return [Spread(m.month, tuple(sorted(by_month[m.month])), _rate(m.row["timely_rate"])) for m in months]


def _rate(value: Any) -> float | None:
    return None if value is None else float(value)


# the period's notification delay and the episodes never notified ----------------------------

@dataclass(frozen=True)
class Delay:
    bands: dict[str, int]
    median_hours: float | None
    notifications: int
    never_notified: list[Row]

    @property
    def never_notified_children(self) -> int:
        return len({r["child_key"] for r in self.never_notified})


def delay(marts: Marts, period: Period) -> Delay:
    rows = [r for r in marts.notifications if in_period(r, period)]
    hours = [float(r["notification_delay_hours"]) for r in notified(rows)
             if r["notification_delay_hours"] is not None]
    bands = dict.fromkeys((name for name, _ in DELAY_BANDS), 0)
    for value in hours:
        bands[next(name for name, upper in DELAY_BANDS if value < upper)] += 1
    return Delay(
        bands=bands,
        median_hours=round(statistics.median(hours), 2) if hours else None,
        notifications=len(hours),
        never_notified=[r for r in rows if not r["is_notified"]],
    )
