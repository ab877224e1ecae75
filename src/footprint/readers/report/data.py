"""The published marts the report reads, as plain rows.

Only the published marts (`footprint.warehouse.connect_marts`: the marts file
on DuckDB, schema `marts` on PostgreSQL), never raw, the build schema or the
restricted worklist. Each mart is read once, every column named; numbers come
back as int or float, times as naive Europe/London datetimes, so the figures
do not depend on the engine or its driver.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from footprint.errors import FootprintError
from footprint.readers.status import Status, now_in_london, stale_after_hours, status_from_marts
from footprint.settings import Settings
from footprint.warehouse import Connection, execute

Row = dict[str, Any]

NOTIFICATION_COLUMNS = (
    "notification_key", "notification_id", "missing_episode_id", "child_key", "episode_type", "is_notified",
    "iro_professional_id", "iro_name", "iro_team", "episode_start_at", "notified_at", "period_date",
    "period_month", "notification_delay_hours", "due_at", "horizon_at", "footprint_category",
    "is_awaiting_footprint", "is_overdue", "is_final", "footprint_at", "working_hours_to_footprint",
    "evidence_source", "evidence_id", "evidence_at", "evidence_basis", "child_sex",
    "child_age_at_notification", "get_safe_open", "missing_episodes_prior_90d", "criteria_version", "as_of",
    "computed_category", "is_reviewed", "reviewed_category", "review_reason_code", "reviewed_by", "reviewed_at",
    "review_is_stale",
)
FIGURE_COLUMNS = (
    "notifications", "timely_footprint", "late_footprint", "discussed_at_review", "discussed_with_child",
    "contact_not_about_missing", "no_footprint", "awaiting_footprint", "overdue", "not_notified",
    "timely_rate", "median_working_hours_to_footprint",
)
SERVICE_COLUMNS = (
    "period_month", "unallocated_notifications", "iros_notified", *FIGURE_COLUMNS,
    "median_notification_delay_hours", "criteria_version", "as_of",
)
IRO_COLUMNS = (
    "iro_key", "iro_professional_id", "iro_name", "iro_team", "period_month", *FIGURE_COLUMNS,
    "criteria_version", "as_of",
)
WORKLIST_COLUMNS = (
    "notification_key", "notification_id", "child_key", "iro_professional_id", "iro_name", "iro_team",
    "notified_at", "due_at", "horizon_at", "worklist_status", "footprint_category", "hours_until_due",
    "hours_overdue", "criteria_version", "as_of",
)
HEALTH_COLUMNS = (
    "extract_date", "produced_at", "source_system", "load_type", "status", "rejected_stage", "gate_errors",
    "gate_warnings", "gate_expectations", "rows_loaded", "is_latest_accepted", "later_accepted_extract_date",
    "is_made_good", "criteria_version", "as_of",
)
QUALITY_COLUMNS = (
    "iro_key", "iro_professional_id", "iro_name", "period_month", "sampled", "graded", "good", "adequate", "poor",
)
MARTS: dict[str, tuple[tuple[str, ...], str]] = {
    "fct_missing_notifications": (NOTIFICATION_COLUMNS, "clock_start_at, notification_key"),
    "fct_service_compliance_monthly": (SERVICE_COLUMNS, "period_month"),
    "fct_iro_compliance_monthly": (IRO_COLUMNS, "iro_key, period_month"),
    "rpt_footprint_worklist": (WORKLIST_COLUMNS, "due_at, notification_key"),
    "rpt_pipeline_health": (HEALTH_COLUMNS, "extract_date"),
    "fct_footprint_quality_monthly": (QUALITY_COLUMNS, "iro_key, period_month"),
}


@dataclass(frozen=True)
class Marts:
    """Every row the report is made from."""

    notifications: list[Row]
    service_monthly: list[Row]
    iro_monthly: list[Row]
    worklist: list[Row]
    health: list[Row]
    quality: list[Row] = field(default_factory=list)
    status: Status | None = None  # the pipeline's health line, as `footprint status` says it

    @property
    def as_of(self) -> dt.datetime:
        stamps = {r["as_of"] for r in self.service_monthly if r["as_of"] is not None}
        if not stamps:
            raise FootprintError("the published marts hold no notification yet: nothing to report")
        return max(stamps)

    @property
    def criteria_version(self) -> str:
        """The version of the latest month (a mart could in time carry several: see the trend)."""
        dated = [r for r in self.service_monthly if r["criteria_version"] is not None]
        return str(max(dated, key=lambda r: r["period_month"])["criteria_version"]) if dated else "-"


def plain(value: Any) -> Any:
    """A driver's value as the report computes with it."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def read_mart(conn: Connection, table: str) -> list[Row]:
    columns, order = MARTS[table]
    try:
        rows = execute(conn, f"select {', '.join(columns)} from marts.{table} order by {order}").fetchall()
    except Exception as exc:  # the driver's "no such table", whichever driver
        raise FootprintError(
            f"cannot read marts.{table} ({exc.__class__.__name__}): have the marts been published "
            "by this version of the pipeline?"
        ) from exc
    return [{name: plain(value) for name, value in zip(columns, row, strict=True)} for row in rows]


def read_marts(conn: Connection) -> Marts:
    return Marts(
        notifications=read_mart(conn, "fct_missing_notifications"),
        service_monthly=read_mart(conn, "fct_service_compliance_monthly"),
        iro_monthly=read_mart(conn, "fct_iro_compliance_monthly"),
        worklist=read_mart(conn, "rpt_footprint_worklist"),
        health=read_mart(conn, "rpt_pipeline_health"),
        quality=read_mart(conn, "fct_footprint_quality_monthly"),
        status=status_from_marts(conn, now_in_london(), stale_after_hours()),
    )


def load_marts(settings: Settings) -> Marts:
    """The published marts of the configured warehouse."""
    from footprint.warehouse import connect_marts

    with connect_marts(settings) as conn:
        return read_marts(conn)
