"""Suite of missing_notifications.csv: the GM's notification emails (extension), a 14-day window.

Every audit figure starts from a notification, so its episode must exist
(in the night, or in accepted history for a late correction of an old one)
and it cannot have been sent before the episode began.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder, as_flag, flag, parsed

FILE = FILES_BY_TABLE["missing_notifications"]
# Each check reads one row (and what it looks up elsewhere): a large night is checked in slices.
ROW_BY_ROW = True
REFERENCES = {
    "mino_missing_id": "ssd_missing",
    "mino_person_id": "ssd_person",
    "mino_sent_by_professional_id": "ssd_professionals",
}

SENT = "mino_sent_date"


def build_suite(config: QualityConfig):
    return (
        SuiteBuilder(FILE, config)
        .contract()
        .flag(
            "notification_not_before_episode", SENT,
            "notification sent before its episode started (miss_missing_episode_start_date in ssd_missing.csv)",
        )
        .flag("notification_child_matches_episode", "mino_person_id")
        .references(REFERENCES)
        .volume()
        .suite
    )


def derive(frame, night) -> None:
    episode = night.lookup(
        "ssd_missing", frame["mino_missing_id"], ["miss_missing_episode_start_date", "miss_person_id"]
    )
    start = episode[parsed("miss_missing_episode_start_date")]
    sent = frame[parsed(SENT)]
    frame[flag("notification_not_before_episode", SENT)] = as_flag(sent >= start, sent.notna() & start.notna())
    child = episode["miss_person_id"]
    frame[flag("notification_child_matches_episode", "mino_person_id")] = as_flag(
        frame["mino_person_id"] == child, frame["mino_person_id"].notna() & child.notna()
    )
