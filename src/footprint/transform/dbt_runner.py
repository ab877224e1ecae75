"""Run dbt with the audit criteria (footprint.transform.criteria) as `--vars`.

dbt runs in-process through its programmatic `dbtRunner`, against the target
of the settings (`duckdb` or `postgres`). A failure names the failing nodes,
never a value from the data.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from footprint.errors import FootprintError, TransientError
from footprint.settings import DBT_PROJECT_DIR, Settings
from footprint.transform.criteria import criteria_vars, validate_criteria
from footprint.transform.incremental import NIGHTLY_SCOPE

log = logging.getLogger(__name__)

# dbt commands that take no --vars/--target (they never compile models).
_NO_PROJECT_VARS = {"clean", "deps", "init"}
DBT_COMMANDS = {
    "build", "run", "test", "seed", "snapshot", "compile", "parse", "ls", "list", "show",
    "docs", "source", "run-operation", "debug", "clean", "deps", "retry", "clone", "init",
}
_FAILED = {"error", "fail", "runtime error"}
# Commands that run models: the `review` sources must exist before them, reviewed or not.
_READS_REVIEWS = {"build", "run", "test", "retry", "show"}
# Commands that build models: a build plan decides how much of the history they work out again.
_BUILDS_MODELS = {"build", "run"}
# What dbt reports when the warehouse, not the data, was the trouble: the file held by another
# process, the server gone or restarting, a lock or deadlock, the disk or memory full.
_TRANSIENT = re.compile(
    "could not set lock on file|could not connect to server|connection refused|connection to server"
    "|server closed the connection|connection already closed|terminating connection|the database system is"
    "|lock timeout|deadlock detected|could not serialize access|no space left on device|could not extend file"
    "|out of memory",
    re.IGNORECASE,
)


class DbtFailure(FootprintError):
    """dbt ran and a node failed (a test found rows, a model errored): `nodes` are (unique_id, status)."""

    def __init__(self, message: str, nodes: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.nodes = nodes


def _with_command(args: list[str]) -> list[str]:
    """`footprint build` alone, or with options only, is `dbt build`."""
    args = list(args) or ["build"]
    return args if args[0] in DBT_COMMANDS else ["build", *args]


def dbt_command_line(args: list[str], settings: Settings, dbt_vars: dict[str, Any]) -> list[str]:
    args = _with_command(args)
    cli = [*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if args[0] not in _NO_PROJECT_VARS:
        cli += ["--target", settings.target, "--vars", json.dumps(dbt_vars, sort_keys=True)]
    return cli + _scoped_build_options(dbt_vars)


def run_dbt(
    args: list[str],
    settings: Settings | None = None,
    extra_vars: dict[str, Any] | None = None,
    project_vars: dict[str, Any] | None = None,
) -> Any:
    """Run one dbt command with the criteria as --vars and return dbt's result; raise DbtFailure
    naming the failing nodes when it does not succeed (TransientError when the warehouse was the
    trouble). `extra_vars` override criteria (checked like the file); `project_vars` are other
    vars (e.g. schema_prefix)."""
    settings = settings or Settings.from_env()
    dbt_vars = criteria_vars(settings.criteria_path)
    if extra_vars:
        dbt_vars = validate_criteria({**dbt_vars, **extra_vars}, origin="criteria with overrides")
    dbt_vars = {**dbt_vars, **(project_vars or {})}
    args = _with_command(args)
    if args[0] in _READS_REVIEWS:
        _ensure_sources(settings)
    plan = None
    if args[0] in _BUILDS_MODELS:
        args, plan = _planned(args, settings, dbt_vars, project_vars)
    cli = dbt_command_line(args, settings, dbt_vars)

    env: dict[str, str] = {}
    workdir = None
    if settings.target == "duckdb":
        # dbt re-parses the whole project whenever its connection settings change, the file's
        # path among them; run from the file's folder with the bare file name, so every
        # warehouse called warehouse.duckdb reuses the last parse (seconds saved per build).
        workdir = settings.duckdb_path.resolve().parent
        workdir.mkdir(parents=True, exist_ok=True)
        env["FOOTPRINT_DUCKDB_PATH"] = settings.duckdb_path.name
        env["FOOTPRINT_DUCKDB_MEMORY_LIMIT"] = str(settings.duckdb_config["memory_limit"])
        env["FOOTPRINT_DUCKDB_THREADS"] = str(settings.duckdb_config["threads"])
    else:
        from footprint.warehouse.postgres import session_options

        env["PGOPTIONS"] = session_options()

    from dbt.cli.main import dbtRunner

    try:
        with _environ(env), _working_directory(workdir):
            result = dbtRunner().invoke(cli)
    finally:
        if settings.target == "duckdb":
            _release_duckdb()
    if not result.success:
        raise _failure(cli[0], result)
    if plan is not None:
        from footprint.transform.incremental import complete_build

        complete_build(settings, plan)
        if plan.full and plan.record:
            with _environ(env), _working_directory(workdir):
                _parse_for_nightly_builds(settings, dbt_vars)
    return result


def _parse_for_nightly_builds(settings: Settings, dbt_vars: dict[str, Any]) -> None:
    """Parse the project for the nightly builds to come, with their vars into their folder, after
    a full build: the code or the criteria changed (or the warehouse is new), so the next nightly
    build would parse it all again itself, seconds of a night's margin (England's first night
    after its initial delivery took 30 s). A failure here only costs that night the parse."""
    from dbt.cli.main import dbtRunner

    # Quiet: a command's output (`footprint compare --format json`) must stay its own.
    cli = dbt_command_line(["parse", "--quiet"], settings, {**dbt_vars, "build_scope": NIGHTLY_SCOPE})
    try:
        parsed = dbtRunner().invoke(cli).success
    except Exception:  # noqa: BLE001 - the build is done and recorded; the next night parses
        parsed = False
    if not parsed:
        log.warning("dbt: the project could not be parsed ahead for the nightly builds")


def _planned(args: list[str], settings: Settings, dbt_vars: dict[str, Any],
             project_vars: dict[str, Any] | None) -> tuple[list[str], Any]:
    """Add what the build plan decides (footprint.transform.incremental): the var build_scope,
    and --full-refresh for a full build, or for a nightly one the code-only nodes left out. A build into other schemas (criteria compare) is
    always full and leaves the live build's state alone."""
    from footprint.transform.incremental import NIGHTLY_EXCLUDES, prepare_build

    if (project_vars or {}).get("schema_prefix"):
        dbt_vars["build_scope"] = "all"
        return _full_refresh(args), None
    plan = prepare_build(settings, {k: v for k, v in dbt_vars.items() if k != "build_scope"}, args)
    dbt_vars["build_scope"] = plan.scope
    return (_full_refresh(args) if plan.full else [*args, *NIGHTLY_EXCLUDES]), plan


def _scoped_build_options(dbt_vars: dict[str, Any]) -> list[str]:
    """A scoped build parses into a target folder of its own. dbt keeps one parse per folder and
    parses the whole project again whenever the vars differ from the last parse's; a nightly
    build after a full one (or the reverse) would otherwise pay seconds for the flip alone.

    Nothing reads a nightly build's manifest.json or run_results.json (the docs read a full
    build's), and writing them costs seconds a night, as does dbt.log at debug level: a nightly
    build writes neither, and logs to its file what it prints (a failure names its nodes)."""
    if dbt_vars.get("build_scope") != NIGHTLY_SCOPE:
        return []
    base = Path(os.environ.get("DBT_TARGET_PATH") or DBT_PROJECT_DIR / "target")
    return ["--no-write-json", "--log-level-file", "info", "--target-path", str(base.resolve() / "scoped")]


def _full_refresh(args: list[str]) -> list[str]:
    return args if "--full-refresh" in args else [*args, "--full-refresh"]


def _failure(command: str, result: Any) -> FootprintError:
    """DbtFailure for a node that failed on the data; TransientError when the warehouse failed."""
    raw = [str(result.exception or "")] + [
        (r.message or "") for r in getattr(result.result, "results", None) or []
        if str(getattr(r.status, "value", r.status)).lower() in _FAILED
    ]
    message = _failure_message(command, result)
    # Read for its kind only, like the loader's database errors: the text can quote the data.
    if any(_TRANSIENT.search(text) for text in raw if text):
        return TransientError(message)
    return DbtFailure(message, _failed_nodes(result))


def _failed_nodes(result: Any) -> list[tuple[str, str]]:
    nodes = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status)).lower()
        if status in _FAILED:
            node = getattr(node_result, "node", None)
            nodes.append((getattr(node, "unique_id", None) or "?", status))
    return nodes


def _ensure_sources(settings: Settings) -> None:
    """The tables models read that no model builds: the review tables are the programme
    manager's, written by `footprint review` (before the first review they still exist, empty,
    so every model reads them the same way); the build state is footprint.transform.incremental's."""
    from footprint.review.store import ensure_review_tables
    from footprint.transform.incremental import ensure_state_tables
    from footprint.warehouse import connect

    with connect(settings) as conn:
        ensure_review_tables(conn)
        ensure_state_tables(conn)  # the source build.build_scope, for every model and unit test
        conn.commit()


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


def release_dbt() -> None:
    """Let go of what dbt keeps in the process after its runs: its adapters and, through them, the
    parsed project, whose locks are named semaphores. A task process that Airflow forked ends with
    os._exit, which runs no finalizers: without this, the resource tracker reports the semaphores
    as leaked, at error level, in every night's build log. dbt's next run sets up its adapters
    again anyway."""
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    gc.collect()  # the parsed project's objects refer to each other: only the collector frees them


def _failure_message(command: str, result: Any) -> str:
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
def _working_directory(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    saved = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(saved)


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
