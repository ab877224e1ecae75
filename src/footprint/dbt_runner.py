"""`footprint build`: run dbt with the audit criteria.

The criteria (config/criteria.yml, or FOOTPRINT_CRITERIA_PATH) are the only
source of the rules' parameters: they reach dbt as `--vars`, and model SQL
reads them through `var()`. dbt runs in-process through its programmatic
`dbtRunner`, against the target of the settings (`duckdb` or `postgres`).

    footprint build                         # dbt build: seeds, models, data and unit tests
    footprint build --select marts          # dbt build --select marts
    footprint build run --select staging    # any dbt command and its arguments
    footprint build --set footprint_due_working_days=2    # try a criterion without editing the file
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from footprint.errors import FootprintError
from footprint.settings import DBT_PROJECT_DIR, Settings

# The criteria every rule needs, and how each is checked.
CHOICES = {
    "footprint_author_scope": ("allocated_iro", "any_iro"),
    "footprint_time_field": ("created", "event"),
}
COUNTS = ("footprint_due_working_days", "evidence_horizon_days", "activity_lookback_days")
LISTS = ("footprint_note_types", "missing_keywords", "missing_keyword_exclusions", "episode_types")
STRINGS = ("criteria_version", "iro_role_description", "get_safe_service_name")
CRITERIA_KEYS = frozenset((*CHOICES, *COUNTS, *LISTS, *STRINGS))

# dbt commands that take no --vars/--target (they never compile models).
_NO_PROJECT_VARS = {"clean", "deps", "init"}
_DBT_COMMANDS = {
    "build", "run", "test", "seed", "snapshot", "compile", "parse", "ls", "list", "show",
    "docs", "source", "run-operation", "debug", "clean", "deps", "retry", "clone", "init",
}
_FAILED = {"error", "fail", "runtime error"}


def validate_criteria(criteria: dict[str, Any], origin: str = "criteria") -> dict[str, Any]:
    """Check every criterion is present and well-formed; return a normalised copy."""
    if not isinstance(criteria, dict):
        raise FootprintError(f"{origin}: expected a mapping of criteria")
    unknown = sorted(set(criteria) - CRITERIA_KEYS)
    missing = sorted(CRITERIA_KEYS - set(criteria))
    if unknown:
        raise FootprintError(f"{origin}: unknown criteria {', '.join(unknown)} (a typo?)")
    if missing:
        raise FootprintError(f"{origin}: missing criteria {', '.join(missing)}")
    out = dict(criteria)
    for key, allowed in CHOICES.items():
        if out[key] not in allowed:
            raise FootprintError(f"{origin}: {key} must be one of {', '.join(allowed)}, not {out[key]!r}")
    for key in COUNTS:
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise FootprintError(f"{origin}: {key} must be a whole number >= 0, not {value!r}")
    for key in LISTS:
        value = out[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise FootprintError(f"{origin}: {key} must be a list of non-empty strings")
    for key in STRINGS:
        value = out[key]
        if value is None or isinstance(value, (list, dict)) or not str(value).strip():
            raise FootprintError(f"{origin}: {key} must be a non-empty string")
        out[key] = str(value)
    if not out["footprint_note_types"]:
        raise FootprintError(f"{origin}: footprint_note_types must name at least one note type")
    if not out["episode_types"]:
        raise FootprintError(f"{origin}: episode_types must name at least one episode type")
    return out


def criteria_vars(path: Path | str) -> dict[str, Any]:
    """The criteria file as dbt vars (validated)."""
    import yaml

    path = Path(path)
    if not path.exists():
        raise FootprintError(f"criteria file not found: {path}")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FootprintError(f"{path}: not valid YAML ({exc.__class__.__name__})") from exc
    return validate_criteria(loaded or {}, origin=str(path))


def dbt_command_line(args: list[str], settings: Settings, dbt_vars: dict[str, Any]) -> list[str]:
    args = list(args) or ["build"]
    if args[0] not in _DBT_COMMANDS:
        args = ["build", *args]
    cli = [*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if args[0] not in _NO_PROJECT_VARS:
        cli += ["--target", settings.target, "--vars", json.dumps(dbt_vars, sort_keys=True)]
    return cli


def run_dbt(
    args: list[str],
    settings: Settings | None = None,
    extra_vars: dict[str, Any] | None = None,
) -> None:
    """Run one dbt command with the criteria as --vars; raise FootprintError naming
    the failing nodes when it does not succeed."""
    settings = settings or Settings.from_env()
    dbt_vars = criteria_vars(settings.criteria_path)
    if extra_vars:
        dbt_vars = validate_criteria({**dbt_vars, **extra_vars}, origin="criteria with overrides")
    cli = dbt_command_line(args, settings, dbt_vars)

    env: dict[str, str] = {}
    if settings.target == "duckdb":
        settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        env["FOOTPRINT_DUCKDB_PATH"] = str(settings.duckdb_path)

    from dbt.cli.main import dbtRunner

    try:
        with _environ(env):
            result = dbtRunner().invoke(cli)
    finally:
        if settings.target == "duckdb":
            _release_duckdb()
    if not result.success:
        raise FootprintError(_failure_message(cli[0], result))


def _release_duckdb() -> None:
    """dbt-duckdb keeps its database open in the process after a run; close it so
    the same process can then open the file again (publish, a read-only reader)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        with contextlib.suppress(Exception):
            environment.close()


def _failure_message(command: str, result) -> str:
    failures = []
    run_results = getattr(result.result, "results", None) or []
    for node_result in run_results:
        status = str(getattr(node_result.status, "value", node_result.status)).lower()
        if status not in _FAILED:
            continue
        node = getattr(node_result, "node", None)
        name = getattr(node, "unique_id", None) or "?"
        message = (node_result.message or "").strip()
        if status != "fail":
            # A database error can quote the value it choked on; values from
            # the extract may be sensitive, so quoted text is never echoed.
            message = _redact(message)
        failures.append(f"  {name}: {status}: {_first_lines(message)}")
    if failures:
        return f"dbt {command} failed on {len(failures)} node(s):\n" + "\n".join(failures)
    if result.exception is not None:
        return f"dbt {command} failed: {_first_lines(_redact(str(result.exception)))}"
    return f"dbt {command} failed (see the dbt log)"


def _redact(text: str) -> str:
    return re.sub(r"'[^'\n]*'", "'…'", text)


def _first_lines(text: str, lines: int = 25) -> str:
    parts = text.splitlines()
    suffix = "\n    …" if len(parts) > lines else ""
    return "\n    ".join(parts[:lines]) + suffix


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ---------------------------------------------------------------- command line

# dbt options most used with `footprint build`, accepted before any positional
# (argparse cannot pass unknown leading options through).
_PASSTHROUGH = (
    (("--select", "-s"), {"nargs": "+"}),
    (("--exclude",), {"nargs": "+"}),
    (("--selector",), {}),
    (("--resource-type",), {"nargs": "+"}),
    (("--full-refresh",), {"action": "store_true"}),
    (("--fail-fast", "-x"), {"action": "store_true"}),
    (("--empty",), {"action": "store_true"}),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run dbt (default: build) on the warehouse of FOOTPRINT_TARGET with the audit "
        "criteria of FOOTPRINT_CRITERIA_PATH (default config/criteria.yml) as --vars."
    )
    parser.add_argument(
        "--set", dest="criteria_overrides", action="append", default=[], metavar="CRITERION=VALUE",
        help="override one criterion for this run (YAML value), e.g. footprint_due_working_days=2",
    )
    for flags, options in _PASSTHROUGH:
        parser.add_argument(*flags, dest="dbt_" + flags[0].lstrip("-").replace("-", "_"),
                            help="passed to dbt", **options)
    parser.add_argument(
        "dbt_args", nargs=argparse.REMAINDER,
        help="a dbt command and its arguments (default: build)",
    )


def _overrides(pairs: list[str]) -> dict[str, Any]:
    import yaml

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise FootprintError(f"--set expects CRITERION=VALUE, not {pair!r}")
        out[key.strip()] = yaml.safe_load(value)
    return out


def run(args: argparse.Namespace) -> int:
    dbt_args = [a for a in (args.dbt_args or []) if a != "--"] or []
    if not dbt_args or dbt_args[0] not in _DBT_COMMANDS:
        dbt_args = ["build", *dbt_args]
    for flags, options in _PASSTHROUGH:
        value = getattr(args, "dbt_" + flags[0].lstrip("-").replace("-", "_"), None)
        if value in (None, False, []):
            continue
        dbt_args.append(flags[0])
        if options.get("action") != "store_true":
            dbt_args.extend(value if isinstance(value, list) else [value])
    run_dbt(dbt_args, extra_vars=_overrides(args.criteria_overrides))
    return 0
