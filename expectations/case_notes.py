"""Suite of case_notes.csv: case notes on a child's record (extension), a 14-day window.

The footprint is a case note, so notes carry most of the weight: author and
child must exist, and a note cannot be entered after the extract was
produced. Subject and text are sensitive free text and are never read.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder, as_flag, flag, parsed

FILE = FILES_BY_TABLE["case_notes"]
# Each check reads one row (and what it looks up elsewhere): a large night is checked in slices.
ROW_BY_ROW = True
REFERENCES = {
    "cano_person_id": "ssd_person",
    "cano_created_by_professional_id": "ssd_professionals",
    "cano_linked_missing_id": "ssd_missing",
}

EVENT = "cano_event_date"
CREATED = "cano_created_date"


def build_suite(config: QualityConfig):
    return (
        SuiteBuilder(FILE, config)
        .contract()
        .flag("note_not_created_before_event", CREATED, f"note entered on a day before its {EVENT}")
        .references(REFERENCES)
        .volume()
        .suite
    )


def derive(frame, night) -> None:
    # By calendar day: a visit typed up in the morning for the afternoon is
    # common practice, a note written days ahead of its event is not.
    event, created = frame[parsed(EVENT)], frame[parsed(CREATED)]
    frame[flag("note_not_created_before_event", CREATED)] = as_flag(
        created.dt.normalize() >= event.dt.normalize(), event.notna() & created.notna()
    )
