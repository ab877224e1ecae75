"""Suite of ssd_professionals.csv: the workers (SSD), a full snapshot every night.

The name is sensitive and free text: nothing to check, so it is never read.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder

FILE = FILES_BY_TABLE["ssd_professionals"]
REFERENCES: dict[str, str] = {}


def build_suite(config: QualityConfig):
    return SuiteBuilder(FILE, config).contract().volume().suite
