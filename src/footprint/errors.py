"""Errors the command line reports as a clear message, not a traceback.

Two kinds decide what the nightly DAG does with a failed task (its retry
policy names these classes, so this module imports nothing):

* `DataError`: the night's data is wrong. A refused delivery, a night the
  quality gate or dbt's tests reject. Running it again on the same extract
  fails the same way, so the task fails at once, without retries, and its
  message says where (file, record, column, check) and what to do.
* `TransientError`: the machine, not the data. A lost connection, a lock
  held by someone else, a full disk. The task keeps its configured retries.

Any other error is retried as configured: an unknown failure gets the
benefit of the doubt, and a person is told once the retries are spent.
"""

from __future__ import annotations

from pathlib import Path


class FootprintError(Exception):
    """A problem the user can act on. Messages never carry a sensitive value."""


class DataError(FootprintError):
    """The night's data is wrong: retrying cannot help. `str()` is the problem then what to do."""

    step: str = "load"  # the nightly step that refused it, as alerts and reports name it
    fix: str = "correct the extract in the case system, have the night exported again, then rerun the night"
    report_path: Path | None = None  # the night's report about it, once one is written

    def __init__(self, what: str, fix: str | None = None, step: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        if fix is not None:
            self.fix = fix
        if step is not None:
            self.step = step

    def __str__(self) -> str:
        return f"{self.what}\nWhat to do: {self.fix}"

    def summary_line(self) -> str:
        """One line on what is wrong, for an alert: names and positions, never a value."""
        return self.what.splitlines()[0]


class TransientError(FootprintError):
    """The warehouse or the machine failed, not the data: worth trying again later."""
