"""Other services open to the child (service_involvements): Get Safe above all.

Most children who go missing are open to Get Safe, the exploitation service,
from around their first episode; the other services follow the child's age,
whether it goes missing, and its time in care.
"""

from __future__ import annotations

import datetime as dt

from footprint.devtools.generate.calibration import GET_SAFE
from footprint.devtools.generate.child.state import ChildSim, Episode
from footprint.devtools.generate.clock import DAY, add_years
from footprint.devtools.generate.records import Row


def services(sim: ChildSim, episodes: list[Episode]) -> list[Row]:
    opened = _Opened(sim)
    teen = sim.age(sim.hi) >= 12
    _get_safe(sim, opened, episodes, teen)
    _other_services(sim, opened, episodes, teen)
    return opened.rows


class _Opened:
    """The service rows opened so far, within the child's record and the run."""

    def __init__(self, sim: ChildSim) -> None:
        self.sim = sim
        c = sim.c
        self.end_day = sim.w.END // DAY
        self.care_from = c.care_start // DAY
        self.care_to = self.end_day if c.care_end is None else c.care_end // DAY
        self.rows: list[Row] = []

    def add(self, name: str, start: int, stop: int | None) -> None:
        """A row, unless it would open after the last night; never before the child's record exists."""
        c = self.sim.c
        start = max(start, c.dob + 1, c.created // DAY + 1)
        if start >= self.end_day:
            return
        if stop is not None and stop <= start:
            stop = start + 30
        sid = f"SI{self.sim.w.next_id('serv'):07d}"
        self.rows.append((sid, c.pid, name, start, stop))

    def maybe_end(self, start: int, lo: int, hi: int, p_closed: float) -> int | None:
        rng = self.sim.rng
        return start + rng.randint(lo, hi) if rng.random() < p_closed else None

    def day_in_care(self) -> int:
        return self.sim.rng.randint(self.care_from, max(self.care_from, self.care_to))


def _get_safe(sim: ChildSim, opened: _Opened, episodes: list[Episode], teen: bool) -> None:
    """Open to Get Safe from around the first episode (or, rarely, a teenager who never went missing)."""
    rng = sim.rng
    if episodes and rng.random() < 0.72 or (not episodes and teen and rng.random() < 0.04):
        first = episodes[0].start // DAY if episodes else sim.lo // DAY
        start = first + rng.randint(-90, 45)
        opened.add(GET_SAFE, start, opened.maybe_end(start, 120, 500, 0.4))


def _other_services(sim: ChildSim, opened: _Opened, episodes: list[Episode], teen: bool) -> None:
    c, rng = sim.c, sim.rng
    if sim.age(sim.hi) >= 5 and rng.random() < 0.3:
        start = opened.day_in_care()
        opened.add("CAMHS", start, opened.maybe_end(start, 90, 600, 0.5))
    if sim.age(sim.hi) >= 4 and rng.random() < 0.85:
        opened.add("Virtual School", opened.care_from + rng.randint(0, 30),
                   None if c.care_end is None else opened.care_to)
    if teen and rng.random() < (0.25 if episodes else 0.06):
        start = opened.day_in_care()
        opened.add("Youth Justice Service", start, opened.maybe_end(start, 180, 400, 0.6))
    sixteen = add_years(dt.date.fromordinal(c.dob), 16).toordinal()
    if sixteen <= opened.care_to and rng.random() < 0.8:
        opened.add("Leaving Care Service", max(sixteen, opened.care_from) + rng.randint(0, 60), None)
    if teen and rng.random() < (0.15 if episodes else 0.03):
        start = opened.day_in_care()
        opened.add("Young People’s Substance Misuse Service", start, opened.maybe_end(start, 60, 300, 0.6))
    if sim.age(sim.lo) < 8 and rng.random() < 0.15:
        start = opened.day_in_care()
        opened.add("Speech and Language Therapy", start, opened.maybe_end(start, 90, 400, 0.5))
