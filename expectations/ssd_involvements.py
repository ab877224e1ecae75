"""Suite of ssd_involvements.csv: who is allocated to each child (SSD), a full snapshot.

The IRO of a child at the time of a notification comes from here, so an
allocation to a worker the extract does not know would silently drop a
notification from an IRO's figures.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder

FILE = FILES_BY_TABLE["ssd_involvements"]
# Each check reads one row (and what it looks up elsewhere): a large night is checked in slices.
ROW_BY_ROW = True
REFERENCES = {
    "invo_person_id": "ssd_person",
    "invo_professional_id": "ssd_professionals",
}


def build_suite(config: QualityConfig):
    return (
        SuiteBuilder(FILE, config)
        .contract()
        .end_not_before_start("invo_involvement_start_date", "invo_involvement_end_date")
        .references(REFERENCES)
        .volume()
        .suite
    )
