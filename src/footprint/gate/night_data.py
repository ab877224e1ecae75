"""The night's rows as the suites see them: read from `raw` into pandas, with helper columns.

The facts a single row cannot tell (parsed dates, ids found in other files or
in accepted history, ages from the sensitive date of birth) are computed here
into helper columns, and sensitive columns are dropped before GX sees a frame.
Columns the contract marks sensitive without a check (names, free text) are
not even read.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from footprint.contract import (
    FILES,
    FILES_BY_TABLE,
    NIGHT_ACCEPTED,
    NIGHTS_TABLE,
    SNAPSHOT,
    FileSpec,
)
from footprint.errors import FootprintError
from footprint.gate import suites
from footprint.gate.dates import parse_temporal
from footprint.gate.suites import ROW, QualityConfig, as_flag, flag, is_in, parsed, repeated
from footprint.warehouse import Connection
from footprint.warehouse import frame as query_frame
from footprint.warehouse import frames as query_frames
from footprint.warehouse.base import RAW

if TYPE_CHECKING:
    import pandas as pd

_ID_CHUNK = 1000  # ids per IN (...) list in history look-ups


def _needed_columns(spec: FileSpec) -> list[str]:
    """Contract columns the suites need. Sensitive text without checks is never read at all."""
    return [
        c.name for c in spec.columns
        if not c.sensitive or suites.is_temporal(c) or c.required or c.allowed
    ]


def _normalise(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Text columns as pandas strings with blank = missing (the contract's empty field = NULL)."""
    for name in columns:
        s = frame[name].astype("str")
        frame[name] = s.mask(s.str.strip() == "")
    return frame


class NightView:
    """What a suite's derive() may consult: the night's frames and the accepted history before it."""

    def __init__(self, conn: Connection, extract_date: dt.date, produced_at: dt.datetime,
                 frames: dict[str, pd.DataFrame], config: QualityConfig, duckdb_config: dict[str, Any],
                 sliced: Collection[str] = ()):
        self.conn = conn
        self.duckdb_config = duckdb_config  # the pipeline's settings, for the DuckDB that counts keys
        self.extract_date = extract_date
        self.produced_at = produced_at
        self.frames = frames  # the files read whole
        self.config = config
        self.sliced = frozenset(sliced)  # the files checked in slices, not in `frames`
        self._repeated: dict[str, pd.Series] = {}

    def whole(self, table: str) -> pd.DataFrame:
        """The night's frame of a file read whole; a file checked in slices has none to look in."""
        if table in self.sliced:
            raise FootprintError(f"{FILES_BY_TABLE[table].name} is checked in slices (ROW_BY_ROW): no other "
                                 "file's check can look rows up in it")
        return self.frames[table]

    def repeated_keys(self, table: str) -> pd.Series:
        """The keys that occur more than once in the night's rows of a file checked in slices,
        counted in the warehouse: a slice cannot see the others' keys."""
        if table not in self._repeated:
            key = FILES_BY_TABLE[table].key
            sql = (
                f"select {key} from {RAW}.{table} where _extract_date = %s and {key} is not null "  # noqa: S608
                f"group by {key} having count(*) > 1"
            )
            self._repeated[table] = query_frame(self.conn, sql, [self.extract_date])[key]
        return self._repeated[table]

    _ACCEPTED_BEFORE = (
        f"_extract_date in (select extract_date from {RAW}.{NIGHTS_TABLE} "  # noqa: S608 (constants)
        f"where status = '{NIGHT_ACCEPTED}' and extract_date < %s)"
    )
    _LAST_ACCEPTED_BEFORE = (
        f"_extract_date = (select max(extract_date) from {RAW}.{NIGHTS_TABLE} "  # noqa: S608 (constants)
        f"where status = '{NIGHT_ACCEPTED}' and extract_date < %s)"
    )

    def _history(self, table: str, ids: list[str], columns: list[str], by: str | None = None) -> pd.DataFrame:
        """Latest accepted version (before this night) of each row of raw.<table> whose key (or
        column `by`) is one of `ids`."""
        import pandas as pd

        spec = FILES_BY_TABLE[table]
        cols = ", ".join(dict.fromkeys([spec.key, *columns]))
        # A snapshot file is the whole truth of its night: the last accepted one is all the
        # history it has, and reading only it keeps the check's cost flat as nights accumulate.
        nights = self._LAST_ACCEPTED_BEFORE if spec.load_kind == SNAPSHOT else self._ACCEPTED_BEFORE
        parts = []
        for i in range(0, len(ids), _ID_CHUNK):
            chunk = ids[i:i + _ID_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            # Identifiers come from the contract, values are bound parameters.
            sql = (
                f"select {cols}, _extract_date from {RAW}.{table} "  # noqa: S608
                f"where {by or spec.key} in ({marks}) and {nights}"
            )
            parts.append(query_frame(self.conn, sql, [*chunk, self.extract_date]))
        if not parts:
            return pd.DataFrame(columns=[spec.key, *columns])
        hist = pd.concat(parts, ignore_index=True).sort_values("_extract_date", kind="stable")
        hist = hist.drop_duplicates(spec.key, keep="last").drop(columns="_extract_date")
        return _normalise(hist, [spec.key, *columns])

    def lookup(self, table: str, ids: pd.Series, columns: list[str]) -> pd.DataFrame:
        """For each id (a Series), `columns` of raw.<table>'s row with that key: from the night,
        else from the latest accepted night before it. Temporal columns come parsed as well,
        under suites.parsed(name). Missing everywhere: NaN/NaT."""
        import pandas as pd

        spec = FILES_BY_TABLE[table]
        night = self.whole(table)
        own = night[[spec.key, *columns]].dropna(subset=[spec.key]).drop_duplicates(spec.key)
        wanted = pd.Series(ids.dropna().unique())
        missing = wanted[~is_in(wanted, own[spec.key])].tolist()
        found = pd.concat([own, self._history(table, missing, columns)], ignore_index=True) if missing else own
        found = found.set_index(spec.key)
        out = pd.DataFrame(index=ids.index)
        for name in columns:
            out[name] = ids.map(found[name])
            col = spec.column(name)
            if suites.is_temporal(col):
                out[parsed(name)] = parse_temporal(out[name].astype("str"), suites.formats_for(col))
        return out

    def history_of(self, table: str, column: str, values: list[str], columns: list[str]) -> pd.DataFrame:
        """The latest accepted version, before this night, of every row of raw.<table> whose
        `column` is one of `values` (a child's earlier episodes, say), with the key and
        `columns`; temporal columns come parsed as well, as from lookup()."""
        spec = FILES_BY_TABLE[table]
        found = self._history(table, values, list(dict.fromkeys([column, *columns])), by=column)
        for name in columns:
            col = spec.column(name)
            if suites.is_temporal(col):
                found[parsed(name)] = parse_temporal(found[name].astype("str"), suites.formats_for(col))
        return found

    def known(self, table: str, ids: pd.Series) -> pd.Series:
        """True where the id is a key of raw.<table> in the night or in accepted history before it."""
        spec = FILES_BY_TABLE[table]
        in_night = is_in(ids, self.whole(table)[spec.key])
        leftovers = ids[ids.notna() & ~in_night].unique().tolist()
        if not leftovers:
            return in_night
        hist = self._history(table, leftovers, [])
        return in_night | is_in(ids, hist[spec.key])


def read_night_meta(conn: Connection, extract_date: dt.date) -> dict[str, Any]:
    layout = query_frame(
        conn,
        "select count(*) as n from information_schema.tables where table_schema = %s and table_name = %s",
        [RAW, NIGHTS_TABLE],
    )
    if int(layout.iloc[0, 0]) == 0:
        raise FootprintError(f"no {RAW}.{NIGHTS_TABLE} in the warehouse: load a night before validating it")
    rows = query_frame(
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


def read_frames(conn: Connection, extract_date: dt.date, skip: Collection[str] = ()) -> dict[str, pd.DataFrame]:
    """Each file's night whole, but the files in `skip` (those checked in slices)."""
    return {spec.table: _read(conn, spec, extract_date) for spec in FILES if spec.table not in skip}


def files_to_slice(conn: Connection, extract_date: dt.date, modules: dict[str, suites.SuiteModule],
                   rows_per_slice: int) -> dict[str, int]:
    """{table: the night's rows} of the files checked in slices: those whose checks are row by
    row (ROW_BY_ROW) with more rows in the night than a slice holds."""
    counts = {}
    for table, module in modules.items():
        if module.row_by_row:
            rows = _count_rows(conn, table, extract_date)
            if rows > rows_per_slice:
                counts[table] = rows
    return counts


def read_slices(conn: Connection, extract_date: dt.date, spec: FileSpec, rows_per_slice: int) -> Iterator[pd.DataFrame]:
    """The file's night `rows_per_slice` rows at a time, from one query read as it goes."""
    for frame in query_frames(conn, _select(spec), [extract_date], rows_per_slice):
        yield _prepared(frame, spec)


def _read(conn: Connection, spec: FileSpec, extract_date: dt.date) -> pd.DataFrame:
    return _prepared(query_frame(conn, _select(spec), [extract_date]), spec)


def _select(spec: FileSpec) -> str:
    return (
        f"select {', '.join(_needed_columns(spec))}, {ROW} from {RAW}.{spec.table} "  # noqa: S608 (contract names)
        "where _extract_date = %s"
    )


def _prepared(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    frame = _normalise(frame, _needed_columns(spec))
    frame[ROW] = frame[ROW].astype("int64")
    # The loader writes a file's rows in the file's order and a scan gives them back in it
    # (DuckDB keeps insertion order): an `order by` cost England's initial night 16 s and
    # 6 GB at the gate's peak to sort what was sorted. Rows out of order are sorted here (a
    # slice's among themselves: its findings' row ids are put in the file's order when added up).
    if not frame[ROW].is_monotonic_increasing:
        frame = frame.sort_values(ROW, kind="stable", ignore_index=True)
    return frame


def volume_bands(conn: Connection, extract_date: dt.date, load_type: str, rows: dict[str, int],
                 config: QualityConfig) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
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
    recent = query_frame(
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


def _parse_counts(text: object) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str | bytes) and text else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _count_rows(conn: Connection, table: str, night: dt.date) -> int:
    sql = f"select count(*) as n from {RAW}.{table} where _extract_date = %s"  # noqa: S608
    return int(query_frame(conn, sql, [night]).iloc[0, 0])


# --- helper columns -------------------------------------------------------------------

def derive_common(frames: dict[str, pd.DataFrame], night: NightView) -> None:
    """Parsed dates and the flags every file shares: a unique key, formats, ranges, sensitive checks.
    `frames`: files read whole, or a slice of one checked in slices."""
    import pandas as pd

    produced_at = night.produced_at
    earliest = dt.datetime.combine(night.config.earliest_date, dt.time())
    for table, frame in frames.items():
        spec = FILES_BY_TABLE[table]
        key = frame[spec.key]
        twice = (is_in(key, night.repeated_keys(table)) if table in night.sliced
                 else repeated(key, night.duckdb_config))
        frame[flag("unique", spec.key)] = as_flag(~twice, key.notna())
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


def derive_references(frames: dict[str, pd.DataFrame], modules: dict[str, suites.SuiteModule],
                      night: NightView) -> None:
    for table, frame in frames.items():
        for column, target in modules[table].references.items():
            ids = frame[column]
            frame[flag("reference", column)] = as_flag(night.known(target, ids), ids.notna())


def strip_sensitive(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Drop every sensitive value (and its parsed form) before GX can see it."""
    drop = [c for name in spec.sensitive_columns for c in (name, parsed(name)) if c in frame.columns]
    frame = frame.drop(columns=drop)
    # A suite's derive() could add a column copied from a sensitive one; only flags may remain.
    leaked = [c for c in frame.columns if any(c.startswith(name) for name in spec.sensitive_columns)]
    if leaked:
        raise FootprintError(f"{spec.name}: helper column(s) {', '.join(leaked)} carry a sensitive column's values")
    return frame
