"""The gate's configuration (config/quality.yml, or FOOTPRINT_QUALITY_PATH), read and checked.

Severities per check, per file and check, or per column; volume bands; the
columns allowed to hold future dates; the earliest plausible date; the age a
child in care cannot reach; how many rows of a large file are checked at a time.
An unknown check, file or column is refused, so a typo fails the gate's start
rather than silently switching a check off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from footprint.contract import FILES_BY_TABLE
from footprint.errors import FootprintError
from footprint.gate.checks import CHECKS, ERROR, SEVERITIES

_BAND_KEYS = ("recent_nights", "min_nights", "min_ratio", "max_ratio", "slack_rows")


@dataclass(frozen=True)
class VolumeBand:
    recent_nights: int = 7
    min_nights: int = 3
    min_ratio: float = 0.5
    max_ratio: float = 3.0
    slack_rows: int = 10

    def bounds(self, median: float) -> tuple[int, int]:
        low = max(0, int(median * self.min_ratio) - self.slack_rows)
        high = int(median * self.max_ratio + 0.999) + self.slack_rows
        return low, high


@dataclass(frozen=True)
class QualityConfig:
    default_severity: str = ERROR
    check_severity: dict[str, str] = field(default_factory=dict)
    # table -> check -> severity, or table -> check -> {column: severity}
    file_severity: dict[str, dict[str, Any]] = field(default_factory=dict)
    future_allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    earliest_date: dt.date = dt.date(1900, 1, 1)
    adult_age: int = 18
    volume: VolumeBand = field(default_factory=VolumeBand)
    volume_by_file: dict[str, VolumeBand] = field(default_factory=dict)
    row_ids_per_finding: int = 5
    rows_per_slice: int = 2_000_000

    def severity(self, table: str, check: str, column: str | None = None) -> str:
        """Most specific wins: file+check+column, file+check, check, default."""
        if check not in CHECKS:
            raise FootprintError(f"quality config: unknown check {check!r}")
        per_file = self.file_severity.get(table, {}).get(check)
        if isinstance(per_file, dict):
            if column is not None and column in per_file:
                return per_file[column]
        elif per_file is not None:
            return per_file
        return self.check_severity.get(check, self.default_severity)

    def band(self, table: str) -> VolumeBand:
        return self.volume_by_file.get(table, self.volume)

    @classmethod
    def load(cls, path: Path) -> QualityConfig:
        import yaml

        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except FileNotFoundError as exc:
            raise FootprintError(f"quality config not found: {path}") from exc
        except yaml.YAMLError as exc:
            raise FootprintError(f"quality config {path}: not valid YAML ({exc})") from exc
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str = "quality config") -> QualityConfig:
        sev = raw.get("severity", {}) or {}
        base, by_file = _volume_bands(raw.get("volume", {}) or {}, source)
        earliest = raw.get("earliest_date", dt.date(1900, 1, 1))
        if isinstance(earliest, str):
            earliest = dt.date.fromisoformat(earliest)
        return cls(
            default_severity=_level(source, "severity.default", sev.get("default", ERROR)),
            check_severity=_check_severities(sev.get("checks") or {}, source),
            file_severity=_file_severities(sev.get("files") or {}, source),
            future_allowed=_future_allowed(raw.get("future_allowed") or {}, source),
            earliest_date=earliest,
            adult_age=int(raw.get("adult_age", 18)),
            volume=base,
            volume_by_file=by_file,
            row_ids_per_finding=int(raw.get("row_ids_per_finding", 5)),
            rows_per_slice=_positive(source, "rows_per_slice", raw.get("rows_per_slice", 2_000_000)),
        )


def _level(source: str, where: str, value: Any) -> str:
    if value not in SEVERITIES:
        raise FootprintError(f"{source}: {where}: severity must be one of {SEVERITIES}, not {value!r}")
    return str(value)


def _positive(source: str, where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FootprintError(f"{source}: {where}: a whole number of rows from 1 up, not {value!r}")
    return value


def _known_check(source: str, where: str, check: str) -> None:
    if check not in CHECKS:
        raise FootprintError(f"{source}: {where}: unknown check {check!r}")


def _known_file(source: str, where: str, table: str) -> None:
    if table not in FILES_BY_TABLE:
        raise FootprintError(f"{source}: {where}: unknown file {table!r}")


def _check_severities(raw: dict[str, Any], source: str) -> dict[str, str]:
    checks = {}
    for check, level in raw.items():
        _known_check(source, "severity.checks", check)
        checks[check] = _level(source, f"severity.checks.{check}", level)
    return checks


def _file_severities(raw: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for table, per_check in raw.items():
        _known_file(source, "severity.files", table)
        files[table] = {}
        for check, level in (per_check or {}).items():
            _known_check(source, f"severity.files.{table}", check)
            where = f"severity.files.{table}.{check}"
            files[table][check] = (_column_severities(source, where, table, level) if isinstance(level, dict)
                                   else _level(source, where, level))
    return files


def _column_severities(source: str, where: str, table: str, levels: dict[str, Any]) -> dict[str, str]:
    known = set(FILES_BY_TABLE[table].column_names)
    for col in levels:
        if col not in known:
            raise FootprintError(f"{source}: {where}: unknown column {col!r}")
    return {col: _level(source, f"{where}.{col}", lv) for col, lv in levels.items()}


def _volume_bands(raw: dict[str, Any], source: str) -> tuple[VolumeBand, dict[str, VolumeBand]]:
    base = VolumeBand(**{k: raw[k] for k in _BAND_KEYS if k in raw})
    by_file = {}
    for table, over in (raw.get("files") or {}).items():
        _known_file(source, "volume.files", table)
        by_file[table] = VolumeBand(**{**base.__dict__, **{k: over[k] for k in _BAND_KEYS if k in over}})
    return base, by_file


def _future_allowed(raw: dict[str, Any], source: str) -> dict[str, tuple[str, ...]]:
    future = {t: tuple(cols) for t, cols in raw.items()}
    for table, cols in future.items():
        if table not in FILES_BY_TABLE or not set(cols) <= set(FILES_BY_TABLE[table].column_names):
            raise FootprintError(f"{source}: future_allowed.{table}: unknown file or column")
    return future
