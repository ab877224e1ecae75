"""One night of the pipeline: wait → load → gate → build → publish → report.

The DAG calls these functions one task each; `footprint run-night DATE` calls
them in a row for authorities that schedule with cron instead of Airflow.
"""

from __future__ import annotations

import datetime as dt
import logging

from footprint.contract import NIGHT_ACCEPTED, NIGHT_REJECTED
from footprint.errors import FootprintError
from footprint.ingest.landing import night_dir
from footprint.settings import Settings

log = logging.getLogger(__name__)


def manifest_arrived(extract_date: dt.date, settings: Settings | None = None) -> bool:
    from footprint.contract import MANIFEST_NAME

    settings = settings or Settings.from_env()
    return (night_dir(settings.landing_dir, extract_date) / MANIFEST_NAME).exists()


def load(extract_date: dt.date, settings: Settings | None = None) -> dict:
    from footprint.ingest.raw_load import load_night
    from footprint.publish.roles import LOADER, acting_as

    settings = settings or Settings.from_env()
    with acting_as(LOADER):
        result = load_night(night_dir(settings.landing_dir, extract_date), settings)
    log.info("loaded %s (%s): %d rows", extract_date, result.load_type, result.total_rows)
    return {"extract_date": str(extract_date), "load_type": result.load_type, "rows": result.total_rows}


def gate(extract_date: dt.date, settings: Settings | None = None) -> dict:
    from footprint.gate.validate import validate_night
    from footprint.publish.roles import LOADER, acting_as

    settings = settings or Settings.from_env()
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
    would otherwise build without it, succeed, and let publish go on as if it had passed."""
    from footprint.publish.roles import TRANSFORMER, acting_as
    from footprint.transform.dbt_runner import run_dbt

    settings = settings or Settings.from_env()
    with acting_as(TRANSFORMER):
        status = night_status(extract_date, settings)
        if status != NIGHT_ACCEPTED:
            raise FootprintError(
                f"night {extract_date} is {status or 'not loaded'}, not accepted: not built. "
                "Load it again (corrected if need be) and rerun it from the load."
            )
        try:
            # Unit tests pin the rules on hand-made rows: CI runs them, the nightly run need not.
            run_dbt(["build", "--exclude-resource-type", "unit_test"], settings)
        except FootprintError as exc:
            mark_night(extract_date, NIGHT_REJECTED, {"stage": "dbt build", "error": str(exc)}, settings)
            try:
                run_dbt(["run"], settings)  # models only: no test can fail, the night is left out
            except FootprintError as again:
                log.error("rebuilding the models without rejected night %s failed too: %s", extract_date, again)
            raise


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
    settings = settings or Settings.from_env()
    if not manifest_arrived(extract_date, settings):
        raise FootprintError(f"night {extract_date} has not arrived: no manifest in {settings.landing_dir}")
    load(extract_date, settings)
    gate(extract_date, settings)
    build(extract_date, settings)
    publish(settings)
