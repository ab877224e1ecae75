"""One child's simulation: its state, and the helpers every part of its record uses.

Times are wall-clock seconds (see clock.py). Every draw comes from the
child's own stream, `ChildSim.rng`, in the order `simulate_child` calls the
parts: the same seed gives the same bytes only if that order never changes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from footprint.devtools.generate import text as tx
from footprint.devtools.generate.calibration import LONG_SCENARIO, SLOT_AFTER, SLOT_BEFORE
from footprint.devtools.generate.clock import DAY, HOUR, WORK_END, WORK_START
from footprint.devtools.generate.records import Child, Team, Versions

if TYPE_CHECKING:
    from footprint.devtools.generate.model import World

Allocated = tuple[str, str]  # (professional id, team name)
Segment = tuple[int, int | None, Allocated]  # an allocation: start, end (None: open), who
TextSpec = tuple[tuple[str, ...], tuple[str, ...]]  # (subjects, sentences), see text.py
Edit = tuple[int, str | None, bool]  # a later version of a note: when, new text (None: same), deleted


@dataclass(slots=True)
class Notification:
    id: str
    sent: int
    gm: str


@dataclass(slots=True)
class Episode:
    """A missing or away episode, then (`build_episode`) its rows and notifications."""

    start: int
    end: int
    kind: str  # Missing or Away
    scenario: str | None  # the showcase scenario it belongs to, None for a natural one
    notify: int | None = None  # a scenario's planned notification
    id: str = ""
    reported: int = 0  # when it was first entered on the system
    rhi_accepted: bool = False
    rows: list[Versions] = field(default_factory=list)  # ssd_missing (a duplicate has its own)
    notifications: list[Notification] = field(default_factory=list)
    notification_rows: list[Versions] = field(default_factory=list)


@dataclass(slots=True)
class Note:
    """A case note as first entered; `edits` are its later versions."""

    created: int
    event: int
    code: str
    desc: str
    author: str
    linked: str | None
    seen: str
    subject: str
    body: str
    edits: list[Edit]


def allocated_at(segments: list[Segment], t: int) -> Allocated | None:
    """The allocation covering `t` (ends included; the latest start wins), or None."""
    found = None
    for start, end, who in segments:
        if start > t:
            break
        if end is None or t <= end:
            found = who
    return found


def fmt_day(t: int) -> str:
    d = dt.date.fromordinal(t // DAY)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def fmt_time(t: int) -> str:
    s = t % DAY
    return f"{s // 3600:02d}:{s // 60 % 60:02d}"


class ChildSim:
    """Builds one child's record; the parts live in the modules beside this one."""

    def __init__(self, world: World, child: Child, rng: random.Random) -> None:
        self.w = world
        self.c = child
        self.rng = rng
        self.cal = world.calendar
        self.lo = max(child.care_start, world.H0)  # the window the extract's history covers
        self.hi = world.END if child.care_end is None else min(child.care_end, world.END)
        self.notes: list[Note] = []
        self.ctx: dict[str, object] = {
            "c": child.forename, "sw": "", "carer": rng.choice(tx.CARERS), "school": rng.choice(tx.SCHOOLS),
            "place": "", "gm": "", "date": "", "time": "", "n": 0, "review": "", "other": "", "since": "",
        }
        self.quiet: list[tuple[int, int]] = []  # windows kept free of unplanned IRO activity
        self.iro_segs: list[Segment] = []
        self.sw_segs: list[Segment] = []
        self.review_dues: list[int] = []  # day ordinals, set by `reviews`

    def age(self, t: int) -> float:
        return (t // DAY - self.c.dob) / 365.25

    def work_time(self, day: int) -> int:
        """A moment in working hours on the first working day on or after `day`."""
        d = self.cal.next_working(day)
        return d * DAY + WORK_START + int(self.rng.random() * (WORK_END - WORK_START - HOUR))

    def later_work_time(self, t: int, lo_hours: float, hi_hours: float) -> int:
        """A working moment between `lo_hours` and `hi_hours` after `t` (moved to working hours)."""
        return self.cal.next_work_moment(t + int((lo_hours + self.rng.random() * (hi_hours - lo_hours)) * HOUR))

    def iro_at(self, t: int) -> str | None:
        who = allocated_at(self.iro_segs, t)
        return None if who is None else who[0]

    def sw_at(self, t: int) -> str:
        """The allocated social worker, or the team manager of the child's team."""
        who = allocated_at(self.sw_segs, t)
        return self.w.teams[self.c.team].tm_id if who is None else who[0]

    def team_at(self, t: int) -> Team:
        who = allocated_at(self.sw_segs, t)
        return self.w.teams[self.c.team] if who is None else self.w.team_by_name[who[1]]

    def owned_windows(self) -> list[tuple[int, int]]:
        """The stretches of life each scenario owns: no unplanned episode, no reallocation."""
        return [
            (day - SLOT_BEFORE, self.w.END if name == LONG_SCENARIO else day + SLOT_AFTER)
            for name, day in self.c.scenarios
        ]

    def in_quiet(self, t: int) -> bool:
        return any(a <= t <= b for a, b in self.quiet)

    def text(self, spec: TextSpec, fixed: int, extra: tuple[int, int], ctx: dict[str, object]) -> tuple[str, str]:
        """(subject, text): the first `fixed` sentences, then `extra` (min, max) others.

        Sentences are picked on a random stride rather than with `random.sample`,
        which is several times slower and this runs for every case note.
        """
        subjects, sentences = spec
        rand = self.rng.random
        chosen = list(sentences[:fixed])
        rest = len(sentences) - fixed
        n = min(extra[0] + int(rand() * (extra[1] - extra[0] + 1)), rest)
        if n > 0:
            first, stride = int(rand() * rest), 1 + int(rand() * max(1, rest - 1))
            picked = dict.fromkeys((first + i * stride) % rest for i in range(n))
            chosen.extend(sentences[fixed + i] for i in picked)
        joiner = "\n" if rand() < 0.25 else " "
        subject = subjects[int(rand() * len(subjects))]
        return subject.format_map(ctx), joiner.join(chosen).format_map(ctx)

    def add_note(self, created: int, event: int, code: str, desc: str, author: str, linked: str | None,
                 seen: str, subject: str, body: str) -> Note:
        note = Note(created, event, code, desc, author, linked, seen, subject, body, [])
        self.notes.append(note)
        return note
