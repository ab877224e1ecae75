"""The programme manager's judgement in the period, for the IRO service edition only: how many
categories a review decided and why, the reviews a later correction made stale (to confirm or
clear), and the quality reading of sampled footprints per IRO. Never a review's note."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from footprint.readers.report.data import Marts, Row
from footprint.readers.report.figures import in_period
from footprint.readers.report.periods import Period

GRADES = ("good", "adequate", "poor")


@dataclass(frozen=True)
class QualityLine:
    iro_name: str
    sampled: int
    graded: int
    grades: dict[str, int]


@dataclass
class JudgementView:
    notifications: int = 0
    reviewed: int = 0
    by_reason: list[tuple[str, str, int]] = field(default_factory=list)  # code, meaning, count
    stale: list[Row] = field(default_factory=list)
    quality: list[QualityLine] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.reviewed or self.quality)


def _reason_meanings() -> dict[str, str]:
    from footprint.errors import FootprintError
    from footprint.review.config import ReviewConfig

    try:
        return ReviewConfig.load().reason_codes
    except FootprintError:  # a report still renders where the review configuration is missing
        return {}


def judgement_view(marts: Marts, period: Period) -> JudgementView:
    rows = [r for r in marts.notifications if r["is_notified"] and in_period(r, period)]
    reviewed = [r for r in rows if r["is_reviewed"]]
    meanings = _reason_meanings()
    reasons = Counter(str(r["review_reason_code"]) for r in reviewed)
    view = JudgementView(notifications=len(rows), reviewed=len(reviewed))
    view.by_reason = [(code, meanings.get(code, ""), n) for code, n in sorted(reasons.items())]
    view.stale = [r for r in reviewed if r["review_is_stale"]]
    months = set(period.months)
    by_iro: dict[str, list[Row]] = {}
    for row in marts.quality:
        if row["period_month"] in months:
            by_iro.setdefault(str(row["iro_name"] or row["iro_key"]), []).append(row)
    view.quality = [QualityLine(name, sum(r["sampled"] for r in lines), sum(r["graded"] for r in lines),
                                {g: sum(r[g] for r in lines) for g in GRADES})
                    for name, lines in sorted(by_iro.items())]
    return view
