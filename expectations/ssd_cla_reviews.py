"""Suite of ssd_cla_reviews.csv: CLA reviews (SSD plus the chair and a summary), a 14-day window.

The due date is naturally in the future: config/quality.yml exempts it from
`not_after_produced_at`. The summary is sensitive free text and never read.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder

FILE = FILES_BY_TABLE["ssd_cla_reviews"]
# Each check reads one row (and what it looks up elsewhere): a large night is checked in slices.
ROW_BY_ROW = True
REFERENCES = {
    "clar_cla_person_id": "ssd_person",
    "clar_chair_professional_id": "ssd_professionals",
}


def build_suite(config: QualityConfig):
    return SuiteBuilder(FILE, config).contract().references(REFERENCES).volume().suite
