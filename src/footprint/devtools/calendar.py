"""`footprint calendar`: the working-day calendar seed, from the `holidays` package.

Working days exclude weekends and the bank holidays of England and Wales
(the spec's "Due"). The seed `dbt_project/seeds/calendar_days.csv` is
committed; a test fails when it differs from a fresh generation, so a new
`holidays` release (a newly announced bank holiday) is noticed and the seed
regenerated with `footprint calendar` (or `make calendar`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

FIRST_DAY = dt.date(2010, 1, 1)
LAST_DAY = dt.date(2040, 12, 31)
HEADER = ("calendar_date", "is_working_day", "holiday_name")


def seed_path() -> Path:
    from footprint.settings import DBT_PROJECT_DIR

    return DBT_PROJECT_DIR / "seeds" / "calendar_days.csv"


def bank_holidays(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> dict[dt.date, str]:
    """Bank holidays of England and Wales (the two share one list), by date."""
    import holidays

    # subdiv ENG: the England and Wales list (Scotland and Northern Ireland differ).
    calendar = holidays.UK(subdiv="ENG", years=range(first.year, last.year + 1), language="en_GB")
    return {day: str(name) for day, name in sorted(calendar.items()) if first <= day <= last}


def rows(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> list[tuple[str, str, str]]:
    holidays_by_day = bank_holidays(first, last)
    out = []
    day = first
    while day <= last:
        name = holidays_by_day.get(day, "")
        working = day.weekday() < 5 and not name
        out.append((day.isoformat(), "true" if working else "false", name))
        day += dt.timedelta(days=1)
    return out


def render(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(first, last))
    return buffer.getvalue()


def write(path: Path | None = None) -> Path:
    path = Path(path) if path else seed_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8", newline="")
    return path
