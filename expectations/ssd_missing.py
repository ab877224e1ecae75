"""Suite of ssd_missing.csv: missing and away episodes (SSD), a 14-day window.

The source query only extracts episodes of children looked after when the
episode started, so a child born after the episode, or an adult at it, means
the person or the episode row is wrong. The date of birth is sensitive: the
age facts are computed here as flags, and GX sees only the flags.

Two episodes of one child never overlap (the DfE's SSDA903 validation rule 574:
a new missing or away period cannot start while the previous one is open). A
warning by default: the IRO is still notified of each, but one of them is
probably a duplicate or has the wrong end.
"""

from footprint.contract import FILES_BY_TABLE
from footprint.gate.suites import QualityConfig, SuiteBuilder, as_flag, flag, is_in, parsed

FILE = FILES_BY_TABLE["ssd_missing"]
REFERENCES = {"miss_person_id": "ssd_person"}

KEY = "miss_table_id"
CHILD = "miss_person_id"
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
        .flag("episodes_do_not_overlap", START)
        .references(REFERENCES)
        .volume()
        .suite
    )


def derive(frame, night) -> None:
    """Age of the child at the episode start, from the night's or the latest accepted pers_dob;
    and whether the episode overlaps another of the child's, tonight's or accepted ones."""
    person = night.lookup("ssd_person", frame[CHILD], ["pers_dob"])
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
    frame[flag("episodes_do_not_overlap", START)] = _no_overlap(frame, night)


def _no_overlap(frame, night):
    """True where the episode overlaps none of the child's other current episodes. An episode
    still open (no end) lasts until further notice; touching ends do not overlap; deleted
    episodes, and those whose dates are missing, unreadable or reversed, are left out."""
    import pandas as pd

    columns = [KEY, CHILD, parsed(START), parsed(END), END, "is_deleted"]
    tonight = frame[columns].assign(_row=frame.index)
    children = frame[CHILD].dropna().unique().tolist()
    history = night.history_of("ssd_missing", CHILD, children, [START, END, "is_deleted"])
    history = history[~is_in(history[KEY], frame[KEY])][columns].assign(_row=-1)  # tonight's version wins
    episodes = pd.concat([tonight, history], ignore_index=True)
    s, e = episodes[parsed(START)], episodes[parsed(END)]
    usable = (s.notna() & episodes[CHILD].notna() & (episodes["is_deleted"] != "Y")
              & (episodes[END].isna() | (e.notna() & (e >= s))))
    episodes = episodes[usable].sort_values([CHILD, parsed(START)], kind="stable")
    ends = episodes[parsed(END)].fillna(pd.Timestamp.max.as_unit("us"))
    by_child = episodes.groupby(CHILD, sort=False)
    # Sorted by start: an episode overlaps an earlier one when it starts before the latest end
    # so far, and a later one when the next start comes before its own end.
    latest_end_before = ends.groupby(episodes[CHILD], sort=False).cummax().groupby(episodes[CHILD]).shift(1)
    next_start = by_child[parsed(START)].shift(-1)
    overlaps = (episodes[parsed(START)] < latest_end_before) | (next_start < ends)
    mine = episodes["_row"] >= 0
    ok = pd.Series(True, index=frame.index)
    rows = episodes.loc[mine, "_row"].to_numpy()
    ok.loc[rows] = ~overlaps[mine].to_numpy()
    applicable = pd.Series(False, index=frame.index)
    applicable.loc[rows] = True
    return as_flag(ok, applicable)
