"""Which tables the workbook holds, in either edition, with their column descriptions.

Service edition: service monthly, per IRO monthly, the two audit snapshots side
by side, the period's notifications, the worklist, the pipeline's health.
Suppressed edition: service monthly and the audit snapshots as suppressed in
the report, the pipeline's nights without their counts; no IRO, no
notification, no worklist row.
"""

from __future__ import annotations

from typing import Any

from footprint.readers.report.data import (
    HEALTH_COLUMNS,
    IRO_COLUMNS,
    NOTIFICATION_COLUMNS,
    SERVICE_COLUMNS,
    WORKLIST_COLUMNS,
    Marts,
    Row,
)
from footprint.readers.report.docs import Docs
from footprint.readers.report.figures import in_period, months_of
from footprint.readers.report.pages import IndexPage
from footprint.readers.report.view import MIX_COLUMNS, month_view
from footprint.readers.report.workbook import Sheet

NOTIFICATION_SHEET_COLUMNS = [c for c in NOTIFICATION_COLUMNS if c not in ("notification_key", "as_of")]
SUPPRESSED_SERVICE_COLUMNS = ["period_month", "notifications", *MIX_COLUMNS, "timely_rate",
                              "median_working_hours_to_footprint", "not_notified",
                              "median_notification_delay_hours", "criteria_version"]
SUPPRESSED_HEALTH_COLUMNS = ["extract_date", "produced_at", "source_system", "load_type", "status",
                             "rejected_stage", "is_latest_accepted", "later_accepted_extract_date", "is_made_good"]
AUDIT_DESCRIPTIONS = {
    "key": "Stable name of the figure (the same in every report).",
    "finding": "The hand audit's figure: children notified in the period, their facts at their latest "
               "notification, and the best category among each child's notifications.",
    "change": "The period's count minus the comparison period's.",
}


def _rows(rows: list[Row], columns: list[str] | tuple[str, ...]) -> list[list[Any]]:
    return [[row.get(c) for c in columns] for row in rows]


def _sheet(name: str, model: str, columns: list[str] | tuple[str, ...], rows: list[Row], docs: Docs) -> Sheet:
    return Sheet(name, list(columns), _rows(rows, columns), dict(docs.get(model, {})))


def audit_sheet(page: IndexPage) -> Sheet:
    h = page.headline
    period, compare = f"{h.period.label} ({h.period.start} to {h.period.end})", \
        f"{h.compare.label} ({h.compare.start} to {h.compare.end})"
    rows: list[list[Any]] = [[r.key, r.label, r.period, r.compare, r.change or None] for r in page.comparison]
    descriptions = {**AUDIT_DESCRIPTIONS, period: "The period of the report.",
                    compare: "The comparison period (by default the same length, just before)."}
    return Sheet("Audit snapshots", ["key", "finding", period, compare, "change"], rows, descriptions,
                 widths={"finding": 52, period: 26, compare: 26})


def _suppressed_service(marts: Marts, page: IndexPage, docs: Docs) -> Sheet:
    rows = []
    for m in months_of(marts.service_monthly, page.headline.period):
        v = month_view(m, suppress=True)
        values = {"period_month": v.month, "notifications": v.notifications, **v.by_column,
                  "timely_rate": v.timely_rate, "median_working_hours_to_footprint": v.median_hours,
                  "not_notified": v.not_notified, "median_notification_delay_hours": v.median_delay_hours,
                  "criteria_version": v.criteria_version}
        rows.append(values)
    return _sheet("Service monthly", "fct_service_compliance_monthly", SUPPRESSED_SERVICE_COLUMNS, rows, docs)


def sheets(marts: Marts, page: IndexPage, docs: Docs) -> list[Sheet]:
    if page.suppress:
        return [
            _suppressed_service(marts, page, docs),
            audit_sheet(page),
            _sheet("Pipeline health", "rpt_pipeline_health", SUPPRESSED_HEALTH_COLUMNS, marts.health, docs),
        ]
    period = page.headline.period
    return [
        _sheet("Service monthly", "fct_service_compliance_monthly", SERVICE_COLUMNS, marts.service_monthly, docs),
        _sheet("IRO monthly", "fct_iro_compliance_monthly", IRO_COLUMNS, marts.iro_monthly, docs),
        audit_sheet(page),
        _sheet("Notifications", "fct_missing_notifications", NOTIFICATION_SHEET_COLUMNS,
               [r for r in marts.notifications if in_period(r, period)], docs),
        _sheet("Worklist", "rpt_footprint_worklist", WORKLIST_COLUMNS, marts.worklist, docs),
        _sheet("Pipeline health", "rpt_pipeline_health", HEALTH_COLUMNS, marts.health, docs),
    ]


def about(page: IndexPage) -> list[tuple[str, Any]]:
    h = page.headline
    edition = ("suppressed (counts from 1 to 5 shown as c; no IRO names, no individual notifications)"
               if page.suppress else "IRO service (names IROs; not for circulation beyond the IRO service)")
    return [
        ("edition", edition),
        ("period", f"{h.period.start} to {h.period.end} ({h.period.label})"),
        ("comparison period", f"{h.compare.start} to {h.compare.end} ({h.compare.label})"),
        ("data as of", h.as_of),
        ("criteria version", h.criteria_version),
        ("built", page.generated_at),
        ("sheets", "One table per sheet, header row frozen; each column is described in its header's comment "
                   "and on the Columns sheet."),
        ("pseudonyms", "child_key is a keyed pseudonym of the child; the workbook holds no free text, no child "
                       "names, no dates of birth and no person ids."),
    ]
