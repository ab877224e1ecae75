"""Suite of ssd_missing.csv: missing and away episodes (SSD), a 14-day window.

The source query only extracts episodes of children looked after when the
episode started, so a child born after the episode, or an adult at it, means
the person or the episode row is wrong. The date of birth is sensitive: the
age facts are computed here as flags, and GX sees only the flags.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder, as_flag, flag, parsed

FILE = FILES_BY_TABLE["ssd_missing"]
REFERENCES = {"miss_person_id": "ssd_person"}

START = "miss_missing_episode_start_date"
END = "miss_missing_episode_end_date"


def build_suite(config: QualityConfig):
    return (
        SuiteBuilder(FILE, config)
        .contract()
        .end_not_before_start(START, END)
        .flag("born_before_episode", START, "child born after the episode started (pers_dob in ssd_person.csv)")
        .flag(
            "under_18_at_episode", START,
            f"child aged {config.adult_age} or over when the episode started (pers_dob in ssd_person.csv)",
        )
        .references(REFERENCES)
        .volume()
        .suite
    )


def derive(frame, night) -> None:
    """Age of the child at the episode start, from the night's or the latest accepted pers_dob."""
    person = night.lookup("ssd_person", frame["miss_person_id"], ["pers_dob"])
    dob = person[parsed("pers_dob")]
    start = frame[parsed(START)]
    both = dob.notna() & start.notna()
    frame[flag("born_before_episode", START)] = as_flag(dob.dt.normalize() <= start, both)
    # Whole years, the way an age is counted: not yet had this year's birthday -> one less.
    before_birthday = (start.dt.month < dob.dt.month) | (
        (start.dt.month == dob.dt.month) & (start.dt.day < dob.dt.day)
    )
    age = start.dt.year - dob.dt.year - before_birthday.astype(int)
    frame[flag("under_18_at_episode", START)] = as_flag(age < night.config.adult_age, both)
