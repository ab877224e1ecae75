"""Who is allocated to the child: its IROs and social workers over time (ssd_involvements).

Reallocations are seamless mostly, sometimes leave a gap of days with nobody
allocated, sometimes overlap for a day: the rules must cope with all three.
No reallocation falls in (or just around) a stretch a showcase scenario
owns, so the IRO who receives a scenario's notification stays allocated
throughout it.
"""

from __future__ import annotations

from footprint.devtools.generate.child.state import Allocated, ChildSim, Segment
from footprint.devtools.generate.clock import DAY, MINUTE, YEAR
from footprint.devtools.generate.records import Row


def allocations(sim: ChildSim, role: str, rate: float, first_gap: bool) -> tuple[list[Segment], list[Row]]:
    """Allocation segments [(start, end, (professional, team))] and their involvement rows.

    `role` is "IRO" or "SW"; `rate` is reallocations a year; with `first_gap`
    the first allocation comes days (at worst weeks) after the child enters care.
    """
    c = sim.c
    start = _first_start(sim, first_gap)
    horizon = sim.w.END if c.care_end is None else c.care_end
    if start > horizon:
        return [], []
    changes = _change_times(sim, start, horizon, rate)
    segs = _segments(sim, role, start, horizon, changes)
    return segs, _involvement_rows(sim, role, segs)


def _first_start(sim: ChildSim, first_gap: bool) -> int:
    start = sim.c.care_start
    if first_gap:
        rng = sim.rng
        r = rng.random()
        gap = rng.uniform(0, 2) if r < 0.75 else rng.uniform(2, 10) if r < 0.95 else rng.uniform(10, 30)
        start = sim.cal.next_work_moment(start + int(gap * DAY))
    return start


def _change_times(sim: ChildSim, start: int, horizon: int, rate: float) -> list[int]:
    """Moments of reallocation (a Poisson process), kept out of the scenarios' stretches."""
    owned = sim.owned_windows()
    changes = []
    t = start
    while True:
        t += int(sim.rng.expovariate(rate) * YEAR)
        if t >= horizon:
            break
        if not any(a - 10 * DAY <= t <= b + 5 * DAY for a, b in owned):
            changes.append(sim.cal.next_work_moment(t))
    return changes


def _segments(sim: ChildSim, role: str, start: int, horizon: int, changes: list[int]) -> list[Segment]:
    rng, cal = sim.rng, sim.cal
    who = pick(sim, role, None)
    segs: list[Segment] = []
    seg_start = start
    for change in changes:
        if change <= seg_start or change >= horizon:
            continue
        r = rng.random()
        if r < 0.85:
            seg_end, next_start = change, change
        elif r < 0.95 and role == "IRO":  # a social worker is always allocated: only IROs leave gaps
            seg_end, next_start = change, cal.next_work_moment(change + rng.randint(1, 7) * DAY)
        else:
            seg_end, next_start = change + DAY, change
        segs.append((seg_start, seg_end, who))
        who = pick(sim, role, who)
        seg_start = next_start
    if seg_start <= horizon:
        segs.append((seg_start, sim.c.care_end, who))
    return segs


def _involvement_rows(sim: ChildSim, role: str, segs: list[Segment]) -> list[Row]:
    """ssd_involvements rows (whole minutes) for the allocations that began by the last night."""
    w, c = sim.w, sim.c
    rows: list[Row] = []
    role_desc = "IRO" if role == "IRO" else "Social Worker"
    for s_start, s_end, (prof, team) in segs:
        if s_start <= w.END:
            rows.append((
                f"{500_000 + w.next_id('invo')}", c.pid, prof, role_desc, team,
                s_start - s_start % MINUTE, None if s_end is None else s_end - s_end % MINUTE,
            ))
    return rows


def pick(sim: ChildSim, role: str, previous: Allocated | None) -> Allocated:
    """(professional id, team name): a new IRO, or a social worker of the child's team.

    A social worker's reallocation sometimes moves the child to another team.
    """
    w, rng = sim.w, sim.rng
    if role == "IRO":
        n = len(w.iro_ids)
        i = rng.randrange(n)
        if previous is not None and w.iro_ids[i] == previous[0]:
            i = (i + 1 + rng.randrange(n - 1)) % n
        return w.iro_ids[i], w.iro_teams[i]
    if previous is not None and rng.random() < 0.2:
        sim.c.team = rng.randrange(len(w.teams))
    team = w.teams[sim.c.team]
    return rng.choice(team.sw_ids), team.name
