"""Building blocks of the quality suites in expectations/: configuration, the
helper-column names the gate computes, and a builder that turns the contract
(footprint.contract) into Great Expectations expectations.

The gate validates one pandas frame per file on both warehouses. Facts that a
single GX expectation cannot see (parsed dates, lookups in other files and in
accepted history, anything derived from a sensitive column) are computed by
footprint.gate.validate into helper columns named here, and the suites expect
those columns to be True. Sensitive columns never reach GX: their flags do.

Importing this module does not import GX; `build_suite` functions do.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from footprint.contract import DATE_FORMATS, FILES, TIMESTAMP_FORMATS, Column, FileSpec
from footprint.errors import FootprintError
from footprint.gate.checks import CHECKS, ERROR, OFF, SEVERITIES, WARNING
from footprint.gate.config import QualityConfig, VolumeBand

__all__ = ["CHECKS", "ERROR", "OFF", "SEVERITIES", "WARNING", "QualityConfig", "VolumeBand"]


# --- helper columns -----------------------------------------------------------

ROW = "_source_row"  # CSV record number, always carried as a row id


def parsed(column: str) -> str:
    """Column holding the parsed datetime of a date/timestamp column (NaT when empty or bad)."""
    return f"{column}__parsed"


def flag(check: str, column: str) -> str:
    """Boolean helper column: True = the row passes `check` on `column`, None = not applicable."""
    return f"_ok__{check}__{column}"


def formats_for(col: Column) -> tuple[str, ...]:
    return DATE_FORMATS if col.kind == "date" else TIMESTAMP_FORMATS


def is_temporal(col: Column) -> bool:
    return col.kind in ("date", "timestamp")


# --- GX -------------------------------------------------------------------------

def import_gx() -> ModuleType:
    """Import great_expectations quietly (it logs hundreds of INFO lines at import)."""
    if "great_expectations" not in sys.modules:
        for name in ("great_expectations", "great_expectations._docs_decorators"):
            logging.getLogger(name).setLevel(logging.WARNING)
    fresh = "great_expectations" not in sys.modules
    with warnings.catch_warnings():
        # GX imports the deprecated sre_* modules; not ours to fix, only noise in task logs.
        warnings.simplefilter("ignore", DeprecationWarning)
        import great_expectations as gx
    if fresh:
        # This one sets itself to INFO at import ("Created temporary directory ... docs site").
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    return gx


def _no_frame_fingerprints() -> None:
    """GX hashes every column of each frame under 1 GB into a batch marker (a fingerprint no
    result of ours reads) and skips frames above that: skipping them all spared England's
    nightly gate about 2 s of its 6.5 (the involvements' 944,000 rows: 1.3 s of 2.0 in GX)."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


_CONTEXT: list = []


def gx_context() -> Any:
    """The process's ephemeral GX context (suites can only be built once one is active)."""
    if not _CONTEXT:
        gx = import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        # The progress bars write to stderr for every batch: noise in task logs.
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        _no_frame_fingerprints()
        _CONTEXT.append(context)
    return _CONTEXT[0]


_GX_SEVERITY = {ERROR: "critical", WARNING: "warning"}


class SuiteBuilder:
    """Adds expectations to one file's suite, each tagged with its check, column and severity.

    Every expectation's `meta` carries {file, check, class, column, description}
    and its GX `severity` is critical (our `error`) or warning; a check whose
    configured severity is `off` is left out of the suite.
    """

    def __init__(self, spec: FileSpec, config: QualityConfig):
        gx_context()
        gx = import_gx()
        self.gx = gx
        self.gxe = gx.expectations
        self.spec = spec
        self.config = config
        self.suite = gx.ExpectationSuite(name=f"footprint.{spec.table}")
        self._keys: set[str] = set()

    # one expectation, tagged ------------------------------------------------------
    def add(self, check: str, on: str | None, expectation_cls: Any, description: str | None = None,
            **kwargs: Any) -> SuiteBuilder:
        """`on`: the contract column a finding names (None: the file); kwargs go to GX."""
        severity = self.config.severity(self.spec.table, check, on)
        if severity == OFF:
            return self
        key = f"{check}:{on or ''}"
        if key in self._keys:
            raise ValueError(f"{self.spec.name}: {check} on {on} added twice")
        self._keys.add(key)
        meta = {
            "key": key,
            "file": self.spec.name,
            "table": self.spec.table,
            "check": check,
            "class": CHECKS[check][0],
            "column": on,
            "description": description or CHECKS[check][1],
        }
        self.suite.add_expectation(expectation_cls(meta=meta, severity=_GX_SEVERITY[severity], **kwargs))
        return self

    def flag(self, check: str, column: str, description: str | None = None) -> SuiteBuilder:
        """Expect the helper column flag(check, column) to be True wherever it applies."""
        return self.add(
            check, column, self.gxe.ExpectColumnValuesToBeInSet, description,
            column=flag(check, column), value_set=[True],
        )

    # the contract, column by column -------------------------------------------------------
    def contract(self) -> SuiteBuilder:
        """Identifier present and unique; required values; date forms; enumerations; dates in range."""
        spec, gxe = self.spec, self.gxe
        # Counted into a helper column (night_data.derive_common): GX's own uniqueness check hashes
        # the key with pandas, 16 s for England's initial 34 M case notes against DuckDB's 3 s.
        self.flag("unique", spec.key)
        for col in spec.columns:
            if col.required:
                if col.sensitive:
                    self.flag("required", col.name)
                else:
                    self.add("required", col.name, gxe.ExpectColumnValuesToNotBeNull, column=col.name)
            if col.allowed:
                if col.sensitive:
                    self.flag("enumeration", col.name)
                else:
                    self.add(
                        "enumeration", col.name, gxe.ExpectColumnValuesToBeInSet,
                        f"value outside the allowed codes {', '.join(col.allowed)}",
                        column=col.name, value_set=list(col.allowed),
                    )
            if is_temporal(col):
                forms = " or ".join(_human_form(f) for f in formats_for(col)[:2])
                self.flag(
                    "date_format", col.name,
                    f"not a real calendar {col.kind} in a contract form ({forms}, …) "
                    f"from {self.config.earliest_date.isoformat()} on",
                )
                if col.name not in self.config.future_allowed.get(spec.table, ()):
                    self.flag("not_after_produced_at", col.name)
        return self

    def end_not_before_start(self, start: str, end: str) -> SuiteBuilder:
        """Native GX pair check on the parsed columns; rows with either side empty/unparsed are skipped."""
        return self.add(
            "end_not_before_start", end, self.gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            f"{end} before {start}",
            column_A=parsed(end), column_B=parsed(start), or_equal=True, ignore_row_if="either_value_is_missing",
        )

    def reference(self, column: str, target: str) -> SuiteBuilder:
        target_spec = next(f for f in FILES if f.table == target)
        return self.flag(
            "reference", column,
            f"{column} not found in {target_spec.name} ({target_spec.key}) of the night or of accepted history",
        )

    def references(self, mapping: dict[str, str]) -> SuiteBuilder:
        for column, target in mapping.items():
            self.reference(column, target)
        return self

    def volume(self) -> SuiteBuilder:
        """Row count within the band of recent accepted nightly loads; bounds are run-time parameters."""
        return self.add(
            "volume", None, self.gxe.ExpectTableRowCountToBeBetween,
            min_value={"$PARAMETER": volume_parameter(self.spec.table, "min")},
            max_value={"$PARAMETER": volume_parameter(self.spec.table, "max")},
        )


def as_flag(ok: Any, applicable: Any) -> Any:
    """A helper column: True/False where the check applies, missing elsewhere (GX skips nulls).

    pandas' nullable booleans, two bytes a row: Python booleans in an object column took eight,
    gigabytes of the gate's peak for England's case notes, and GX compared them one by one.
    """
    import pandas as pd

    applicable = pd.Series(applicable)
    ok = pd.Series(ok).astype("boolean").fillna(False).to_numpy(dtype=bool)
    app = applicable.astype("boolean").fillna(False).to_numpy(dtype=bool)
    return pd.Series(pd.arrays.BooleanArray(ok & app, ~app), index=applicable.index)


# Rows from which DuckDB counts the keys: opening it costs about 30 ms, pandas about 0.5 µs a row.
_COUNT_IN_DUCKDB_FROM = 100_000


def repeated(values: Any, duckdb_config: dict[str, Any]) -> Any:
    """A boolean Series: True where the value (a text Series) occurs more than once, missing
    values never. A large frame's are counted by DuckDB from its arrow data, in memory, with the
    pipeline's DuckDB settings: pandas' hashing of arrow-backed text is single-threaded and slow."""
    import tempfile

    import duckdb
    import pandas as pd
    import pyarrow as pa

    values = pd.Series(values)
    if len(values) < _COUNT_IN_DUCKDB_FROM:
        return values.duplicated(keep=False) & values.notna()
    ids = pa.table({"id": pa.array(values.astype("str"), from_pandas=True)})
    # What it spills goes to a private directory removed afterwards: an in-memory DuckDB would
    # spill the ids to `.tmp` under whatever the task's working directory is.
    with (tempfile.TemporaryDirectory(prefix="footprint-keys-") as spill,
          duckdb.connect(":memory:", config={**duckdb_config, "temp_directory": spill}) as scratch):
        scratch.register("ids", ids)
        twice = scratch.sql("select id from ids where id is not null group by id having count(*) > 1")
        pool = twice.to_arrow_table().to_pandas()["id"]
    return is_in(values, pool) if len(pool) else pd.Series(False, index=values.index)


def is_in(values: Any, pool: Any) -> Any:
    """`values.isin(pool)` as a boolean Series (missing values are never in), the pool hashed by
    arrow: pandas' isin on its arrow-backed text makes a Python object of every pool value first,
    seconds a night when the pool is a night's ids."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    values, pool = pd.Series(values), pd.Series(pool)
    if not (pd.api.types.is_string_dtype(values) and pd.api.types.is_string_dtype(pool)):
        return values.isin(pool.dropna()) & values.notna()
    column = pa.array(values.astype("str"), from_pandas=True)
    pool_ = pa.array(pool.astype("str"), from_pandas=True).drop_null().cast(column.type)
    found = pc.is_in(column, value_set=pool_, skip_nulls=True).fill_null(False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def volume_parameter(table: str, side: str) -> str:
    return f"{table}_rows_{side}"


def _human_form(fmt: str) -> str:
    return (
        fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
        .replace("%H", "HH").replace("%M", "MM").replace("%S", "SS")
    )


# --- the suite modules in expectations/ --------------------------------------------------

@dataclass(frozen=True)
class SuiteModule:
    """What expectations/<table>.py provides.

    FILE: the contract FileSpec; REFERENCES: {column: target table};
    build_suite(config) -> ExpectationSuite; derive(frame, night) (optional):
    adds the file's own helper columns before sensitive columns are dropped;
    ROW_BY_ROW (optional, False): every helper column derive() adds is a fact of one row
    (with what it looks up in other files), so a large night of the file can be checked in
    slices of rows.
    """

    spec: FileSpec
    references: dict[str, str]
    build_suite: Any
    derive: Any
    module: ModuleType
    row_by_row: bool = False


def load_suite_modules(directory: Path) -> dict[str, SuiteModule]:
    """Import expectations/<table>.py for every contract file, by path (it is not a package)."""
    modules: dict[str, SuiteModule] = {}
    for spec in FILES:
        path = Path(directory) / f"{spec.table}.py"
        if not path.exists():
            raise FootprintError(f"no quality suite for {spec.name}: {path} is missing")
        name = f"footprint_expectations.{spec.table}"
        module = sys.modules.get(name)
        if module is None or getattr(module, "__file__", None) != str(path):
            loader_spec = importlib.util.spec_from_file_location(name, path)
            if loader_spec is None or loader_spec.loader is None:
                raise FootprintError(f"{path}: not importable as a quality suite")
            module = importlib.util.module_from_spec(loader_spec)
            sys.modules[name] = module
            loader_spec.loader.exec_module(module)
        if getattr(module, "FILE", None) is not spec:
            raise FootprintError(f"{path}: FILE must be the contract's spec of {spec.name}")
        modules[spec.table] = SuiteModule(
            spec=spec,
            references=dict(getattr(module, "REFERENCES", {})),
            build_suite=module.build_suite,
            derive=getattr(module, "derive", None),
            module=module,
            row_by_row=bool(getattr(module, "ROW_BY_ROW", False)),
        )
    _no_slices_of_looked_up_files(modules)
    return modules


def _no_slices_of_looked_up_files(modules: dict[str, SuiteModule]) -> None:
    """A file other files' ids must be found in is read whole: a slice of it would not hold them."""
    targets = {target for m in modules.values() for target in m.references.values()}
    for table in sorted(targets):
        if modules[table].row_by_row:
            raise FootprintError(f"{modules[table].module.__file__}: ROW_BY_ROW, but other files' references "
                                 f"look ids up in {modules[table].spec.name}: it must be read whole")
