"""The gate's Markdown report, one page per night under FOOTPRINT_REPORTS_DIR/<night>/.

It names files, columns, checks, identifiers and CSV record numbers, never a value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from footprint.contract import FILES
from footprint.gate.result import Finding, GateResult, row_id_text
from footprint.gate.suites import QualityConfig
from footprint.settings import Settings

REPORT_NAME = "validation.md"


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_report(result: GateResult, meta: dict[str, Any], config: QualityConfig, settings: Settings) -> None:
    """A Markdown page per night: what was checked, what failed, where (ids and row numbers only)."""
    out = result.report_path
    if out is None:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    verdict = "ACCEPTED" if result.passed else "REJECTED"
    lines = [
        f"# Validation report: night {result.extract_date}",
        "",
        f"**{verdict}**: {len(result.failures)} error(s) block the night, "
        f"{len(result.warnings)} warning(s) reported. "
        f"{result.expectations} expectations over {sum(result.rows.values())} rows in {result.seconds:.1f} s.",
        "",
        f"- source system: {_md(meta.get('source_system') or '')}; load type: {result.load_type}; "
        f"produced at {meta['produced_at']:%Y-%m-%d %H:%M:%S}",
        f"- validated at {dt.datetime.now():%Y-%m-%d %H:%M:%S} ({settings.target} warehouse)",
        f"- suites: `expectations/<file>.py`; severities and bands: `{settings.quality_path}`",
        "",
        "This report names files, columns, checks, identifiers and CSV record numbers. "
        "It never shows a value from the extract.",
        "",
    ]

    def table(title: str, items: list[Finding]) -> None:
        lines.extend([f"## {title}", ""])
        if not items:
            lines.extend(["None.", ""])
            return
        lines.append("| file | column | check | class | what is wrong | bad rows | rows (id, record) |")
        lines.append("|---|---|---|---|---|---|---|")
        for f in items:
            ids = "; ".join(row_id_text(r) for r in f.row_ids)
            what = f.description + (f": {f.detail}" if f.detail else "")
            count = "" if f.unexpected_count is None else f.unexpected_count
            lines.append(
                f"| {_md(f.file)} | {_md(f.column or '')} | {f.check} | {f.check_class} | {_md(what)} "
                f"| {count} | {_md(ids)} |"
            )
        lines.append("")

    table("Errors (the night is rejected)", result.failures)
    table("Warnings (reported, the night goes on)", result.warnings)

    lines.extend(["## Files", "", "| file | rows | checked | volume band | baseline |", "|---|---|---|---|---|"])
    for spec in FILES:
        v = result.volume.get(spec.name, {})
        if v.get("evaluated"):
            band = f"{v['min']}–{v['max']}"
            base = f"median {v['median']} of {v['nights']} accepted nightly load(s)"
        else:
            band, base = "not evaluated", v.get("why", "")
        slices = result.slices.get(spec.name)
        checked = f"in {slices} slices of {config.rows_per_slice} rows" if slices else "whole"
        lines.append(f"| {spec.name} | {result.rows.get(spec.name, 0)} | {checked} | {band} | {_md(base)} |")
    lines.append("")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
