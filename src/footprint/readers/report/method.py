"""The method section and the learning pack's "what counts" box: the criteria in force, in words.

The values come from the criteria file (config/criteria.yml, read through
`footprint.transform.criteria.criteria_vars`); the marts record the
criteria_version that computed them. When the file now holds another
version than the marts, the report says so: its figures are the marts'.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from footprint.transform.criteria import criteria_vars


@dataclass(frozen=True)
class Method:
    criteria: dict[str, Any]
    marts_version: str

    @property
    def file_version(self) -> str:
        return str(self.criteria["criteria_version"])

    @property
    def version_differs(self) -> bool:
        return self.file_version != self.marts_version

    @property
    def due_words(self) -> str:
        days = int(self.criteria["footprint_due_working_days"])
        if days == 0:
            return "by the end of the day of the notification"
        if days == 1:
            return "by the end of the next working day after the day of the notification"
        return f"by the end of the {_ordinal(days)} working day after the day of the notification"

    @property
    def author_words(self) -> str:
        if self.criteria["footprint_author_scope"] == "any_iro":
            return "any IRO (a cover IRO's note counts)"
        return "the IRO allocated to the child at the notification (a cover IRO's note does not count)"

    @property
    def time_words(self) -> str:
        if self.criteria["footprint_time_field"] == "event":
            return "the event date written on the note (its entry time when it has none)"
        return "when the note was entered on the system, not the event date written on it"

    @property
    def note_types(self) -> str:
        return ", ".join(self.criteria["footprint_note_types"])

    @property
    def keywords(self) -> str:
        return ", ".join(self.criteria["missing_keywords"])

    @property
    def exclusions(self) -> str:
        return ", ".join(self.criteria["missing_keyword_exclusions"])

    @property
    def episode_types(self) -> str:
        return " and ".join(self.criteria["episode_types"])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def method(criteria_path: Path, marts_version: str) -> Method:
    return Method(criteria_vars(criteria_path), marts_version)
