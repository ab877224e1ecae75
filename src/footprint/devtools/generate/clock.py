"""Time inside the generator.

A moment is an int: seconds of Europe/London *wall-clock* time since day 0 of
the proleptic calendar (`date.toordinal() * DAY`). The extract carries
wall-clock times without an offset, so simulating in wall-clock time keeps
working hours, "the end of the next working day" and the written values
trivially consistent. The one thing wall-clock arithmetic gets wrong is the
hour that does not exist when the clocks go forward: `Calendar.gaps` holds
those hours (found with zoneinfo) and the formatters move any moment inside
one to the end of the gap, a monotone mapping, so the order of events is
kept and no impossible time is ever written. Durations across a clock change
are an hour off, which the audit rules accept.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable
from zoneinfo import ZoneInfo

DAY = 86_400
HOUR = 3_600
MINUTE = 60
YEAR = 365.25 * DAY

LONDON = ZoneInfo("Europe/London")
_UTC = dt.UTC

WORK_START = 8 * HOUR + 30 * MINUTE
WORK_END = 17 * HOUR + 30 * MINUTE


def day_start(d: dt.date) -> int:
    return d.toordinal() * DAY


def to_date(t: int) -> dt.date:
    return dt.date.fromordinal(t // DAY)


def to_datetime(t: int) -> dt.datetime:
    return dt.datetime.fromordinal(t // DAY) + dt.timedelta(seconds=t % DAY)


def from_datetime(value: dt.datetime) -> int:
    return value.toordinal() * DAY + value.hour * HOUR + value.minute * MINUTE + value.second


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def wall_time_exists(value: dt.datetime) -> bool:
    """False for a Europe/London wall-clock time skipped when the clocks go forward."""
    there_and_back = value.replace(tzinfo=LONDON).astimezone(_UTC).astimezone(LONDON)
    return there_and_back.replace(tzinfo=None) == value


def _utc_offset(value: dt.datetime) -> dt.timedelta:
    offset = value.replace(tzinfo=LONDON).utcoffset()
    assert offset is not None  # a ZoneInfo always gives one
    return offset


def spring_gaps(first: dt.date, last: dt.date) -> dict[int, tuple[int, int]]:
    """Day ordinal -> (first skipped second of the day, first second after the gap)."""
    gaps: dict[int, tuple[int, int]] = {}
    d = first
    one = dt.timedelta(days=1)
    while d <= last:
        midnight = dt.datetime(d.year, d.month, d.day)
        if _utc_offset(midnight + dt.timedelta(hours=23)) > _utc_offset(midnight):

            def missing(minute: int, midnight: dt.datetime = midnight) -> bool:
                return not wall_time_exists(midnight + dt.timedelta(minutes=minute))

            # coarse scan, then widen to the exact minutes (a gap is at least 15 minutes long)
            skipped = [m for m in range(0, 24 * 60, 15) if missing(m)]
            if skipped:
                first_m, last_m = skipped[0], skipped[-1]
                while first_m > 0 and missing(first_m - 1):
                    first_m -= 1
                while last_m < 24 * 60 - 1 and missing(last_m + 1):
                    last_m += 1
                gaps[d.toordinal()] = (first_m * MINUTE, (last_m + 1) * MINUTE)
        d += one
    return gaps


class Calendar:
    """Working days (weekends and bank holidays of England and Wales) and clock changes."""

    def __init__(self, first: dt.date, last: dt.date):
        import holidays  # lazy: `footprint --help` imports this package

        years = range(first.year, last.year + 1)
        bank = holidays.country_holidays("GB", subdiv="ENG", years=years)
        self.first = first.toordinal()
        self.last = last.toordinal()
        n = self.last - self.first + 1
        self.working = bytearray(n)
        for i in range(n):
            d = dt.date.fromordinal(self.first + i)
            self.working[i] = d.weekday() < 5 and d not in bank
        # next_working[i]: ordinal of the first working day on or after day i
        self._next = array("l", [0]) * (n + 1)
        self._next[n] = self.last + 1
        while not self._weekday(self._next[n]):
            self._next[n] += 1
        for i in range(n - 1, -1, -1):
            self._next[i] = self.first + i if self.working[i] else self._next[i + 1]
        self.gaps = spring_gaps(first, last)

    @staticmethod
    def _weekday(ordinal: int) -> bool:
        return dt.date.fromordinal(ordinal).weekday() < 5

    def is_working(self, ordinal: int) -> bool:
        i = ordinal - self.first
        if 0 <= i < len(self.working):
            return bool(self.working[i])
        return self._weekday(ordinal)

    def next_working(self, ordinal: int) -> int:
        """The first working day on or after `ordinal`."""
        i = ordinal - self.first
        if 0 <= i < len(self.working):
            return self._next[i]
        while not self._weekday(ordinal):
            ordinal += 1
        return ordinal

    def due(self, t: int, working_days: int = 1) -> int:
        """End (exclusive) of the n-th working day after the calendar day of `t`."""
        day = t // DAY
        for _ in range(working_days):
            day = self.next_working(day + 1)
        return (day + 1) * DAY

    def in_working_hours(self, t: int) -> bool:
        day, sec = divmod(t, DAY)
        return WORK_START <= sec < WORK_END and self.is_working(day)

    def next_work_moment(self, t: int) -> int:
        """`t` if it falls in working hours, else the start of the next working period."""
        day, sec = divmod(t, DAY)
        if self.is_working(day):
            if sec < WORK_START:
                return day * DAY + WORK_START
            if sec < WORK_END:
                return t
        return self.next_working(day + 1) * DAY + WORK_START

    def fix_gap(self, t: int) -> int:
        day, sec = divmod(t, DAY)
        gap = self.gaps.get(day)
        if gap is not None and gap[0] <= sec < gap[1]:
            return day * DAY + gap[1]
        return t


# --- formatting ---------------------------------------------------------------

ISO = "iso"  # 2022-03-01 14:05:09
ISO_T = "iso_t"  # 2022-03-01T14:05:09
UK = "uk"  # 01/03/2022 14:05:09
UK_MIN = "uk_min"  # 01/03/2022 14:05 (only for files whose times are whole minutes)
STYLES = (ISO, ISO_T, UK, UK_MIN)

_TIMES: dict[bool, list[str]] = {}


def _time_table(seconds: bool) -> list[str]:
    table = _TIMES.get(seconds)
    if table is None:
        if seconds:
            table = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]
        else:
            table = [f"{s // 3600:02d}:{s // 60 % 60:02d}" for s in range(DAY)]
        _TIMES[seconds] = table
    return table


Formatter = Callable[[int | None], str]


def formatters(style: str, gaps: dict[int, tuple[int, int]]) -> tuple[Formatter, Formatter]:
    """(timestamp formatter, date formatter) for a style; both map None to ''."""
    uk = style in (UK, UK_MIN)
    sep = "T" if style == ISO_T else " "
    times = _time_table(style != UK_MIN)
    day_text: dict[int, str] = {}

    def fmt_date(ordinal: int | None) -> str:
        if ordinal is None:
            return ""
        text = day_text.get(ordinal)
        if text is None:
            d = dt.date.fromordinal(ordinal)
            text = f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if uk else d.isoformat()
            day_text[ordinal] = text
        return text

    def fmt_ts(t: int | None) -> str:
        if t is None:
            return ""
        day, sec = divmod(t, DAY)
        gap = gaps.get(day)
        if gap is not None and gap[0] <= sec < gap[1]:
            sec = gap[1]
        text = day_text.get(day)
        if text is None:
            text = fmt_date(day)
        return text + sep + times[sec]

    return fmt_ts, fmt_date
