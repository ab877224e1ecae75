"""CLA reviews (ssd_cla_reviews): booked, then held and written up, or cancelled and rebooked.

Reviews fall due 20 working days after a child enters care, 3 months later,
then every 6 months. The booking of the next review is entered when the last
one is written up, so the latest row of a child in care usually has a due
date in the future. A showcase scenario's stretch holds no review but the
one it plans (finding 4: the episodes discussed at the review a week later).
"""

from __future__ import annotations

from dataclasses import dataclass

from footprint.devtools.generate import text as tx
from footprint.devtools.generate.calibration import LONG_SCENARIO
from footprint.devtools.generate.child.state import ChildSim, Episode, fmt_day
from footprint.devtools.generate.clock import DAY, HOUR, MINUTE
from footprint.devtools.generate.records import Row, Versions


def review_dues(sim: ChildSim) -> list[int]:
    """Due dates (day ordinals): 20 working days, 3 months, then every 6 months."""
    c = sim.c
    first = c.care_start // DAY + 28
    dues = [first, first + 91]
    horizon = sim.w.END // DAY + 200
    while dues[-1] < horizon:
        dues.append(dues[-1] + 182)
    if c.care_end is not None:
        dues = [d for d in dues if d * DAY < c.care_end]
    return [d for d in dues if d >= sim.w.H0 // DAY - 30 and d <= horizon]


def next_review_after(sim: ChildSim, t: int) -> int:
    """The next review's due moment after `t` (the IRO's notes mention it)."""
    for d in sim.review_dues:
        if d * DAY > t:
            return d * DAY
    return t + 60 * DAY


def reviews(sim: ChildSim, episodes: list[Episode]) -> list[Versions]:
    """Every review's versions, leaving out those settled before the extract's history."""
    book = _Book(sim, episodes)
    for due in sim.review_dues:
        book.review(due)
    return [v for v in book.out if v[-1][7] >= sim.w.H0]


@dataclass
class _Review:
    """One review as it goes: booked, then held, perhaps cancelled and rebooked under a new id."""

    rid: str
    due: int
    held: int
    chair: str | None
    versions: list[Row]


class _Book:
    """The child's reviews in due order, and what one review needs of the one before."""

    def __init__(self, sim: ChildSim, episodes: list[Episode]) -> None:
        self.sim = sim
        self.blocked: list[tuple[int, int]] = []  # a scenario's stretch: no review held inside
        self.held_at: dict[int, int] = {}  # due day -> meeting, for the review a scenario plans
        sim.review_dues = self._dues(episodes)
        c, w = sim.c, sim.w
        self.out: list[Versions] = []
        self.prev_held = max(c.care_start, w.H0 - 180 * DAY)
        self.scheduled = c.care_start + sim.rng.randint(1, 5) * DAY
        self.starts = [e.start for e in episodes]
        self.long_ep = next((e for e in episodes if e.scenario == LONG_SCENARIO), None)

    def _dues(self, episodes: list[Episode]) -> list[int]:
        """Due days, moved out of each scenario's stretch; finding 4's review a week after its notification."""
        sim = self.sim
        dues = review_dues(sim)
        for name, day in sim.c.scenarios:
            if name == LONG_SCENARIO:
                continue
            lo, hi = day // DAY - 12, day // DAY + 32
            self.blocked.append((lo * DAY, (hi + 1) * DAY))
            dues = [d if not lo - 26 <= d <= hi + 10 else hi + sim.rng.randint(11, 20) for d in dues]
            if name == "f4_review":
                ep = next(e for e in episodes if e.scenario == name)
                assert ep.notify is not None  # a scenario's episode is always notified
                meeting = sim.work_time(ep.notify // DAY + 7)
                meeting = meeting // DAY * DAY + 10 * HOUR
                dues.append(meeting // DAY)
                self.held_at[meeting // DAY] = meeting
        return sorted(set(dues))

    def _unblock(self, t: int) -> int:
        """`t`, or a working moment a few days after the scenario stretch it falls in."""
        for lo_t, hi_t in self.blocked:
            if lo_t <= t < hi_t:
                return self.sim.work_time(hi_t // DAY + self.sim.rng.randint(1, 5))
        return t

    def _new_id(self) -> str:
        return f"{70_000 + self.sim.w.next_id('clar')}"

    def _meeting(self, due: int) -> int:
        """When the review is held: mostly on or a little before the due day, at a round hour."""
        if due in self.held_at:
            return self.held_at[due]
        sim, rng = self.sim, self.sim.rng
        early = rng.randint(0, 10) if rng.random() < 0.88 else -rng.randint(1, 25)
        held = self._unblock(sim.work_time(due - early))
        return held // DAY * DAY + rng.choice((9, 10, 11, 13, 14, 15)) * HOUR + rng.choice((0, 30)) * MINUTE

    def review(self, due: int) -> None:
        sim, rng, pid = self.sim, self.sim.rng, self.sim.c.pid
        held = self._meeting(due)
        self.scheduled = min(self.scheduled, held - DAY)
        rid = self._new_id()
        booked = (rid, pid, due, None, "N", sim.iro_at(self.scheduled), None, self.scheduled, "N")
        chair = sim.iro_at(held)
        if chair is not None and rng.random() < 0.05:
            chair = rng.choice(sim.w.iro_ids)  # a cover IRO chairs
        rev = _Review(rid, due, held, chair, [booked])
        long_ep = self.long_ep
        in_long = long_ep is not None and long_ep.start <= held
        ctx = dict(sim.ctx, since=fmt_day(long_ep.start) if long_ep is not None and in_long else "")
        if due not in self.held_at and not in_long and rng.random() < 0.06:
            self._cancel_and_rebook(rev, ctx)
        self._write_up(rev, self._summary(rev, ctx, in_long))

    def _cancel_and_rebook(self, rev: _Review, ctx: dict[str, object]) -> None:
        """Cancelled on the day, then booked again as a new review one to three weeks later."""
        sim, rng, pid = self.sim, self.sim.rng, self.sim.c.pid
        summary = rng.choice(tx.REVIEW_CANCELLED).format_map(ctx)
        cancelled_at = rev.held + rng.randint(5, 300) * MINUTE
        rev.versions.append((rev.rid, pid, rev.due, rev.held, "Y", rev.chair, summary, cancelled_at, "N"))
        self.out.append(rev.versions)
        rev.rid = self._new_id()
        self.scheduled = cancelled_at + HOUR
        rev.versions = [(rev.rid, pid, rev.due, None, "N", rev.chair, None, self.scheduled, "N")]
        held = self._unblock(sim.work_time(rev.held // DAY + rng.randint(7, 21)))
        rev.held = held // DAY * DAY + rng.choice((10, 14)) * HOUR
        rev.chair = sim.iro_at(rev.held)

    def _summary(self, rev: _Review, ctx: dict[str, object], in_long: bool) -> str:
        """The review record: about the missing episodes since the last review, mostly, if there were any."""
        rng = self.sim.rng
        if in_long:
            return "\n".join(tx.REVIEW_VIRTUAL).format_map(ctx)
        n_recent = sum(1 for s in self.starts if self.prev_held < s <= rev.held)
        parts = rng.sample(tx.REVIEW_PLAIN, 3)
        if n_recent and (rev.due in self.held_at or rng.random() < 0.85):
            parts = [tx.REVIEW_MISSING[0], *rng.sample(tx.REVIEW_MISSING[1:], 2), parts[0]]
        return ("\n" if rng.random() < 0.5 else " ").join(parts).format_map(dict(ctx, n=n_recent))

    def _write_up(self, rev: _Review, summary: str) -> None:
        """Written up hours to weeks after the meeting; the next one is booked after that."""
        sim, rng = self.sim, self.sim.rng
        delay = rng.uniform(1, 48) if rng.random() < 0.6 else rng.uniform(48, 360)
        written = max(sim.cal.next_work_moment(rev.held + int(delay * HOUR)), rev.versions[-1][7] + 2 * MINUTE)
        rev.versions.append((rev.rid, sim.c.pid, rev.due, rev.held, "N", rev.chair, summary, written, "N"))
        self.out.append(rev.versions)
        self.prev_held = rev.held
        self.scheduled = written + rng.randint(1, 600) * MINUTE
