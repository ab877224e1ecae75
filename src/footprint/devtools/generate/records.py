"""The model's plain data: a team, a child's fixed attributes, and one child's rows.

Rows are tuples in the writer's raw column order (writer.RAW_COLUMNS). An
event row is a list of *versions*, oldest first, `modified_at` and
`is_deleted` last: the writer picks, for each night, the version current at
that night's `produced_at`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Row = tuple  # one row, or one version of an event row, in raw column order
Versions = list[Row]  # an event row's versions, oldest first


@dataclass
class Team:
    name: str
    sw_ids: list[str]
    tm_id: str
    gm_id: str


@dataclass
class Child:
    k: int
    pid: str
    sex: str
    dob: int  # day ordinal
    ethnicity: str
    forename: str
    surname: str
    upn: str
    care_start: int
    care_end: int | None  # None: still looked after at the end of the run
    stock: bool
    misser: bool
    miss_rate: float
    team: int
    created: int
    scenarios: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class ChildRecords:
    """One child's rows. Snapshot rows are plain tuples; event rows are version lists."""

    person: Row
    person_created: int
    involvements: list[Row]
    services: list[Row]
    episodes: list[Versions]
    notifications: list[Versions]
    notes: list[Versions]
    reviews: list[Versions]
