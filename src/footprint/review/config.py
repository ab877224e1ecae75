"""What a review may say: reason codes and quality grades (config/review.yml)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from footprint.errors import FootprintError
from footprint.settings import CONFIG_DIR


@dataclass(frozen=True)
class ReviewConfig:
    reason_codes: dict[str, str]  # code -> what it means
    quality_grades: tuple[str, ...]  # best first

    @classmethod
    def load(cls, path: Path | None = None) -> ReviewConfig:
        import yaml

        path = path or Path(os.environ.get("FOOTPRINT_REVIEW_CONFIG_PATH", CONFIG_DIR / "review.yml"))
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise FootprintError(f"review configuration not found: {path}") from None
        codes = raw.get("reason_codes") or {}
        grades = raw.get("quality_grades") or []
        if not isinstance(codes, dict) or not codes or not all(isinstance(k, str) for k in codes):
            raise FootprintError(f"{path}: reason_codes must map each code to what it means")
        if not isinstance(grades, list) or not grades or not all(isinstance(g, str) for g in grades):
            raise FootprintError(f"{path}: quality_grades must list the grades, best first")
        return cls({str(k): str(v) for k, v in codes.items()}, tuple(grades))

    def check_reason(self, code: str) -> str:
        if code not in self.reason_codes:
            raise FootprintError(f"unknown reason code {code!r}: one of {', '.join(self.reason_codes)}")
        return code

    def check_grade(self, grade: str) -> str:
        if grade not in self.quality_grades:
            raise FootprintError(f"unknown quality grade {grade!r}: one of {', '.join(self.quality_grades)}")
        return grade
