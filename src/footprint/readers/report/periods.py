"""The report's two periods: the one it is about, and the one it is compared with.

Both ends of a period are included, as in the spec ("Periods"). By default
the period is the last three complete months before the marts' `as_of` (the
month of `as_of` is still under way), and the comparison period is the one of
the same length just before it: the same number of whole months when the
period is whole months, else the same number of days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from footprint.errors import FootprintError

DEFAULT_MONTHS = 3


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def last_of_month(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise FootprintError(f"a period cannot start ({self.start}) after it ends ({self.end})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == last_of_month(self.end)

    @property
    def months(self) -> list[dt.date]:
        """First days of the months the period touches, in order."""
        out, month = [], first_of_month(self.start)
        while month <= self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def label(self) -> str:
        if self.is_whole_months:
            first, last = self.start.strftime("%b %Y"), self.end.strftime("%b %Y")
            return first if first == last else f"{first} to {last}"
        return f"{_day(self.start)} to {_day(self.end)}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def before(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        if self.is_whole_months:
            count = len(self.months)
            start = add_months(self.start, -count)
            return Period(start, self.start - dt.timedelta(days=1))
        end = self.start - dt.timedelta(days=1)
        return Period(end - (self.end - self.start), end)


def _day(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def default_period(as_of: dt.date, months: int = DEFAULT_MONTHS) -> Period:
    """The last `months` complete months before the month of `as_of`."""
    end = first_of_month(as_of) - dt.timedelta(days=1)
    return Period(add_months(first_of_month(end), 1 - months), end)


def choose_periods(as_of: dt.date, date_from: dt.date | None = None, date_to: dt.date | None = None,
                   compare_from: dt.date | None = None,
                   compare_to: dt.date | None = None) -> tuple[Period, Period]:
    """The period and the comparison period from the options given (each pair both or neither)."""
    if (date_from is None) != (date_to is None):
        raise FootprintError("give both --from and --to, or neither (the last three complete months)")
    if (compare_from is None) != (compare_to is None):
        raise FootprintError("give both --compare-from and --compare-to, or neither (the period just before)")
    period = Period(date_from, date_to) if date_from and date_to else default_period(as_of)
    compare = Period(compare_from, compare_to) if compare_from and compare_to else period.before()
    return period, compare
