"""A night's rejection, kept beside its reports until the night is accepted.

`FOOTPRINT_REPORTS_DIR/<night>/rejected.json` says which step rejected the night, when, and
where its report is; the loader and dbt get a short report of their own there
(`load.md`, `build.md`; the quality gate writes `validation.md`). Once the night is
published, the record becomes `recovered.json` and the recovery alert is sent: the file
is what tells a rerun that the night had been rejected, even for a rejection at the load,
which by design leaves nothing of the night in the warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from footprint.errors import DataError
from footprint.settings import Settings

REJECTED_NAME = "rejected.json"
RECOVERED_NAME = "recovered.json"
STEP_REPORTS = {"load": "load.md", "dbt tests": "build.md"}


@dataclass(frozen=True)
class Rejection:
    night: str
    step: str
    what: str  # one line, as alerts show it
    report: str | None
    at: str  # UTC, ISO 8601


def night_folder(settings: Settings, night: dt.date) -> Path:
    return Path(settings.reports_dir) / night.isoformat()


def record_rejection(settings: Settings, night: dt.date, error: DataError) -> Rejection:
    """Write the step's report (unless the step wrote its own) and the rejection record; set
    `error.report_path` so the alert names the report."""
    folder = night_folder(settings, night)
    folder.mkdir(parents=True, exist_ok=True)
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if error.report_path is None and error.step in STEP_REPORTS:
        error.report_path = folder / STEP_REPORTS[error.step]
        _write_atomically(error.report_path, _step_report(night, error, at))
    rejection = Rejection(night.isoformat(), error.step, error.summary_line(),
                          str(error.report_path) if error.report_path else None, at.isoformat())
    _write_atomically(folder / REJECTED_NAME, json.dumps(asdict(rejection), indent=2) + "\n")
    return rejection


def settle_rejection(settings: Settings, night: dt.date) -> Rejection | None:
    """The night is published: its rejection, if it had one, is over. Returns it (once)."""
    folder = night_folder(settings, night)
    path = folder / REJECTED_NAME
    try:
        rejection = Rejection(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):  # a damaged record still means the night had been rejected
        rejection = Rejection(night.isoformat(), "unknown step", "", None, "earlier")
    os.replace(path, folder / RECOVERED_NAME)
    return rejection


def pending_rejection(settings: Settings, night: dt.date) -> Rejection | None:
    path = night_folder(settings, night) / REJECTED_NAME
    if not path.exists():
        return None
    return Rejection(**json.loads(path.read_text(encoding="utf-8")))


def _step_report(night: dt.date, error: DataError, at: dt.datetime) -> str:
    title = {"load": "Load", "dbt tests": "Build"}.get(error.step, error.step.capitalize())
    return "\n".join([
        f"# {title} report: night {night}",
        "",
        f"**REJECTED** at the {error.step} on {at:%Y-%m-%d %H:%M} UTC. Readers keep the marts of the "
        "last night that was published.",
        "",
        "## What is wrong",
        "",
        "```",
        error.what,
        "```",
        "",
        "## What to do",
        "",
        error.fix[:1].upper() + error.fix[1:] + ".",
        "",
        "This report names files, records, columns and checks. It never shows a value from the extract.",
        "",
    ])


def _write_atomically(path: Path, text: str) -> None:
    # A crash mid-write leaves the previous file or the new one, never half of either.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
