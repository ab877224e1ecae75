"""One night of the pipeline: wait → load → gate → build → publish → report.

The DAG calls these functions one task each; `footprint run-night DATE` calls
them in a row for authorities that schedule with cron instead of Airflow.

Each step sorts its failures into the two kinds of footprint.errors: a
`DataError` (the night is rejected: recorded beside its reports, and the DAG
fails the task without retrying) or a `TransientError` (the machine: retried).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from footprint.contract import NIGHT_ACCEPTED, NIGHT_REJECTED
from footprint.errors import DataError, FootprintError, TransientError
from footprint.ingest.landing import night_dir
from footprint.settings import Settings

log = logging.getLogger(__name__)

LONDON = "Europe/London"
# A full disk or quota: the machine, not the data.
_TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


class BuildRejectedError(DataError):
    """dbt's tests (or a model) failed on the night: it is set aside as rejected."""

    step = "dbt tests"
    fix = ("read the failing tests in the build report (`footprint build test --select <test>` "
           "shows what they found), correct the source records or the rule, then rerun the night "
           "from its load")

    def __init__(self, what: str, nodes: list[tuple[str, str]] | None = None, fix: str | None = None) -> None:
        super().__init__(what, fix)
        self.nodes = nodes or []

    def summary_line(self) -> str:
        if not self.nodes:
            return super().summary_line()
        names = ", ".join(f"{_node_name(unique_id)} ({status})" for unique_id, status in self.nodes[:5])
        more = f", and {len(self.nodes) - 5} more" if len(self.nodes) > 5 else ""
        return f"dbt failed on {len(self.nodes)} node(s): {names}{more}"


def _node_name(unique_id: str) -> str:
    """dbt's unique_id is <type>.<project>.<name>[.<hash>]: the name is what a person looks up."""
    parts = unique_id.split(".")
    return parts[2] if len(parts) >= 3 else unique_id


def night_of(params: Mapping[str, Any] | None, logical_date: dt.datetime | str | None) -> dt.date:
    """The night a run processes: its `extract_date` param, else its logical date in London."""
    from zoneinfo import ZoneInfo

    chosen = (params or {}).get("extract_date")
    if chosen:
        return dt.date.fromisoformat(str(chosen))
    if logical_date is None:
        raise FootprintError("a run without a logical date must name its extract_date")
    moment = dt.datetime.fromisoformat(logical_date) if isinstance(logical_date, str) else logical_date
    return moment.astimezone(ZoneInfo(LONDON)).date()


@contextlib.contextmanager
def _step(extract_date: dt.date, settings: Settings) -> Iterator[None]:
    """A rejection is recorded beside the night's reports; a full disk becomes a TransientError."""
    try:
        yield
    except DataError as exc:
        from footprint.alerts.records import record_rejection

        record_rejection(settings, extract_date, exc)
        raise
    except OSError as exc:
        if exc.errno not in _TRANSIENT_ERRNOS:
            raise
        raise TransientError(f"night {extract_date}: {exc.strerror} ({exc.filename or 'the warehouse'})") from None


def manifest_arrived(extract_date: dt.date, settings: Settings | None = None) -> bool:
    from footprint.contract import MANIFEST_NAME

    settings = settings or Settings.from_env()
    return (night_dir(settings.landing_dir, extract_date) / MANIFEST_NAME).exists()


def load(extract_date: dt.date, settings: Settings | None = None) -> dict:
    from footprint.ingest.raw_load import load_night
    from footprint.publish.roles import LOADER, acting_as

    settings = settings or Settings.from_env()
    with _step(extract_date, settings), acting_as(LOADER):
        result = load_night(night_dir(settings.landing_dir, extract_date), settings)
    log.info("loaded %s (%s): %d rows", extract_date, result.load_type, result.total_rows)
    return {"extract_date": str(extract_date), "load_type": result.load_type, "rows": result.total_rows}


def gate(extract_date: dt.date, settings: Settings | None = None) -> dict:
    from footprint.gate.validate import validate_night
    from footprint.publish.roles import LOADER, acting_as

    settings = settings or Settings.from_env()
    with _step(extract_date, settings):
        with acting_as(LOADER):
            result = validate_night(extract_date, settings)
        log.info("validation report: %s", result.report_path)
        result.raise_for_status()
    return {"extract_date": str(extract_date), "warnings": len(result.warnings), "report": str(result.report_path)}


def build(extract_date: dt.date, settings: Settings | None = None) -> None:
    """dbt build (models and their tests). A night whose build fails is set aside as
    rejected so later nights are not built on it; reloading the night clears that.
    The models the failed build had already rebuilt hold the night: they are built again
    without it, so nothing downstream keeps reading a rejected night.

    Only a night the gate accepted is built: a retry of a build that rejected the night
    would otherwise build without it, succeed, and let publish go on as if it had passed.
    A build that failed for want of the warehouse (TransientError) rejects nothing: it is retried."""
    from footprint.publish.roles import TRANSFORMER, acting_as
    from footprint.transform.dbt_runner import release_dbt

    settings = settings or Settings.from_env()
    with acting_as(TRANSFORMER):
        status = night_status(extract_date, settings)
    if status != NIGHT_ACCEPTED:  # not recorded: the step that rejected it has
        raise DataError(f"night {extract_date} is {status or 'not loaded'}, not accepted: not built.",
                        fix="load it again (corrected if need be) and rerun it from the load", step="dbt build")
    try:
        with _step(extract_date, settings), acting_as(TRANSFORMER):
            _build_or_reject(extract_date, settings)
    finally:
        release_dbt()  # the step's process ends here in a DAG run


def _build_or_reject(extract_date: dt.date, settings: Settings) -> None:
    from footprint.transform.dbt_runner import DbtFailure, run_dbt

    try:
        # Unit tests pin the rules on hand-made rows: CI runs them, the nightly run need not.
        run_dbt(["build", "--exclude-resource-type", "unit_test"], settings)
        return
    except DbtFailure as exc:
        mark_night(extract_date, NIGHT_REJECTED, {"stage": "dbt build", "error": str(exc)}, settings)
        try:
            run_dbt(["run"], settings)  # models only: no test can fail, the night is left out
        except FootprintError as again:
            log.error("rebuilding the models without rejected night %s failed too: %s", extract_date, again)
        rejected = BuildRejectedError(str(exc), exc.nodes)
    # Raised outside the except block: the dbt failure is the whole message, not its context.
    raise rejected


def publish(settings: Settings | None = None) -> dict:
    from footprint.publish.marts import publish as publish_marts
    from footprint.publish.roles import TRANSFORMER, acting_as

    with acting_as(TRANSFORMER):
        return publish_marts(settings or Settings.from_env())


def report(settings: Settings | None = None) -> dict:
    """The report for the defaults (the last three complete months) into FOOTPRINT_REPORTS_DIR/latest/,
    written aside and switched into place. It reads the published marts only, as the BI role."""
    from footprint.publish.roles import BI, acting_as
    from footprint.readers.report import publish_report

    settings = settings or Settings.from_env()
    with acting_as(BI):
        result = publish_report(settings.reports_dir, settings)
    log.info("report for %s: %s (%d learning packs, %.1f s)", result.period.label, result.index,
             len(result.packs), result.seconds["total"])
    return {"index": str(result.index), "period": result.period.label, "packs": len(result.packs),
            "seconds": result.seconds["total"]}


def night_status(extract_date: dt.date, settings: Settings) -> str | None:
    from footprint.warehouse import connect, execute

    with connect(settings) as conn:
        row = execute(conn, "select status from raw.extract_nights where extract_date = %s",
                      (extract_date,)).fetchone()
    return row[0] if row else None


def mark_night(extract_date: dt.date, status: str, detail: dict, settings: Settings) -> None:
    import json

    from footprint.warehouse import connect, execute

    with connect(settings) as conn:
        execute(
            conn,
            "update raw.extract_nights set status = %s, validation_result = %s where extract_date = %s",
            (status, json.dumps(detail, sort_keys=True), extract_date),
        )
        conn.commit()


def run_night(extract_date: dt.date, settings: Settings | None = None) -> None:
    from footprint.alerts.records import settle_rejection

    settings = settings or Settings.from_env()
    if not manifest_arrived(extract_date, settings):
        raise FootprintError(f"night {extract_date} has not arrived: no manifest in {settings.landing_dir}")
    load(extract_date, settings)
    gate(extract_date, settings)
    build(extract_date, settings)
    publish(settings)
    settle_rejection(settings, extract_date)
