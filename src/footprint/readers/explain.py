"""`footprint explain NOTIFICATION_ID`: why a notification got its footprint category.

Prints, from the published marts (what readers see after the last night's
publish): the expected IRO, the clock start, due time, horizon and activity
window, the category and where it stands as of "now", and every candidate
record (the IROs' notes and reviews on the child's file in a window) with its
time, its version, whether and why it was about the episode (the link or the
matched keyword), and what it counted as. It reads one mart made for it,
`marts.fct_footprint_evidence` (one row per notification and candidate
record), which holds no free text: note text, subjects and review summaries
are never printed. On DuckDB that is the marts file, so explaining never
holds a lock on the warehouse the nightly run writes.

    footprint explain N123              # notification N123
    footprint explain --episode E456    # an episode that was never notified
    footprint explain N123 --json       # the same, for machines
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from footprint.errors import FootprintError
from footprint.settings import Settings

MART = "marts.fct_footprint_evidence"

# What the report shows of the notification, as (name shown, column of the mart).
# The mart keeps the deciding record so far beside the category so far (shown
# even while awaiting); fct_missing_notifications blanks it until then.
NOTIFICATION_COLUMNS = (
    ("notification_key", "notification_key"),
    ("notification_id", "notification_id"),
    ("missing_episode_id", "missing_episode_id"),
    ("episode_type", "episode_type"),
    ("episode_start_at", "episode_start_at"),
    ("episode_end_at", "episode_end_at"),
    ("is_notified", "is_notified"),
    ("notified_at", "notified_at"),
    ("clock_start_at", "clock_start_at"),
    ("iro_professional_id", "iro_professional_id"),
    ("iro_name", "iro_name"),
    ("iro_involvement_id", "iro_involvement_id"),
    ("iro_involvement_team", "iro_involvement_team"),
    ("open_iro_allocations", "open_iro_allocations"),
    ("due_date", "due_date"),
    ("due_at", "due_at"),
    ("horizon_at", "horizon_at"),
    ("activity_from_at", "activity_from_at"),
    ("as_of", "as_of"),
    ("footprint_category", "footprint_category"),
    ("category_so_far", "category_so_far"),
    ("is_awaiting_footprint", "is_awaiting_footprint"),
    ("is_overdue", "is_overdue"),
    ("is_final", "is_final"),
    ("evidence_source", "evidence_source_so_far"),
    ("evidence_id", "evidence_id_so_far"),
    ("evidence_at", "evidence_at_so_far"),
    ("evidence_version_number", "evidence_version_number_so_far"),
    ("evidence_basis", "evidence_basis_so_far"),
    ("footprint_at", "footprint_at_so_far"),
    ("working_hours_to_footprint", "working_hours_to_footprint"),
    ("computed_category", "computed_category"),
    ("is_reviewed", "is_reviewed"),
    ("reviewed_category", "reviewed_category"),
    ("review_reason_code", "review_reason_code"),
    ("reviewed_by", "reviewed_by"),
    ("reviewed_at", "reviewed_at"),
    ("review_is_stale", "review_is_stale"),
)

CANDIDATE_COLUMNS = (
    "record_source",
    "record_id",
    "record_type",
    "author_professional_id",
    "is_by_expected_iro",
    "is_author_in_scope",
    "is_footprint_note_type",
    "recorded_at",
    "entered_at",
    "current_version_number",
    "current_version_modified_at",
    "version_count",
    "is_child_seen",
    "is_cancelled",
    "linked_missing_episode_id",
    "matched_keyword",
    "about_basis",
    "is_about_episode",
    "counts_from_at",
    "counts_from_version_number",
    "counts_from_version_modified_at",
    "is_recorded_after_as_of",
    "is_in_footprint_window",
    "is_in_evidence_window",
    "is_in_activity_window",
    "qualifies_as",
    "decision_reason",
)

# One notification's rows: its candidate records in the order they happened
# (a notification without any has a single row whose record columns are empty).
EVIDENCE_SQL = (
    "select " + ", ".join(dict.fromkeys(
        [column for _, column in NOTIFICATION_COLUMNS] + list(CANDIDATE_COLUMNS) + ["criteria_version"]))
    + f" from {MART} where notification_key = %s"
    " order by coalesce(counts_from_at, recorded_at), record_source, record_id"
)


def notification_key(identifier: str, episode: bool = False) -> str:
    if identifier.startswith(("notification:", "episode:")):
        return identifier
    return ("episode:" if episode else "notification:") + identifier


def explain(key: str, settings: Settings | None = None) -> dict[str, Any]:
    """Everything `footprint explain` shows, as plain data."""
    from footprint.warehouse import connect_marts, execute

    with connect_marts(settings) as conn:
        try:
            cur = execute(conn, EVIDENCE_SQL, (key,))
        except Exception as exc:  # noqa: BLE001 - any driver's "no such table"
            raise FootprintError(
                f"cannot read {MART} ({exc.__class__.__name__}): have the marts been built and published?"
            ) from None
        names = [d[0] for d in cur.description or ()]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    if not rows:
        raise FootprintError(f"no {key.replace(':', ' ')} in the published marts")
    header = {shown: rows[0][column] for shown, column in NOTIFICATION_COLUMNS}
    candidates = [{name: row[name] for name in CANDIDATE_COLUMNS} for row in rows if row["record_id"] is not None]
    return {"notification": header, "criteria_version": rows[0]["criteria_version"], "candidates": candidates}


# ------------------------------------------------------------------ printing


Row = dict[str, Any]


def _t(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(":00")
    return str(value)


def _yes(value: object) -> str:
    return "yes" if value else "no"


def _episode_lines(n: Row) -> list[str]:
    if n["is_notified"]:
        return [f"notification {n['notification_id']} about episode {n['missing_episode_id']} ({n['episode_type']})",
                f"  episode started {_t(n['episode_start_at'])}, ended {_t(n['episode_end_at'])}; "
                f"notification sent {_t(n['notified_at'])}"]
    return [f"episode {n['missing_episode_id']} ({n['episode_type']}) was never notified: "
            "counted apart, its clock starts at the episode start",
            f"  episode started {_t(n['episode_start_at'])}, ended {_t(n['episode_end_at'])}"]


def _iro_line(n: Row) -> str:
    if not n["iro_professional_id"]:
        return "expected IRO: none allocated on that date -> no_footprint (counted under 'unallocated')"
    extra = (f"; {n['open_iro_allocations']} IRO allocations open that day, the latest start wins"
             if (n["open_iro_allocations"] or 0) > 1 else "")
    return (f"expected IRO: {n['iro_professional_id']} {n['iro_name'] or ''} "
            f"(allocation {n['iro_involvement_id']}, team {n['iro_involvement_team'] or '-'}{extra})")


def _clock_lines(n: Row, criteria_version: str | None) -> list[str]:
    return [
        f"clock starts:    {_t(n['clock_start_at'])}",
        f"due:             {_t(n['due_at'])} (exclusive: by the end of {_t(n['due_date'])})",
        f"horizon:         {_t(n['horizon_at'])} (inclusive)",
        f"activity window: {_t(n['activity_from_at'])} to the horizon",
        f"now (as of):     {_t(n['as_of'])}" + (f"   criteria version {criteria_version}" if criteria_version else ""),
    ]


def _review_line(n: Row) -> str:
    """The programme manager's judgement beside the rule's (never the review's note)."""
    rule = n["computed_category"] or "awaiting footprint"
    stale = ("; STALE: the rule's category has changed since the review, confirm or clear it"
             if n["review_is_stale"] else "")
    return (f"reviewed:        {n['reviewed_category']} ({n['review_reason_code']}) by {n['reviewed_by']} "
            f"at {_t(n['reviewed_at'])}; the rule says {rule}{stale}")


def _state_lines(n: Row) -> list[str]:
    if n.get("is_reviewed"):
        return [f"category:        {n['footprint_category']} (reviewed)", _review_line(n),
                *_evidence_lines(n)]
    if n["is_awaiting_footprint"]:
        state = "awaiting footprint (due has not passed; no category yet)"
    else:
        flags = [name for name, on in (("overdue", n["is_overdue"]), ("final", n["is_final"])) if on]
        state = f"{n['footprint_category']}" + (f" ({', '.join(flags)})" if flags else "")
    return [f"category:        {state}", *_evidence_lines(n)]


def _evidence_lines(n: Row) -> list[str]:
    lines = []
    if n["evidence_id"] and not n["is_awaiting_footprint"]:
        version = f", version {n['evidence_version_number']}" if n["evidence_version_number"] else ""
        label = "rule's evidence:" if n.get("is_reviewed") else "decided by:     "
        lines.append(f"{label} {n['evidence_source']} {n['evidence_id']} at {_t(n['evidence_at'])}"
                     f"{version} ({n['evidence_basis']})")
        if n["working_hours_to_footprint"] is not None:
            lines.append(f"working hours to footprint: {n['working_hours_to_footprint']}")
    return lines


def _about_line(c: Row) -> str:
    why = c["about_basis"]
    if c["about_basis"] == "keyword":
        why = f"keyword '{c['matched_keyword']}'"
    elif c["linked_missing_episode_id"]:
        why = f"{c['about_basis']} ({c['linked_missing_episode_id']})"
    if not c["is_about_episode"]:
        return f"    about the episode: no ({why})"
    since = (f", from version {c['counts_from_version_number']} (modified {_t(c['counts_from_version_modified_at'])})"
             if c["counts_from_version_number"] and c["counts_from_version_number"] > 1 else "")
    return f"    about the episode: yes, {why}; counts from {_t(c['counts_from_at'])}{since}"


def _candidate_lines(c: Row, n: Row) -> list[str]:
    decides = (not n["is_awaiting_footprint"] and c["record_source"] == n["evidence_source"]
               and c["record_id"] == n["evidence_id"])
    author = "the expected IRO" if c["is_by_expected_iro"] else "another IRO"
    lines = [f"- {c['record_source']} {c['record_id']}  type {c['record_type']}  by {c['author_professional_id']} "
             f"({author})" + ("   <- decides the category" if decides else "")]
    if c["record_source"] == "case_note":
        lines.append(f"    entered {_t(c['entered_at'])}; counts as recorded at {_t(c['recorded_at'])}; "
                     f"version {c['current_version_number']} of {c['version_count']} "
                     f"(modified {_t(c['current_version_modified_at'])}); child seen: {_yes(c['is_child_seen'])}")
    else:
        lines.append(f"    review held {_t(c['recorded_at'])}; cancelled: {_yes(c['is_cancelled'])}")
    lines.append(_about_line(c))
    lines.append(f"    windows: footprint {_yes(c['is_in_footprint_window'])}, evidence "
                 f"{_yes(c['is_in_evidence_window'])}, activity {_yes(c['is_in_activity_window'])}; "
                 f"footprint note type: {_yes(c['is_footprint_note_type'])}; "
                 f"author counts: {_yes(c['is_author_in_scope'])}")
    verdict = f"{c['qualifies_as']}: {c['decision_reason']}" if c["qualifies_as"] else c["decision_reason"]
    lines.append(f"    -> {verdict}")
    return lines


def render(report: dict[str, Any]) -> str:
    n = report["notification"]
    lines = [*_episode_lines(n), _iro_line(n), *_clock_lines(n, report["criteria_version"]), *_state_lines(n)]
    candidates = report["candidates"]
    lines.append("")
    lines.append(f"candidate records ({len(candidates)}): the IROs' notes and reviews on the child's file in a window")
    if not candidates:
        lines.append("  none: nothing from an IRO on the child's file between the activity window's start and the horizon")
    for c in candidates:
        lines += _candidate_lines(c, n)
    return "\n".join(lines)


def jsonable(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value
