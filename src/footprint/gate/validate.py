"""The quality gate: validate one loaded night with the suites in expectations/.

One dataframe path for both warehouses (GX's SQL validation does not work on
DuckDB): the night's rows are read from `raw` into pandas, the facts a single
row cannot tell (parsed dates, ids found in other files or in accepted
history, ages from the sensitive date of birth) are computed into helper
columns, sensitive columns are dropped, and GX validates each file's frame.

The night is then marked `accepted` (no error-severity finding) or `rejected`
in raw.extract_nights, with a JSON summary; a Markdown report goes to
<reports_dir>/<extract_date>/validation.md.

Privacy: findings, logs, reports and the stored summary carry identifiers
(the file's key and the CSV record number) and counts, never values. Columns
the contract marks sensitive are never handed to GX; those without checks
(names, free text) are not even read.

GX is imported on first validation, not with this module (it is slow and noisy).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from footprint.contract import (
    FILES,
    FILES_BY_TABLE,
    NIGHT_ACCEPTED,
    NIGHT_REJECTED,
    NIGHTS_TABLE,
    FileSpec,
)
from footprint.errors import FootprintError
from footprint.gate import suites
from footprint.gate.suites import ERROR, ROW, WARNING, QualityConfig, as_flag, flag, parsed
from footprint.settings import EXPECTATIONS_DIR, Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

RAW = "raw"
REPORT_NAME = "validation.md"
_ID_CHUNK = 1000  # ids per IN (...) list in history look-ups


class QualityGateError(FootprintError):
    """A night failed the quality gate. The message names files, columns, checks and row ids only."""

    def __init__(self, result: GateResult):
        self.result = result
        super().__init__(result.summary())


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

    def message(self) -> str:
        where = f"{self.file} {self.column}" if self.column else self.file
        parts = [f"[{self.severity}] {where}: {self.description} ({self.check})"]
        if self.unexpected_count is not None:
            parts.append(f"{self.unexpected_count} bad row(s)")
        if self.detail:
            parts.append(self.detail)
        if self.row_ids:
            parts.append("e.g. " + ", ".join(_row_id_text(r) for r in self.row_ids))
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
            "findings": [asdict(f) for f in self.failures + self.warnings],
            "report": str(self.report_path) if self.report_path else None,
        }


# --- the night's data ---------------------------------------------------------------

def _frame(conn, sql: str, params: list):
    """Run a query (%s placeholders) into pandas: DuckDB through Arrow, PostgreSQL through the cursor."""
    import pandas as pd

    from footprint.warehouse import is_duckdb

    if is_duckdb(conn):
        return conn.sql(sql.replace("%s", "?"), params=params).to_arrow_table().to_pandas()
    with conn.cursor() as cur:
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(cur.fetchall(), columns=names)


def _needed_columns(spec: FileSpec) -> list[str]:
    """Contract columns the suites need. Sensitive text without checks is never read at all."""
    return [
        c.name for c in spec.columns
        if not c.sensitive or suites.is_temporal(c) or c.required or c.allowed
    ]


def _normalise(frame, columns: list[str]):
    """Text columns as pandas strings with blank = missing (the contract's empty field = NULL)."""
    for name in columns:
        s = frame[name].astype("str")
        frame[name] = s.mask(s.str.strip() == "")
    return frame


def parse_temporal(series, formats: tuple[str, ...]):
    """Parse text in any of the given strftime forms; NaT where empty or not a real date/time.

    Each form is tried strictly (whole value, real calendar: 31/02/2022 fails).
    """
    import pandas as pd

    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
    todo = series.notna()
    for fmt in formats:
        if not todo.any():
            break
        out[todo] = pd.to_datetime(series[todo], format=fmt, errors="coerce").astype("datetime64[us]")
        todo &= out.isna()
    return out


class NightView:
    """What a suite's derive() may consult: the night's frames and the accepted history before it."""

    def __init__(self, conn, extract_date: dt.date, produced_at: dt.datetime, frames: dict, config: QualityConfig):
        self.conn = conn
        self.extract_date = extract_date
        self.produced_at = produced_at
        self.frames = frames
        self.config = config

    _ACCEPTED_BEFORE = (
        f"_extract_date in (select extract_date from {RAW}.{NIGHTS_TABLE} "  # noqa: S608 (constants)
        f"where status = '{NIGHT_ACCEPTED}' and extract_date < %s)"
    )

    def _history(self, table: str, ids: list[str], columns: list[str]):
        """Latest accepted version (before this night) of each of `ids` in raw.<table>."""
        import pandas as pd

        spec = FILES_BY_TABLE[table]
        cols = ", ".join(dict.fromkeys([spec.key, *columns]))
        parts = []
        for i in range(0, len(ids), _ID_CHUNK):
            chunk = ids[i:i + _ID_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            # Identifiers come from the contract, values are bound parameters.
            sql = (
                f"select {cols}, _extract_date from {RAW}.{table} "  # noqa: S608
                f"where {spec.key} in ({marks}) and {self._ACCEPTED_BEFORE}"
            )
            parts.append(_frame(self.conn, sql, [*chunk, self.extract_date]))
        if not parts:
            return pd.DataFrame(columns=[spec.key, *columns])
        hist = pd.concat(parts, ignore_index=True).sort_values("_extract_date", kind="stable")
        hist = hist.drop_duplicates(spec.key, keep="last").drop(columns="_extract_date")
        return _normalise(hist, [spec.key, *columns])

    def lookup(self, table: str, ids, columns: list[str]):
        """For each id (a Series), `columns` of raw.<table>'s row with that key: from the night,
        else from the latest accepted night before it. Temporal columns come parsed as well,
        under suites.parsed(name). Missing everywhere: NaN/NaT."""
        import pandas as pd

        spec = FILES_BY_TABLE[table]
        night = self.frames[table]
        own = night[[spec.key, *columns]].dropna(subset=[spec.key]).drop_duplicates(spec.key)
        wanted = pd.Series(ids.dropna().unique())
        missing = wanted[~wanted.isin(own[spec.key])].tolist()
        found = pd.concat([own, self._history(table, missing, columns)], ignore_index=True) if missing else own
        found = found.set_index(spec.key)
        out = pd.DataFrame(index=ids.index)
        for name in columns:
            out[name] = ids.map(found[name])
            col = spec.column(name)
            if suites.is_temporal(col):
                out[parsed(name)] = parse_temporal(out[name].astype("str"), suites.formats_for(col))
        return out

    def known(self, table: str, ids):
        """True where the id is a key of raw.<table> in the night or in accepted history before it."""
        spec = FILES_BY_TABLE[table]
        in_night = ids.isin(self.frames[table][spec.key].dropna())
        leftovers = ids[ids.notna() & ~in_night].unique().tolist()
        if not leftovers:
            return in_night
        hist = self._history(table, leftovers, [])
        return in_night | ids.isin(hist[spec.key])


def _read_night_meta(conn, extract_date: dt.date) -> dict:
    layout = _frame(
        conn,
        "select count(*) as n from information_schema.tables where table_schema = %s and table_name = %s",
        [RAW, NIGHTS_TABLE],
    )
    if int(layout.iloc[0, 0]) == 0:
        raise FootprintError(f"no {RAW}.{NIGHTS_TABLE} in the warehouse: load a night before validating it")
    rows = _frame(
        conn,
        f"select extract_date, produced_at, source_system, load_type, status, row_counts "  # noqa: S608
        f"from {RAW}.{NIGHTS_TABLE} where extract_date = %s",
        [extract_date],
    )
    if rows.empty:
        raise FootprintError(f"night {extract_date} is not loaded: load it before validating")
    meta = rows.iloc[0].to_dict()
    import pandas as pd

    meta["produced_at"] = pd.Timestamp(meta["produced_at"]).to_pydatetime()
    return meta


def _read_frames(conn, extract_date: dt.date) -> dict:
    frames = {}
    for spec in FILES:
        cols = _needed_columns(spec)
        sql = (
            f"select {', '.join(cols)}, {ROW} from {RAW}.{spec.table} "  # noqa: S608 (contract names)
            f"where _extract_date = %s order by {ROW}"
        )
        frame = _normalise(_frame(conn, sql, [extract_date]), cols)
        frame[ROW] = frame[ROW].astype("int64")
        frames[spec.table] = frame
    return frames


def _volume_bands(conn, extract_date: dt.date, load_type: str, rows: dict[str, int], config: QualityConfig):
    """Per file: the GX parameters (min/max rows) and what the report says about them."""
    params: dict[str, Any] = {}
    info: dict[str, dict] = {}
    if load_type == "initial":
        for spec in FILES:
            params[suites.volume_parameter(spec.table, "min")] = None
            params[suites.volume_parameter(spec.table, "max")] = None
            info[spec.name] = {"rows": rows[spec.name], "evaluated": False, "why": "initial load: exempt"}
        return params, info
    depth = max(config.band(s.table).recent_nights for s in FILES)
    recent = _frame(
        conn,
        f"select extract_date, row_counts from {RAW}.{NIGHTS_TABLE} "  # noqa: S608
        f"where status = '{NIGHT_ACCEPTED}' and load_type = 'nightly' and extract_date < %s "
        f"order by extract_date desc limit {int(depth)}",
        [extract_date],
    )
    counts_by_night = [(r.extract_date, _parse_counts(r.row_counts)) for r in recent.itertuples()]
    for spec in FILES:
        band = config.band(spec.table)
        history = []
        for night, counts in counts_by_night[: band.recent_nights]:
            n = counts.get(spec.name, counts.get(spec.table))
            if n is None:  # row_counts absent or partial: count the rows themselves
                n = _count_rows(conn, spec.table, night)
            history.append(int(n))
        lo = hi = None
        entry: dict[str, Any] = {"rows": rows[spec.name], "nights": len(history)}
        if len(history) >= band.min_nights:
            median = statistics.median(history)
            median = int(median) if float(median).is_integer() else median
            lo, hi = band.bounds(median)
            entry.update(evaluated=True, min=lo, max=hi, median=median)
        else:
            entry.update(
                evaluated=False,
                why=f"{len(history)} accepted nightly load(s) before this night, {band.min_nights} needed",
            )
        params[suites.volume_parameter(spec.table, "min")] = lo
        params[suites.volume_parameter(spec.table, "max")] = hi
        info[spec.name] = entry
    return params, info


def _parse_counts(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _count_rows(conn, table: str, night) -> int:
    sql = f"select count(*) as n from {RAW}.{table} where _extract_date = %s"  # noqa: S608
    return int(_frame(conn, sql, [night]).iloc[0, 0])


# --- helper columns -------------------------------------------------------------------

def _derive_common(frames: dict, night: NightView) -> None:
    """Parsed dates and the flags every file shares: formats, ranges, sensitive checks."""
    import pandas as pd

    produced_at = night.produced_at
    earliest = dt.datetime.combine(night.config.earliest_date, dt.time())
    for spec in FILES:
        frame = frames[spec.table]
        for col in spec.columns:
            if suites.is_temporal(col):
                value = parse_temporal(frame[col.name], suites.formats_for(col))
                frame[parsed(col.name)] = value
                # Dates before `earliest` are placeholders (01/01/0001, 1899-12-30 from a
                # spreadsheet epoch), not events: a format problem, not a plausibility one.
                frame[flag("date_format", col.name)] = as_flag(value >= earliest, frame[col.name].notna())
                frame[flag("not_after_produced_at", col.name)] = as_flag(value <= produced_at, value.notna())
            if col.sensitive and col.required:
                frame[flag("required", col.name)] = as_flag(frame[col.name].notna(), pd.Series(True, index=frame.index))
            if col.sensitive and col.allowed:
                frame[flag("enumeration", col.name)] = as_flag(
                    frame[col.name].isin(col.allowed), frame[col.name].notna()
                )


def _derive_references(frames: dict, modules: dict, night: NightView) -> None:
    for table, module in modules.items():
        frame = frames[table]
        for column, target in module.references.items():
            ids = frame[column]
            frame[flag("reference", column)] = as_flag(night.known(target, ids), ids.notna())


def _strip_sensitive(frame, spec: FileSpec):
    """Drop every sensitive value (and its parsed form) before GX can see it."""
    drop = [c for name in spec.sensitive_columns for c in (name, parsed(name)) if c in frame.columns]
    frame = frame.drop(columns=drop)
    # A suite's derive() could add a column copied from a sensitive one; only flags may remain.
    leaked = [c for c in frame.columns if any(c.startswith(name) for name in spec.sensitive_columns)]
    if leaked:
        raise FootprintError(f"{spec.name}: helper column(s) {', '.join(leaked)} carry a sensitive column's values")
    return frame


# --- GX -------------------------------------------------------------------------------------

_GX: dict[str, Any] = {}


def _gx_batch_definition(table: str):
    """One ephemeral context per process; one pandas asset per file."""
    if not _GX:
        _GX["source"] = suites.gx_context().data_sources.add_pandas("footprint_night")
        _GX["batches"] = {}
    if table not in _GX["batches"]:
        asset = _GX["source"].add_dataframe_asset(name=table)
        _GX["batches"][table] = asset.add_batch_definition_whole_dataframe(f"{table}_night")
    return _GX["batches"][table]


_SUITES: dict[str, dict] = {}


def _suites(modules: dict, config: QualityConfig) -> dict:
    """The suites for a configuration, built once per process (building costs GX time too)."""
    key = repr(config)
    if key not in _SUITES:
        _SUITES[key] = {table: module.build_suite(config) for table, module in modules.items()}
    return _SUITES[key]


def _run_suite(spec: FileSpec, suite, frame, params: dict, config: QualityConfig) -> list:
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


def _findings(spec: FileSpec, results: list, config: QualityConfig, volume_info: dict) -> list[Finding]:
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
            ids.append({spec.key: item.get(spec.key), ROW: _int(item.get(ROW))})
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


def _raised(info) -> str | None:
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


def _int(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _row_id_text(row: dict) -> str:
    parts = [f"{k}={v}" for k, v in row.items() if k != ROW]
    return f"{' '.join(parts)} (row {row.get(ROW)})"


# --- the gate -----------------------------------------------------------------------------

def validate_night(extract_date: dt.date | str, settings: Settings | None = None,
                   config: QualityConfig | None = None) -> GateResult:
    """Validate a loaded night; mark it accepted or rejected; write its report.

    Returns the GateResult (passed = no error-severity finding); it does not
    raise on a rejected night: call result.raise_for_status() for that.
    """
    from footprint.warehouse import connect, execute

    started = time.perf_counter()
    settings = settings or Settings.from_env()
    config = config or QualityConfig.load(settings.quality_path)
    night_date = extract_date if isinstance(extract_date, dt.date) else dt.date.fromisoformat(str(extract_date))
    modules = suites.load_suite_modules(EXPECTATIONS_DIR)

    with connect(settings) as conn:
        meta = _read_night_meta(conn, night_date)
        frames = _read_frames(conn, night_date)
        rows = {spec.name: len(frames[spec.table]) for spec in FILES}
        params, volume_info = _volume_bands(conn, night_date, meta["load_type"], rows, config)
        night = NightView(conn, night_date, meta["produced_at"], frames, config)
        _derive_common(frames, night)
        _derive_references(frames, modules, night)
        for table, module in modules.items():
            if module.derive is not None:
                module.derive(frames[table], night)

    findings: list[Finding] = []
    expectations = 0
    built = _suites(modules, config)
    for spec in FILES:
        frame = _strip_sensitive(frames.pop(spec.table), spec)
        suite = built[spec.table]
        expectations += len(suite.expectations)
        findings += _findings(spec, _run_suite(spec, suite, frame, params, config), config, volume_info)

    failures = [f for f in findings if f.severity == ERROR]
    warnings = [f for f in findings if f.severity == WARNING]
    passed = not failures
    result = GateResult(
        extract_date=night_date,
        passed=passed,
        status=NIGHT_ACCEPTED if passed else NIGHT_REJECTED,
        load_type=str(meta["load_type"]),
        failures=failures,
        warnings=warnings,
        report_path=Path(settings.reports_dir) / night_date.isoformat() / REPORT_NAME,
        rows=rows,
        volume=volume_info,
        expectations=expectations,
    )
    result.seconds = time.perf_counter() - started
    _write_report(result, meta, config, settings)

    # UTC, like the loader's loaded_at.
    validated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with connect(settings) as conn:
        execute(
            conn,
            f"update {RAW}.{NIGHTS_TABLE} set status = %s, validated_at = %s, validation_result = %s "  # noqa: S608
            "where extract_date = %s",
            [result.status, validated_at, json.dumps(result.to_json(), default=str), night_date],
        )
        conn.commit()

    for f in failures:
        log.error("quality gate: %s", f.message())
    for f in warnings:
        log.warning("quality gate: %s", f.message())
    log.info(
        "quality gate: night %s %s: %d error(s), %d warning(s), %d expectations over %d rows in %.1fs",
        night_date, result.status, len(failures), len(warnings), expectations, sum(rows.values()), result.seconds,
    )
    log.info("quality gate: validation report %s", result.report_path)
    return result


# --- the report -------------------------------------------------------------------------

def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _write_report(result: GateResult, meta: dict, config: QualityConfig, settings: Settings) -> None:
    """A Markdown page per night: what was checked, what failed, where (ids and row numbers only)."""
    out = result.report_path
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
            ids = "; ".join(_row_id_text(r) for r in f.row_ids)
            what = f.description + (f": {f.detail}" if f.detail else "")
            count = "" if f.unexpected_count is None else f.unexpected_count
            lines.append(
                f"| {_md(f.file)} | {_md(f.column or '')} | {f.check} | {f.check_class} | {_md(what)} "
                f"| {count} | {_md(ids)} |"
            )
        lines.append("")

    table("Errors (the night is rejected)", result.failures)
    table("Warnings (reported, the night goes on)", result.warnings)

    lines.extend(["## Files", "", "| file | rows | volume band | baseline |", "|---|---|---|---|"])
    for spec in FILES:
        v = result.volume.get(spec.name, {})
        if v.get("evaluated"):
            band = f"{v['min']}–{v['max']}"
            base = f"median {v['median']} of {v['nights']} accepted nightly load(s)"
        else:
            band, base = "not evaluated", v.get("why", "")
        lines.append(f"| {spec.name} | {result.rows.get(spec.name, 0)} | {band} | {_md(base)} |")
    lines.append("")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
