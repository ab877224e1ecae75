"""The gate's check codes and severities: what a finding is called and what it does to a night."""

from __future__ import annotations

ERROR = "error"
WARNING = "warning"
OFF = "off"
SEVERITIES = (ERROR, WARNING, OFF)

# check code -> (class, what a failing row means). Classes are the issue's
# categories; the description is the sentence the report and logs print.
CHECKS: dict[str, tuple[str, str]] = {
    "required": ("format", "value missing where the contract requires one"),
    "unique": ("format", "identifier not unique within the night"),
    "date_format": ("format", "not a real calendar date/time in one of the contract's forms, from earliest_date on"),
    "enumeration": ("enumeration", "value outside the contract's allowed codes"),
    "not_after_produced_at": ("plausibility", "date after the night's produced_at"),
    "end_not_before_start": ("plausibility", "end before start"),
    "born_before_episode": ("plausibility", "child born after the episode started"),
    "under_18_at_episode": ("plausibility", "child 18 or over when the episode started"),
    "notification_not_before_episode": ("plausibility", "notification sent before its episode started"),
    "notification_child_matches_episode": ("plausibility", "notification's child differs from its episode's child"),
    "note_not_created_before_event": ("plausibility", "note entered on a day before the activity it records"),
    "episodes_do_not_overlap": ("plausibility", "episode overlaps another missing or away episode of the same "
                                                "child (DfE SSDA903 rule 574)"),
    "reference": ("reference", "refers to an id found neither in the night nor in accepted history"),
    "volume": ("volume", "row count outside the band of recent accepted nightly loads"),
}
