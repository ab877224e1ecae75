"""Figures per IRO: the period's table, each IRO's small trend, the learning pack and the worklist.

The IRO of a notification is its expected IRO (`iro_professional_id`);
notifications with none are counted under "unallocated", a data-quality
finding in itself, which has no learning pack.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from footprint.readers.report.data import Marts, Row
from footprint.readers.report.figures import (
    SPARK_MONTHS,
    UNALLOCATED,
    Counts,
    Month,
    count,
    in_period,
    notified,
)
from footprint.readers.report.periods import Period, add_months, first_of_month


def iro_key(row: Row) -> str:
    return row["iro_professional_id"] or UNALLOCATED


@dataclass(frozen=True)
class Iro:
    key: str
    name: str
    team: str

    @property
    def is_unallocated(self) -> bool:
        return self.key == UNALLOCATED

    @property
    def file_name(self) -> str:
        """The learning pack's file: this IRO's own name and id only."""
        return f"{slug(self.name)}-{slug(self.key)}.html"


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "iro"


@dataclass(frozen=True)
class IroPeriod:
    """One IRO's line of the per-IRO table."""

    iro: Iro
    counts: Counts
    not_notified: int
    trend: list[tuple[dt.date, float | None]]  # the last SPARK_MONTHS months' timely rates


def iros_in(rows: list[Row]) -> dict[str, Iro]:
    """The IROs of the rows, named as on their latest row (rows come in clock order)."""
    out: dict[str, Iro] = {}
    for row in rows:
        key = iro_key(row)
        if key == UNALLOCATED:
            out[key] = Iro(key, "(unallocated)", "")
        else:
            out[key] = Iro(key, row["iro_name"] or key, row["iro_team"] or "")
    return dict(sorted(out.items(), key=lambda kv: (kv[1].is_unallocated, kv[1].name.lower(), kv[0])))


def spark_months(period: Period) -> list[dt.date]:
    last = first_of_month(period.end)
    return [add_months(last, i - SPARK_MONTHS + 1) for i in range(SPARK_MONTHS)]


def by_iro(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(iro_key(row), []).append(row)
    return out


def iro_table(marts: Marts, period: Period) -> list[IroPeriod]:
    rows = [r for r in marts.notifications if in_period(r, period)]
    grouped = by_iro(rows)
    months = spark_months(period)
    monthly = {(r["iro_key"], r["period_month"]): r for r in marts.iro_monthly}
    out = []
    for key, iro in iros_in(rows).items():
        mine = grouped[key]
        trend = [(m, _rate(monthly.get((key, m)))) for m in months]
        out.append(IroPeriod(iro, count(notified(mine)), sum(not r["is_notified"] for r in mine), trend))
    return out


def _rate(row: Row | None) -> float | None:
    return None if row is None or row["timely_rate"] is None else float(row["timely_rate"])


# the learning pack ---------------------------------------------------------------------

@dataclass(frozen=True)
class PackMonth:
    month: dt.date
    iro: Row | None  # the IRO's fct_iro_compliance_monthly row, if any notification that month
    service: Row | None  # the service's row (every IRO together)


@dataclass(frozen=True)
class Pack:
    iro: Iro
    period: Period
    counts: Counts
    months: list[PackMonth]
    notifications: list[Row]  # the IRO's notifications in the period, oldest first


def packs(marts: Marts, period: Period, months: list[Month]) -> list[Pack]:
    """One learning pack per IRO with a notification in the period."""
    rows = [r for r in notified(marts.notifications) if in_period(r, period)]
    grouped = by_iro(rows)
    own = {(r["iro_key"], r["period_month"]): r for r in marts.iro_monthly}
    out = []
    for key, iro in iros_in(rows).items():
        if iro.is_unallocated:
            continue
        out.append(Pack(
            iro=iro,
            period=period,
            counts=count(grouped[key]),
            months=[PackMonth(m.month, own.get((key, m.month)), m.row) for m in months[-SPARK_MONTHS:]],
            notifications=grouped[key],
        ))
    return out


# the worklist now ----------------------------------------------------------------------

@dataclass(frozen=True)
class WorklistLine:
    iro: Iro
    awaiting: int
    overdue: int


def worklist_by_iro(marts: Marts) -> list[WorklistLine]:
    grouped = by_iro(marts.worklist)
    out = []
    for key, iro in iros_in(marts.worklist).items():
        statuses = [r["worklist_status"] for r in grouped[key]]
        out.append(WorklistLine(iro, statuses.count("awaiting"), statuses.count("overdue")))
    return out
