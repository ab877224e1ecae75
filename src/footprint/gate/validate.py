"""The quality gate: validate one loaded night with the suites in expectations/.

One dataframe path for both warehouses (GX's SQL validation does not work on
DuckDB): the night's rows are read from `raw` into pandas with their helper
columns (footprint.gate.night_data), sensitive columns are dropped, and GX
validates each file's frame (footprint.gate.run_suites).

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

from footprint.contract import FILES, NIGHT_ACCEPTED, NIGHT_REJECTED, NIGHTS_TABLE
from footprint.gate import night_data, suites
from footprint.gate.report import REPORT_NAME, write_report
from footprint.gate.result import Finding, GateResult, QualityGateError
from footprint.gate.run_suites import built_suites, findings_of, run_suite
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
    started = time.perf_counter()
    settings = settings or Settings.from_env()
    config = config or QualityConfig.load(settings.quality_path)
    night_date = extract_date if isinstance(extract_date, dt.date) else dt.date.fromisoformat(str(extract_date))
    modules = suites.load_suite_modules(EXPECTATIONS_DIR)
    meta, frames, params, volume_info = _prepare(settings, night_date, modules, config)
    rows = {spec.name: len(frames[spec.table]) for spec in FILES}
    findings, expectations = _check(frames, modules, params, config, volume_info)
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
        volume=volume_info,
        expectations=expectations,
    )
    result.seconds = time.perf_counter() - started
    write_report(result, meta, config, settings)
    _record_verdict(settings, result)
    _log_verdict(result)
    return result


def _prepare(settings: Settings, night_date: dt.date, modules: dict[str, Any],
             config: QualityConfig) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, dict]]:
    """The night's frames with every helper column, and the volume bands' parameters."""
    from footprint.warehouse import connect

    with connect(settings) as conn:
        meta = night_data.read_night_meta(conn, night_date)
        frames = night_data.read_frames(conn, night_date)
        rows = {spec.name: len(frames[spec.table]) for spec in FILES}
        params, volume_info = night_data.volume_bands(conn, night_date, meta["load_type"], rows, config)
        night = night_data.NightView(conn, night_date, meta["produced_at"], frames, config,
                                     settings.duckdb_config)
        night_data.derive_common(frames, night)
        night_data.derive_references(frames, modules, night)
        for table, module in modules.items():
            if module.derive is not None:
                module.derive(frames[table], night)
    return meta, frames, params, volume_info


def _check(frames: dict[str, Any], modules: dict[str, Any], params: dict[str, Any], config: QualityConfig,
           volume_info: dict[str, dict]) -> tuple[list[Finding], int]:
    """Every file's suite on its frame, sensitive columns dropped first; the findings and how
    many expectations ran."""
    findings: list[Finding] = []
    expectations = 0
    built = built_suites(modules, config)
    for spec in FILES:
        suite = built[spec.table]
        frame = _checked_columns(night_data.strip_sensitive(frames.pop(spec.table), spec), spec, suite)
        expectations += len(suite.expectations)
        findings += findings_of(spec, run_suite(spec, suite, frame, params, config), config, volume_info)
    return findings, expectations


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
