"""What the gate found about a night: findings, the verdict, and the error a rejected night raises.

Findings carry identifiers (the file's record key, never a child's person id, and the CSV
record number) and counts, never values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from footprint.errors import DataError
from footprint.gate.suites import ERROR, ROW


class QualityGateError(DataError):
    """A night failed the quality gate. The message names files, columns, checks and row ids only."""

    step = "quality gate"
    fix = ("read the validation report; correct the records in the case system (or, if the data "
           "is right, the check's severity in config/quality.yml), have the night exported again, "
           "then rerun it from its load")

    def __init__(self, result: GateResult):
        self.result = result
        super().__init__(result.summary())
        self.report_path = result.report_path

    def summary_line(self) -> str:
        """Each failed check by file, column and count: row ids (record keys, row numbers) stay in the report."""
        failures = self.result.failures
        checks = "; ".join(f.where_and_check() for f in failures[:5])
        more = f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
        return f"{len(failures)} check(s) failed: {checks}{more}"


@dataclass(frozen=True)
class Finding:
    file: str  # contract file name, e.g. case_notes.csv
    column: str | None  # contract column (None: the whole file, e.g. volume)
    check: str  # check code (footprint.gate.suites.CHECKS)
    check_class: str  # format | enumeration | plausibility | reference | volume
    expectation: str  # GX expectation type
    description: str
    severity: str  # error | warning
    unexpected_count: int | None
    element_count: int | None = None
    row_ids: list[dict] = field(default_factory=list)  # [{key: id, "_source_row": n}], a few
    detail: str = ""

    def where_and_check(self) -> str:
        """The file, column, check and count, without row ids."""
        where = f"{self.file} {self.column}" if self.column else self.file
        count = f", {self.unexpected_count} row(s)" if self.unexpected_count is not None else ""
        return f"{where} ({self.check}{count})"

    def message(self) -> str:
        where = f"{self.file} {self.column}" if self.column else self.file
        parts = [f"[{self.severity}] {where}: {self.description} ({self.check})"]
        if self.unexpected_count is not None:
            parts.append(f"{self.unexpected_count} bad row(s)")
        if self.detail:
            parts.append(self.detail)
        if self.row_ids:
            parts.append("e.g. " + ", ".join(row_id_text(r) for r in self.row_ids))
        return " — ".join(parts)


@dataclass
class GateResult:
    extract_date: dt.date
    passed: bool
    status: str
    load_type: str
    failures: list[Finding]  # error severity: why the night is rejected
    warnings: list[Finding]
    report_path: Path | None
    rows: dict[str, int] = field(default_factory=dict)  # file name -> rows in the night
    volume: dict[str, dict] = field(default_factory=dict)  # file name -> band used (or why none)
    slices: dict[str, int] = field(default_factory=dict)  # file name -> slices it was checked in (none: whole)
    expectations: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        head = (
            f"night {self.extract_date}: {self.status} "
            f"({len(self.failures)} error(s), {len(self.warnings)} warning(s), {self.expectations} expectations)"
        )
        lines = [head] + ["  " + f.message() for f in self.failures + self.warnings]
        if self.report_path:
            lines.append(f"  report: {self.report_path}")
        return "\n".join(lines)

    def raise_for_status(self) -> GateResult:
        """Raise QualityGateError when the night was rejected (for the DAG's gate task)."""
        if not self.passed:
            raise QualityGateError(self)
        return self

    def to_json(self) -> dict:
        """The summary stored in raw.extract_nights.validation_result: counts and ids, no values."""
        return {
            "passed": self.passed,
            "status": self.status,
            "load_type": self.load_type,
            "errors": len(self.failures),
            "warnings": len(self.warnings),
            "expectations": self.expectations,
            "seconds": round(self.seconds, 2),
            "rows": self.rows,
            "volume": self.volume,
            "slices": self.slices,
            "findings": [asdict(f) for f in self.failures + self.warnings],
            "report": str(self.report_path) if self.report_path else None,
        }


def merge_slices(findings: list[Finding], suite: Any, rows: int, config: Any) -> list[Finding]:
    """A file's findings slice by slice as the file's, one per check and column in the suite's
    order: counts added up, the first row ids in the file's order, the file's element count."""
    parts: dict[tuple[str, str | None], list[Finding]] = {}
    for f in findings:
        parts.setdefault((f.check, f.column), []).append(f)
    order = [(e.meta["check"], e.meta["column"]) for e in suite.expectations]
    return [_merged(parts[key], rows, config.row_ids_per_finding) for key in order if key in parts]


def _merged(parts: list[Finding], rows: int, row_ids: int) -> Finding:
    counts = [p.unexpected_count for p in parts if p.unexpected_count is not None]
    first = parts[0]
    return replace(
        first,
        severity=ERROR if any(p.severity == ERROR for p in parts) else first.severity,
        unexpected_count=sum(counts) if counts else None,
        element_count=None if first.element_count is None else rows,
        row_ids=sorted((r for p in parts for r in p.row_ids), key=lambda r: r.get(ROW) or 0)[:row_ids],
        detail=next((p.detail for p in parts if p.detail), ""),
    )


def row_id_text(row: dict) -> str:
    parts = [f"{k}={v}" for k, v in row.items() if k != ROW]
    return " ".join([*parts, f"(row {row.get(ROW)})"])
