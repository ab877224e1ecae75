"""The quality gate: validate one loaded night with the suites in expectations/.

One dataframe path for both warehouses (GX's SQL validation does not work on
DuckDB): the night's rows are read from `raw` into pandas with their helper
columns (footprint.gate.night_data), sensitive columns are dropped, and GX
validates each file's frame (footprint.gate.run_suites).

A file whose checks are row by row (its suite's ROW_BY_ROW) and whose night holds more rows
than `rows_per_slice` (config/quality.yml) is read and checked a slice of records at a time,
while the files read whole stay in memory for its references: the gate's memory follows a
slice, not an initial delivery (England's 34 M case notes took it from 12.5 GB to 4.2 GB).
Its key's repeats are counted over the whole night in the warehouse, its row count is checked
once on the whole file, and its slices' findings add up to what the whole file would give.

The night is then marked `accepted` (no error-severity finding) or `rejected`
in raw.extract_nights, with a JSON summary; a Markdown report goes to
<reports_dir>/<extract_date>/validation.md (footprint.gate.report).

Privacy: findings, logs, reports and the stored summary carry identifiers
(the file's key and the CSV record number) and counts, never values.

GX is imported on first validation, not with this module (it is slow and noisy).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path
from typing import Any

from footprint.contract import FILES, FILES_BY_TABLE, NIGHT_ACCEPTED, NIGHT_REJECTED, NIGHTS_TABLE
from footprint.gate import night_data, suites
from footprint.gate.report import REPORT_NAME, write_report
from footprint.gate.result import Finding, GateResult, QualityGateError, merge_slices
from footprint.gate.run_suites import built_suites, findings_of, run_file_checks, run_suite
from footprint.gate.suites import ERROR, WARNING, QualityConfig
from footprint.settings import EXPECTATIONS_DIR, Settings
from footprint.warehouse.base import RAW

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["Finding", "GateResult", "QualityGateError", "validate_night"]


def validate_night(extract_date: dt.date | str, settings: Settings | None = None,
                   config: QualityConfig | None = None) -> GateResult:
    """Validate a loaded night; mark it accepted or rejected; write its report.

    Returns the GateResult (passed = no error-severity finding); it does not
    raise on a rejected night: call result.raise_for_status() for that.
    """
    from footprint.warehouse import connect

    started = time.perf_counter()
    settings = settings or Settings.from_env()
    config = config or QualityConfig.load(settings.quality_path)
    night_date = extract_date if isinstance(extract_date, dt.date) else dt.date.fromisoformat(str(extract_date))
    modules = suites.load_suite_modules(EXPECTATIONS_DIR)
    built = built_suites(modules, config)
    checked = _Checked(modules, built, config)
    with connect(settings) as conn:
        meta, night, rows = _prepare(conn, settings, night_date, modules, config)
        checked.params, checked.volume_info = night_data.volume_bands(conn, night_date, meta["load_type"], rows,
                                                                      config)
        # While the files read whole are still there for the slices' references to look in.
        for spec in (s for s in FILES if s.table in night.sliced):
            checked.in_slices(night, spec, rows[spec.name])
    for table in list(night.frames):
        checked.whole(FILES_BY_TABLE[table], night.frames.pop(table))
    findings = checked.in_files_order()
    failures = [f for f in findings if f.severity == ERROR]
    passed = not failures
    result = GateResult(
        extract_date=night_date,
        passed=passed,
        status=NIGHT_ACCEPTED if passed else NIGHT_REJECTED,
        load_type=str(meta["load_type"]),
        failures=failures,
        warnings=[f for f in findings if f.severity == WARNING],
        report_path=Path(settings.reports_dir) / night_date.isoformat() / REPORT_NAME,
        rows=rows,
        volume=checked.volume_info,
        slices=checked.slices,
        expectations=sum(len(suite.expectations) for suite in built.values()),
    )
    result.seconds = time.perf_counter() - started
    write_report(result, meta, config, settings)
    _record_verdict(settings, result)
    _log_verdict(result)
    return result


def _prepare(conn: Any, settings: Settings, night_date: dt.date, modules: dict[str, Any],
             config: QualityConfig) -> tuple[dict[str, Any], night_data.NightView, dict[str, int]]:
    """The night's meta, its view (the files read whole, with every helper column) and its rows per file."""
    meta = night_data.read_night_meta(conn, night_date)
    sliced = night_data.files_to_slice(conn, night_date, modules, config.rows_per_slice)
    frames = night_data.read_frames(conn, night_date, skip=sliced)
    rows = {spec.name: sliced[spec.table] if spec.table in sliced else len(frames[spec.table]) for spec in FILES}
    night = night_data.NightView(conn, night_date, meta["produced_at"], frames, config, settings.duckdb_config,
                                 sliced=sliced)
    _derive(frames, modules, night)
    return meta, night, rows


def _derive(frames: dict[str, Any], modules: dict[str, Any], night: night_data.NightView) -> None:
    night_data.derive_common(frames, night)
    night_data.derive_references(frames, modules, night)
    for table, frame in frames.items():
        if modules[table].derive is not None:
            modules[table].derive(frame, night)


class _Checked:
    """The findings of each file's suite, file by file or slice by slice."""

    def __init__(self, modules: dict[str, Any], built: dict[str, Any], config: QualityConfig):
        self.modules, self.built, self.config = modules, built, config
        self.params: dict[str, Any] = {}
        self.volume_info: dict[str, dict] = {}
        self.found: dict[str, list[Finding]] = {}
        self.slices: dict[str, int] = {}

    def whole(self, spec: Any, frame: Any) -> None:
        suite = self.built[spec.table]
        frame = _checked_columns(night_data.strip_sensitive(frame, spec), spec, suite)
        self.found[spec.table] = self._findings(spec, run_suite(spec, suite, frame, self.params, self.config))

    def in_slices(self, night: night_data.NightView, spec: Any, rows: int) -> None:
        """Each slice's helper columns and row-by-row checks; the file-level ones (its row count)
        once, on the whole file's count. The slices' findings add up to the file's."""
        suite = self.built[spec.table]
        per_slice = {**self.params, **{suites.volume_parameter(spec.table, side): None for side in ("min", "max")}}
        found = []
        for frame in night_data.read_slices(night.conn, night.extract_date, spec, self.config.rows_per_slice):
            _derive({spec.table: frame}, self.modules, night)
            frame = _checked_columns(night_data.strip_sensitive(frame, spec), spec, suite)
            found += self._findings(spec, run_suite(spec, suite, frame, per_slice, self.config))
            self.slices[spec.name] = self.slices.get(spec.name, 0) + 1
        found += self._findings(spec, run_file_checks(spec, suite, rows, self.params))
        self.found[spec.table] = merge_slices(found, suite, rows, self.config)

    def _findings(self, spec: Any, results: list[Any]) -> list[Finding]:
        return findings_of(spec, results, self.config, self.volume_info)

    def in_files_order(self) -> list[Finding]:
        return [f for spec in FILES for f in self.found.get(spec.table, [])]


def _checked_columns(frame: Any, spec: Any, suite: Any) -> Any:
    """Only the columns the suite's expectations read, and the row ids a finding names: GX is
    given nothing it does not check (it hashed every column of a frame before the gate turned
    that off, suites._no_frame_fingerprints)."""
    named = [getattr(e, attr, None) for e in suite.expectations for attr in ("column", "column_A", "column_B")]
    wanted = dict.fromkeys([spec.key, suites.ROW, *(c for c in named if isinstance(c, str))])
    return frame[[c for c in wanted if c in frame.columns]]


def _record_verdict(settings: Settings, result: GateResult) -> None:
    from footprint.warehouse import connect, execute

    # UTC, like the loader's loaded_at.
    validated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with connect(settings) as conn:
        execute(
            conn,
            f"update {RAW}.{NIGHTS_TABLE} set status = %s, validated_at = %s, validation_result = %s "  # noqa: S608
            "where extract_date = %s",
            [result.status, validated_at, json.dumps(result.to_json(), default=str), result.extract_date],
        )
        conn.commit()


def _log_verdict(result: GateResult) -> None:
    for f in result.failures:
        log.error("quality gate: %s", f.message())
    for f in result.warnings:
        log.warning("quality gate: %s", f.message())
    log.info(
        "quality gate: night %s %s: %d error(s), %d warning(s), %d expectations over %d rows in %.1fs",
        result.extract_date, result.status, len(result.failures), len(result.warnings), result.expectations,
        sum(result.rows.values()), result.seconds,
    )
    log.info("quality gate: validation report %s", result.report_path)
