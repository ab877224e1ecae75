"""Suite of service_involvements.csv: other services open to the child (extension), a full snapshot."""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder

FILE = FILES_BY_TABLE["service_involvements"]
# Each check reads one row (and what it looks up elsewhere): a large night is checked in slices.
ROW_BY_ROW = True
REFERENCES = {"serv_person_id": "ssd_person"}


def build_suite(config: QualityConfig):
    return (
        SuiteBuilder(FILE, config)
        .contract()
        .end_not_before_start("serv_start_date", "serv_end_date")
        .references(REFERENCES)
        .volume()
        .suite
    )
