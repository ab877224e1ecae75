"""Running the suites with Great Expectations, and reading its results as findings.

One ephemeral GX context per process; GX is imported on first use, never with
this module (it is slow and noisy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from footprint.contract import FileSpec
from footprint.gate import suites
from footprint.gate.result import Finding
from footprint.gate.suites import ERROR, ROW, WARNING, QualityConfig

if TYPE_CHECKING:
    import pandas as pd

_GX: dict[str, Any] = {}


def _gx_batch_definition(table: str) -> Any:
    """One ephemeral context per process; one pandas asset per file."""
    if not _GX:
        _GX["source"] = suites.gx_context().data_sources.add_pandas("footprint_night")
        _GX["batches"] = {}
    if table not in _GX["batches"]:
        asset = _GX["source"].add_dataframe_asset(name=table)
        _GX["batches"][table] = asset.add_batch_definition_whole_dataframe(f"{table}_night")
    return _GX["batches"][table]


_SUITES: dict[str, dict[str, Any]] = {}


def built_suites(modules: dict[str, suites.SuiteModule], config: QualityConfig) -> dict[str, Any]:
    """The suites for a configuration, built once per process (building costs GX time too)."""
    key = repr(config)
    if key not in _SUITES:
        _SUITES[key] = {table: module.build_suite(config) for table, module in modules.items()}
    return _SUITES[key]


def run_suite(spec: FileSpec, suite: Any, frame: pd.DataFrame, params: dict[str, Any],
              config: QualityConfig) -> list[Any]:
    """Validate the frame; return the detailed results of the expectations that failed.

    Two passes: GX's per-expectation overhead dominates on a nightly batch and
    grows with the result format, so every expectation runs as BOOLEAN_ONLY and
    only the failures run again with counts and row ids (unexpected_index_column_names).
    """
    batch = _gx_batch_definition(spec.table).get_batch(batch_parameters={"dataframe": frame})
    quick = batch.validate(suite, expectation_parameters=params, result_format="BOOLEAN_ONLY")
    by_key = {e.meta["key"]: e for e in suite.expectations}
    detail_format = {
        "result_format": "SUMMARY",
        "unexpected_index_column_names": [spec.key, ROW],
        "partial_unexpected_count": max(config.row_ids_per_finding, 1),
    }
    failed = []
    for r in quick.results:
        if r.success and not _raised(r.exception_info):
            continue
        expectation = by_key[r.expectation_config.meta["key"]]
        failed.append(batch.validate(expectation, expectation_parameters=params, result_format=detail_format))
    return failed


def run_file_checks(spec: FileSpec, suite: Any, rows: int, params: dict[str, Any]) -> list[Any]:
    """The suite's file-level expectations (those naming no column: the row count), on a frame
    of the file's whole length, for a file whose rows are checked in slices."""
    import numpy as np
    import pandas as pd

    # One byte a row: the row count is all a file-level expectation reads.
    frame = pd.DataFrame({ROW: np.zeros(rows, dtype=np.int8)})
    batch = _gx_batch_definition(spec.table).get_batch(batch_parameters={"dataframe": frame})
    return [
        batch.validate(e, expectation_parameters=params, result_format="SUMMARY")
        for e in suite.expectations if e.meta.get("column") is None
    ]


def findings_of(spec: FileSpec, results: list[Any], config: QualityConfig,
                volume_info: dict[str, dict[str, Any]]) -> list[Finding]:
    found = []
    for r in results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        raised = _raised(r.exception_info)
        if r.success and not raised:
            continue
        severity = WARNING if str(getattr(cfg.severity, "value", cfg.severity)) == "warning" else ERROR
        result = r.result or {}
        description = meta.get("description", cfg.type)
        detail = ""
        if raised:
            # The exception text could quote a value: name its class only.
            severity = ERROR
            detail = f"could not be evaluated ({raised})"
        ids = []
        for item in (result.get("partial_unexpected_index_list") or [])[: config.row_ids_per_finding]:
            shown = {spec.row_key: item.get(spec.row_key)} if spec.row_key else {}
            ids.append({**shown, ROW: _int(item.get(ROW))})
        count = result.get("unexpected_count")
        if meta.get("check") == "volume" and not raised:
            # A file-level finding: no bad rows to count or name, the row count is the fact.
            band = volume_info.get(spec.name, {})
            detail = (
                f"{result.get('observed_value')} rows; expected {band.get('min')}–{band.get('max')} "
                f"(median {band.get('median')} of the last {band.get('nights')} accepted nightly loads)"
            )
        found.append(Finding(
            file=spec.name,
            column=meta.get("column"),
            check=meta.get("check", cfg.type),
            check_class=meta.get("class", ""),
            expectation=cfg.type,
            description=description,
            severity=severity,
            unexpected_count=None if count is None else int(count),
            element_count=_int(result.get("element_count")),
            row_ids=ids,
            detail=detail,
        ))
    return found


def _raised(info: Any) -> str | None:
    """The class name of the exception an expectation raised, if any (GX reports it flat or
    keyed by metric). Only the class: an exception's message can quote a value."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        entry = entry if isinstance(entry, dict) else getattr(entry, "__dict__", {})
        if entry.get("raised_exception"):
            lines = [ln for ln in str(entry.get("exception_traceback") or "").splitlines() if ln.strip()]
            name = lines[-1].split(":", 1)[0].strip() if lines else ""
            return name if name.replace(".", "").replace("_", "").isalnum() else "exception"
    return None


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
