"""Everything one page shows: the service report (index.html) and an IRO's learning pack.

A page is assembled from the sections' figures (footprint.readers.report.view,
.reaudit, .iros) and their charts; the templates only print it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from footprint.readers.report import charts
from footprint.readers.report.data import Marts, Row
from footprint.readers.report.figures import Month, headline, trend_months
from footprint.readers.report.iros import (
    IroPeriod,
    Pack,
    WorklistLine,
    iro_key,
    iro_table,
    worklist_by_iro,
)
from footprint.readers.report.judgement import JudgementView, judgement_view
from footprint.readers.report.method import Method
from footprint.readers.report.periods import Period
from footprint.readers.report.reaudit import CompareRow, comparison, snapshots
from footprint.readers.report.suppress import primary
from footprint.readers.report.view import (
    MIX_COLUMNS,
    DelayView,
    HeadlineView,
    HealthView,
    MonthView,
    SpreadView,
    delay_view,
    headline_view,
    health_view,
    month_view,
    spread_views,
)


@dataclass
class IndexPage:
    suppress: bool
    generated_at: dt.datetime
    headline: HeadlineView
    comparison: list[CompareRow]
    months: list[MonthView]
    spreads: list[SpreadView]
    delay: DelayView
    health: HealthView
    method: Method
    iros: list[IroPeriod] = field(default_factory=list)  # empty in the suppressed edition
    spark_labels: list[str] = field(default_factory=list)
    worklist_by_iro: list[WorklistLine] = field(default_factory=list)
    worklist: list[Row] = field(default_factory=list)
    worklist_awaiting: Any = None
    worklist_overdue: Any = None
    pack_files: dict[str, str] = field(default_factory=dict)  # IRO key -> file name under iro/
    charts: dict[str, str] = field(default_factory=dict)
    sparklines: dict[str, str] = field(default_factory=dict)  # IRO key -> SVG
    judgement: JudgementView | None = None  # the service edition only

    @property
    def snapshot_period(self) -> Period:
        return self.headline.period


def index_page(marts: Marts, period: Period, compare: Period, method: Method, suppress: bool,
               generated_at: dt.datetime) -> IndexPage:
    months = trend_months(marts, period)
    month_views = [month_view(m, suppress) for m in months]
    h = headline(marts, period, compare)
    page = IndexPage(
        suppress=suppress, generated_at=generated_at,
        headline=headline_view(h, month_views, suppress),
        comparison=comparison(snapshots(marts, period, compare), suppress),
        months=month_views, spreads=spread_views(marts, months, month_views, suppress),
        delay=delay_view(marts, period, month_views, suppress), health=health_view(marts, suppress), method=method,
    )
    statuses = [r["worklist_status"] for r in marts.worklist]
    show = primary if suppress else (lambda v: v)
    page.worklist_awaiting, page.worklist_overdue = show(statuses.count("awaiting")), show(statuses.count("overdue"))
    if not suppress:
        page.iros = iro_table(marts, period)
        page.worklist_by_iro = worklist_by_iro(marts)
        page.worklist = list(marts.worklist)
        page.judgement = judgement_view(marts, period)
        if page.iros:
            page.spark_labels = [m.strftime("%b %y") for m, _ in page.iros[0].trend]
    return page


def draw_index(page: IndexPage) -> None:
    page.charts = {
        "trend": charts.trend_chart(page.months),
        "mix": charts.mix_chart(page.months),
        "consistency": charts.consistency_chart(page.spreads),
        "delay": charts.delay_chart(page.months),
    }
    for line in page.iros:
        if not line.iro.is_unallocated:
            page.sparklines[line.iro.key] = charts.sparkline(
                [(m.strftime("%b %y"), rate) for m, rate in line.trend])


# the learning pack -------------------------------------------------------------------------

@dataclass
class PackPage:
    pack: Pack
    generated_at: dt.datetime
    as_of: dt.datetime
    criteria_version: str
    method: Method
    months: list[MonthView]  # the IRO's own counts per month, as the mix chart draws them
    rates: list[dict[str, Any]]  # label, iro, service, iro_hours, service_hours, notifications
    service_rate: float | None  # the whole service's timely rate in the period
    worklist: list[Row]
    charts: dict[str, str] = field(default_factory=dict)


def _iro_month(month: dt.date, row: Row | None) -> MonthView:
    counts = {c: int(row[c] or 0) if row else 0 for c in MIX_COLUMNS}
    return MonthView(
        month=month, label=month.strftime("%b %Y"), in_period=False, criteria_version="",
        criteria_changed=False, notifications=int(row["notifications"] or 0) if row else 0, by_column=dict(counts),
        timely_rate=None, median_hours=None, not_notified=None, median_delay_hours=None, iros_notified=None,
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


MIN_OTHER_IROS = 3  # the service's figure beside an IRO's only when it pools at least this many others


def _service_shown(service: Row | None, own_notifications: int) -> bool:
    """Whether the service's figures of a month may stand beside one IRO's: with fewer other IROs,
    they would be another IRO's own figures (with none, exactly theirs)."""
    if service is None:
        return False
    others = int(service["iros_notified"] or 0) - (1 if own_notifications else 0)
    return others >= MIN_OTHER_IROS


def pack_page(marts: Marts, pack: Pack, method: Method, service_rate: float | None, period_iros: int,
              generated_at: dt.datetime) -> PackPage:
    """One IRO's page. `service_rate` is the whole service's in the period, `period_iros` how many IROs
    received notifications in it."""
    rates = []
    for m in pack.months:
        own = int(m.iro["notifications"] or 0) if m.iro else 0
        service = m.service if _service_shown(m.service, own) else None
        rates.append({
            "label": m.month.strftime("%b %Y"),
            "notifications": own,
            "iro": _float(m.iro["timely_rate"]) if m.iro else None,
            "service": _float(service["timely_rate"]) if service else None,
            "iro_hours": _float(m.iro["median_working_hours_to_footprint"]) if m.iro else None,
            "service_hours": _float(service["median_working_hours_to_footprint"]) if service else None,
        })
    return PackPage(
        pack=pack, generated_at=generated_at, as_of=marts.as_of, criteria_version=marts.criteria_version,
        method=method, months=[_iro_month(m.month, m.iro) for m in pack.months], rates=rates,
        service_rate=service_rate if period_iros - 1 >= MIN_OTHER_IROS else None,
        worklist=[r for r in marts.worklist if iro_key(r) == pack.iro.key],
    )


def draw_pack(page: PackPage) -> None:
    page.charts = {
        "rate": charts.pack_rate_chart(page.rates),
        "mix": charts.mix_chart(page.months, title="your notifications", legend=False),
    }


__all__ = ["IndexPage", "Month", "PackPage", "draw_index", "draw_pack", "index_page", "pack_page"]
