"""The alerts themselves: a subject and a few lines a person can act on at 7 in the morning.

Each alert says what happened to which night, what is wrong in one line, where the report is
and what to do next. The builders take our own words only (footprint error messages, which
name files, records, columns and checks); `describe_error` is the one way an exception
becomes alert text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from footprint.errors import DataError, FootprintError

PREFIX = "[footprint]"
REJECTED, FAILED, LATE, NEVER_ARRIVED, RECOVERED = "rejected", "failed", "late", "never arrived", "recovered"


@dataclass(frozen=True)
class Alert:
    kind: str  # one of REJECTED, FAILED, LATE, NEVER_ARRIVED, RECOVERED
    night: dt.date | None
    subject: str
    lines: tuple[str, ...]  # one fact a line: what happened, what is wrong, the report, what to do
    status: str | None = None  # a health line (the warehouse's state), added below the facts when known

    def with_status(self, status: str) -> Alert:
        return dataclasses.replace(self, status=status)

    def text(self) -> str:
        body = [*self.lines, *((f"Status: {self.status}",) if self.status else ())]
        return "\n".join(body)

    @property
    def urgent(self) -> bool:
        """Someone has to act (everything but a recovery)."""
        return self.kind != RECOVERED


@dataclass(frozen=True)
class Run:
    """Where in Airflow it happened, for the person who goes to look."""

    dag_id: str
    run_id: str
    task_id: str | None = None
    try_number: int | None = None

    def line(self) -> str:
        task = f", task {self.task_id}" if self.task_id else ""
        tries = f", try {self.try_number}" if self.try_number else ""
        return f"Airflow: DAG {self.dag_id}, run {self.run_id}{task}{tries}"


def describe_error(error: BaseException | None) -> str:
    """An exception in alert words. Ours carry no values by design; anyone else's message may
    (a database error can quote the row it choked on), so only its type is named."""
    if error is None:
        return "no error was recorded"
    if isinstance(error, DataError):
        return error.summary_line()
    if isinstance(error, FootprintError):
        text = str(error).strip()
        return text.splitlines()[0] if text else type(error).__name__
    return f"{type(error).__name__} (its message is in the task log only: it can quote the data)"


def _night(night: dt.date | None) -> str:
    return f"night {night}" if night else "night (date unknown)"


def rejected(night: dt.date | None, step: str, what: str, report: Path | None, fix: str,
             run: Run | None = None) -> Alert:
    lines = [
        f"The {_night(night)} was rejected at the {step}: nothing of it reaches the marts, and "
        "readers keep the figures of the last night that was published.",
        f"What is wrong: {what}",
        f"Report: {report}" if report else "Report: none was written (see the task log)",
        f"What to do: {fix}.",
    ]
    if run:
        lines.append(run.line())
    return Alert(REJECTED, night, f"{PREFIX} {_night(night)} rejected at the {step}", tuple(lines))


def task_failed(night: dt.date | None, task_id: str, tries: int, what: str, run: Run | None = None) -> Alert:
    lines = [
        f"Task {task_id} of the {_night(night)} failed after {tries} tr{'y' if tries == 1 else 'ies'}: "
        "the night is not published yet, and readers keep the figures of the last night that was.",
        f"What went wrong: {what}",
        "What to do: read the task log; once the cause is fixed (the warehouse reachable again, "
        f"disk space freed), clear task {task_id} of this run in Airflow so the night carries on from there.",
    ]
    if run:
        lines.append(run.line())
    return Alert(FAILED, night, f"{PREFIX} {_night(night)}: {task_id} failed", tuple(lines))


def never_arrived(night: dt.date | None, folder: Path, waited: dt.timedelta, run: Run | None = None) -> Alert:
    lines = [
        f"The extract of the {_night(night)} never arrived: no _manifest.json in {folder} after "
        f"waiting {_duration(waited)}. The run failed without loading anything; the nights after it still run.",
        "What to do: ask the case system's team whether the nightly export ran. Once the folder is "
        "complete (every file, then _manifest.json last), clear wait_for_manifest of this run in Airflow.",
    ]
    if run:
        lines.append(run.line())
    return Alert(NEVER_ARRIVED, night, f"{PREFIX} {_night(night)} never arrived", tuple(lines))


def late(night: dt.date | None, folder: Path, late_after: dt.time, run: Run | None = None) -> Alert:
    lines = [
        f"The extract of the {_night(night)} had not arrived by {late_after:%H:%M} Europe/London: "
        f"no _manifest.json in {folder} yet. The run keeps waiting for it until the sensor's timeout; "
        "until then readers see the figures of the night before.",
        "What to do: check with the case system's team that the nightly export is running. Nothing is "
        "needed here if it arrives: the run goes on by itself.",
    ]
    if run:
        lines.append(run.line())
    return Alert(LATE, night, f"{PREFIX} {_night(night)} late: no extract at {late_after:%H:%M}", tuple(lines))


def recovered(night: dt.date | None, step: str, rejected_at: str, run: Run | None = None) -> Alert:
    lines = [
        f"The {_night(night)}, rejected at the {step} ({rejected_at}), has now been accepted and "
        "published: the marts are current again.",
        "Nothing to do.",
    ]
    if run:
        lines.append(run.line())
    return Alert(RECOVERED, night, f"{PREFIX} {_night(night)} recovered: accepted and published", tuple(lines))


def _duration(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    if seconds >= 60:
        return f"{seconds // 60} min"
    return f"{seconds} s"
