"""What differs in raw between nights, as SQL the build's planning runs (footprint.transform.
incremental): the children of the records a new night changed, the rows in which two nights of a
snapshot differ, and the times of a record that "now" passes. What counts as a change is what
staging would read differently: each column is read with staging's own parsing macros.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from footprint.contract import FILES_BY_TABLE
from footprint.settings import DBT_PROJECT_DIR
from footprint.warehouse.base import RAW

Night = tuple[str, str]  # (extract_date, loaded_at), both ISO text

# Event files: (record key, child) columns; a notification reaches its child through its episode.
EVENT_FILES = {
    "ssd_missing": ("miss_table_id", "miss_person_id"),
    "case_notes": ("cano_casenote_id", "cano_person_id"),
    "ssd_cla_reviews": ("clar_cla_review_id", "clar_cla_person_id"),
}
SNAPSHOT_FILES = {
    "ssd_person": "pers_person_id",
    "ssd_involvements": "invo_person_id",
    "service_involvements": "serv_person_id",
}
NOTIFICATION_KEY = ("mino_notification_id", None)
# Every file whose new rows can change a record: (record key, child column or None).
CHANGING_FILES = {**EVENT_FILES, "missing_notifications": NOTIFICATION_KEY}
# Files whose rows matter to a child only once the child has an episode (with_an_episode).
RECORD_FILES = ("case_notes", "ssd_cla_reviews")
# The times of a record that the rules compare with "now" (recorded, counted from).
RECORD_TIMES = {"case_notes": ("cano_created_date", "cano_event_date", "modified_at"),
                "ssd_cla_reviews": ("clar_cla_review_date",)}


def record_times(nights: str, night_params: tuple) -> tuple[str, tuple]:
    """Each raw record row's child and every time of it that a rule compares with "now" (a note's
    created, event and version times; a review's date), from the nights `nights` lists (a list
    of marks or a query, with its parameters)."""
    macros = staging_parsers()
    selects = [f"select nullif({EVENT_FILES[table][1]}, '') as person_id, {macros.parse_timestamp(column)} "  # noqa: S608
               f"as pending_at from {RAW}.{table} where _extract_date in ({nights})"
               for table, columns in RECORD_TIMES.items() for column in columns]
    return " union all ".join(selects), night_params * len(selects)


# The staging macro each kind of contract column is read with (macros/parse_datetimes.sql).
_PARSERS = {"date": "parse_date", "timestamp": "parse_timestamp", "flag": "parse_flag", "id": "parse_id",
            "text": "parse_text"}


@functools.cache
def staging_parsers() -> Any:
    """The staging models' parsing macros, rendered here with plain Jinja (they use nothing of
    dbt's): what counts as a change is what staging would read differently, from one definition."""
    import jinja2

    text = (DBT_PROJECT_DIR / "macros" / "parse_datetimes.sql").read_text(encoding="utf-8")
    return jinja2.Environment(autoescape=False).from_string(text).module  # noqa: S701 (SQL, not HTML)


def _typed(table: str) -> str:
    """The file's columns as staging reads them: the same value in the other spelling (a UK
    date, a `T`, spaces around text) is no change."""
    macros = staging_parsers()
    return ", ".join(f"{getattr(macros, _PARSERS[col.kind])(col.name)} as {col.name}"
                     for col in FILES_BY_TABLE[table].columns)


def snapshot_diff(table: str) -> str:
    """The rows, as staging reads them, in which two nights of a snapshot file differ (params:
    after, before, before, after): those listed a different number of times on each. A row
    delivered twice is a difference too (and its child is brought in even without an episode:
    `listed_twice`). Counting both nights' rows in one grouping reads each once (an `except all`
    both ways read each twice: England's involvements, 944,000 rows a night, 2.9 s against 1.1 s)."""
    names = ", ".join(col.name for col in FILES_BY_TABLE[table].columns)
    typed = f"select {_typed(table)}, _extract_date from {RAW}.{table} where _extract_date in (%s, %s)"  # noqa: S608
    return (f"select {names} from ({typed}) as typed group by {names} "  # noqa: S608 (contract names)
            "having count(*) filter (where _extract_date = %s) <> count(*) filter (where _extract_date = %s)")


def snapshot_children(table: str, person: str) -> str:
    return f"select changed.{person} as person_id from ({snapshot_diff(table)}) as changed"  # noqa: S608


def listed_twice(table: str, person: str) -> str:
    """The children of a record the night's snapshot lists more than once (params: the night,
    twice), episodes or not: the nightly build's staging tests must see it, as a full build's
    would (staging's uniqueness test fails the night)."""
    key = FILES_BY_TABLE[table].key
    return (f"select nullif({person}, '') as person_id from {RAW}.{table} "  # noqa: S608 (contract names)
            f"where _extract_date = %s and {key} in (select {key} from {RAW}.{table} "
            f"where _extract_date = %s group by {key} having count(*) > 1)")


def night_pair(after: str, before: str) -> tuple[dt.date, ...]:
    after_, before_ = dt.date.fromisoformat(after), dt.date.fromisoformat(before)
    return (after_, before_, before_, after_)


def changed_records(table: str, new: list[str], built: Sequence[Night]) -> tuple[str, tuple]:
    """The keys (as staging reads them, as `record_id`) of the records a new night changed, with
    the query's parameters: rows not already read, identical, on the nights they are compared
    with (`_compared_nights`); a row with no such copy is a change."""
    key = CHANGING_FILES[table][0]
    earlier = _compared_nights(new, built)
    new_params = tuple(dt.date.fromisoformat(d) for d in new)
    old_params = tuple(dt.date.fromisoformat(d) for d in earlier)
    new_marks, old_marks = ", ".join(["%s"] * len(new_params)), ", ".join(["%s"] * len(old_params))
    columns = _typed(table)
    night_rows = f"select {columns} from {RAW}.{table} where _extract_date in ({new_marks})"  # noqa: S608
    # Only rows of the same records can be copies: the key narrows the earlier nights first.
    copies = (f"select {columns} from {RAW}.{table} where _extract_date in ({old_marks}) "  # noqa: S608
              f"and {key} in (select {key} from {RAW}.{table} where _extract_date in ({new_marks}))")
    return (f"select {key} as record_id from ({night_rows} except {copies}) as changed",
            new_params + old_params + new_params)


def event_children(new: list[str], built: Sequence[Night], known: dict[str, str]) -> list[tuple[str, tuple]]:
    """Children of the records a new night changed (`changed_records`), with each query's
    parameters; `known` gives, by file, a query of those records' ids already worked out."""
    selects = []
    for table, (key, person) in CHANGING_FILES.items():
        changed, params = (known[table], ()) if table in known else changed_records(table, new, built)
        children = _children_of_records(table, key, person, f"select record_id from ({changed}) as changed")
        if table in RECORD_FILES:
            children = with_an_episode(children)
        selects.append((children, params))
    return selects


def with_an_episode(children: str) -> str:
    """Only those of `children` with an episode on any night: a child's notes, reviews and
    snapshot rows reach the marts only through a notification of their episodes, and a new
    episode brings its child in by itself (the IRO list, read for every child, forces a full
    build when it changes)."""
    return (f"select listed.person_id from ({children}) as listed where listed.person_id in "  # noqa: S608
            f"(select nullif(miss_person_id, '') from {RAW}.ssd_missing)")


def _compared_nights(new: list[str], built: Sequence[Night]) -> list[str]:
    """The built nights a new night's rows are compared with: the latest, and the latest before
    the first new night (one accepted late sits between built ones). Each night repeats every row
    of the 14 days before it, so a row read before and unchanged is on those nights; one found
    only on an older night counts as changed, which costs a child's rebuild, never a wrong row,
    and spares comparing with a fortnight of nights."""
    first_new = min(new)
    before = [d for d, _ in built if d < first_new]
    return sorted({max(d for d, _ in built), *([max(before)] if before else [])})


def _children_of_records(table: str, key: str, person: str | None, changed_keys: str) -> str:
    """The child of every version, on any night, of the records whose keys `changed_keys` lists;
    a notification's children are those of the episodes any version of it points to."""
    if person is not None:
        return (f"select nullif({person}, '') as person_id from {RAW}.{table} "  # noqa: S608
                f"where {key} in ({changed_keys})")
    return (f"select nullif(miss_person_id, '') as person_id from {RAW}.ssd_missing where miss_table_id in "  # noqa: S608
            f"(select mino_missing_id from {RAW}.{table} where {key} in ({changed_keys}))")
