"""Suite of ssd_person.csv: the children (SSD), a full snapshot every night.

pers_dob is sensitive: GX never sees it. Its format, range and (in
ssd_missing) age checks run on helper flags the gate derives before dropping it.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder

FILE = FILES_BY_TABLE["ssd_person"]
REFERENCES: dict[str, str] = {}


def build_suite(config: QualityConfig):
    return SuiteBuilder(FILE, config).contract().volume().suite
