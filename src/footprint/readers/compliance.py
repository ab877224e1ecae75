"""`footprint compliance`: the per-IRO compliance table for one month, from the published marts.

What the IRO service's managers discuss individual learning from; the same
rows a BI tool reads from `marts.fct_iro_compliance_monthly`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from footprint.warehouse import Connection, execute, fetch_value

COLUMNS = (
    ("iro_name", "IRO"),
    ("iro_team", "team"),
    ("notifications", "notif."),
    ("timely_footprint", "timely"),
    ("late_footprint", "late"),
    ("discussed_at_review", "review"),
    ("discussed_with_child", "w/ child"),
    ("contact_not_about_missing", "contact"),
    ("no_footprint", "none"),
    ("awaiting_footprint", "awaiting"),
    ("overdue", "overdue"),
    ("not_notified", "not notif."),
    ("reviewed", "reviewed"),
    ("timely_rate", "timely %"),
    ("median_working_hours_to_footprint", "median wh"),
)


def monthly_rows(conn: Connection, month: dt.date | None) -> tuple[dt.date | None, list[dict[str, Any]]]:
    """Rows of the month (the latest month with notifications when `month` is None)."""
    if month is None:
        month = fetch_value(
            conn, "select max(period_month) from marts.fct_iro_compliance_monthly where notifications > 0"
        )
        if month is None:
            return None, []
    names = [name for name, _ in COLUMNS] + ["criteria_version", "as_of"]
    rows = execute(
        conn,
        f"select {', '.join(names)} from marts.fct_iro_compliance_monthly "
        "where period_month = %s order by iro_key = 'unallocated', iro_name, iro_key",
        (month,),
    ).fetchall()
    return month, [dict(zip(names, row, strict=True)) for row in rows]


def _cell(name: str, value: object) -> str:
    if value in (None, ""):
        return "(unallocated)" if name == "iro_name" else ""
    if name == "timely_rate":
        return f"{float(str(value)) * 100:.0f}%"
    return str(value)


def render_text(month: dt.date, rows: list[dict[str, Any]]) -> str:
    header = [label for _, label in COLUMNS]
    body = [[_cell(name, row[name]) for name, _ in COLUMNS] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)]
    lines = [f"IRO footprint compliance, notifications of {month:%B %Y}"]
    if rows:
        lines.append(f"criteria {rows[0]['criteria_version']}, as of {rows[0]['as_of']}")
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(lines)
