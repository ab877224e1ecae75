"""Missing and away episodes (ssd_missing), and the GM's notifications of each (missing_notifications).

Natural episodes come from a child's rate, scaled by age and by a monthly
burst factor (episodes cluster); a showcase scenario places its own episode
and notification. An episode is entered minutes after it starts, completed
when the child returns, and gets its return home interview outcome days
later: up to three versions of one row.
"""

from __future__ import annotations

import math

from footprint.devtools.generate.calibration import (
    AWAY_SHARE,
    BURST_SIGMA,
    EPISODE_CORRECTION_SHARE,
    EPISODE_DUPLICATE_SHARE,
    LONG_EPISODE_SHARE,
    LONG_SCENARIO,
    NEAR_END,
    NOT_NOTIFIED_SHARE,
)
from footprint.devtools.generate.child.state import ChildSim, Episode, Notification
from footprint.devtools.generate.clock import DAY, HOUR, MINUTE, YEAR
from footprint.devtools.generate.draws import poisson
from footprint.devtools.generate.records import Row, Versions


def _hazard(age: float) -> float:
    """Relative risk of going missing by age: mostly 13-17, some 11-12."""
    if age < 10:
        return 0.0
    if age < 11:
        return 0.03
    if age < 12:
        return 0.15
    if age < 13:
        return 0.4
    return 1.0


def episodes(sim: ChildSim) -> list[Episode]:
    """Every episode of the child in the extract's history, oldest first, with its rows."""
    natural = _natural_starts(sim)
    owned = sim.owned_windows()
    natural = sorted(s for s in natural if not any(a <= s <= b for a, b in owned))
    planned = []
    for name, day in sim.c.scenarios:
        planned.extend(scenario_episodes(sim, name, day))
    eps = _natural_episodes(sim, natural, owned)
    eps.extend(planned)
    eps.sort(key=lambda e: e.start)
    for ep in eps:
        build_episode(sim, ep)
    return eps


def _natural_starts(sim: ChildSim) -> list[int]:
    """Start moments, month by month: a Poisson count at the child's rate for its age."""
    c, rng = sim.c, sim.rng
    starts: list[int] = []
    if c.misser and sim.hi > sim.lo:
        t = sim.lo
        while t < sim.hi:
            block_end = min(t + 30 * DAY, sim.hi)
            h = _hazard(sim.age((t + block_end) // 2))
            if h:
                mult = rng.lognormvariate(-BURST_SIGMA**2 / 2, BURST_SIGMA)
                for _ in range(poisson(rng, c.miss_rate * h * mult * (block_end - t) / YEAR)):
                    starts.append(episode_start(sim, (t + int(rng.random() * (block_end - t))) // DAY))
            t = block_end
    return starts


def _natural_episodes(sim: ChildSim, starts: list[int], owned: list[tuple[int, int]]) -> list[Episode]:
    """An episode for each start the child is not already missing at."""
    c, rng = sim.c, sim.rng
    eps: list[Episode] = []
    free_from = sim.lo
    for s in starts:
        if s < free_from or s >= sim.hi:
            continue
        kind = "Away" if rng.random() < AWAY_SHARE else "Missing"
        end = s + duration(sim, kind)
        if c.care_end is not None:
            end = min(end, c.care_end - HOUR)
        # back before a scenario's stretch begins: a child is missing once at a time
        end = min([end] + [a - HOUR for a, _ in owned if a > s])
        if end <= s:
            continue
        eps.append(Episode(start=s, end=end, kind=kind, scenario=None))
        free_from = end + 30 * MINUTE
    return eps


def episode_start(sim: ChildSim, day: int) -> int:
    """Children go missing mostly in the afternoon and evening; whole minutes."""
    r = sim.rng.random()
    hour = 15 + int(r * 9) if r < 0.7 else int(sim.rng.random() * 15)
    return day * DAY + hour * HOUR + sim.rng.randrange(60) * MINUTE


def duration(sim: ChildSim, kind: str) -> int:
    """Mostly hours, sometimes days or weeks; rarely months (missing only). Whole minutes."""
    rng = sim.rng
    r = rng.random()
    if r < LONG_EPISODE_SHARE and kind == "Missing":
        return int(rng.uniform(30, 240) * DAY) // MINUTE * MINUTE
    if r < 0.56:
        hours = rng.lognormvariate(math.log(5), 0.6)
    elif r < 0.86:
        hours = rng.uniform(12, 48)
    elif r < 0.975:
        hours = rng.uniform(48, 168)
    else:
        hours = rng.uniform(168, 720)
    if kind == "Away":
        hours = min(hours, 72)
    return max(30 * MINUTE, int(hours * HOUR) // MINUTE * MINUTE)


def scenario_episodes(sim: ChildSim, name: str, day: int) -> list[Episode]:
    """The episodes a scenario needs; the notification is placed at `notify`."""
    rng = sim.rng
    notify = sim.work_time(day // DAY)
    if name in NEAR_END:  # sent that day, weekend or not: it must reach the last night
        notify = day + 10 * HOUR + rng.randrange(6 * HOUR)
    if name == LONG_SCENARIO:
        return [Episode(start=episode_start(sim, day // DAY), end=sim.w.END + 400 * DAY, kind="Missing",
                        scenario=name)]
    if name == "f5_before_notification":
        start = notify - 3 * DAY - rng.randrange(4 * HOUR)
        start -= start % MINUTE
        return [Episode(start=start, end=start + 20 * HOUR, kind="Missing", scenario=name, notify=notify)]
    start = notify - rng.randint(1, 5) * HOUR
    start -= start % MINUTE
    eps = [Episode(start=start, end=start + rng.randint(3, 14) * HOUR, kind="Missing", scenario=name,
                   notify=None if name == "not_notified" else notify)]
    if name == "linked_other":
        # an earlier episode with a linked footprint: the scenario's note is linked to it, not to its own
        first = start - 20 * DAY
        eps.insert(0, Episode(start=first, end=first + 8 * HOUR, kind="Missing", scenario="timely_linked",
                              notify=sim.work_time(first // DAY + 1)))
    return eps


def build_episode(sim: ChildSim, ep: Episode) -> None:
    """ssd_missing versions and the notifications of one episode."""
    rng = sim.rng
    ep.id = f"{30_000 + sim.w.next_id('miss')}"
    ep.reported = ep.start + rng.randint(2, 40) * MINUTE + rng.randrange(60)
    offered, accepted = _rhi_outcome(sim, ep.kind)
    ep.rhi_accepted = accepted == "Y"
    ep.rows = _missing_versions(sim, ep, offered, accepted)
    _notifications(sim, ep)


def _rhi_outcome(sim: ChildSim, kind: str) -> tuple[str, str]:
    """(offered, accepted): a return home interview is offered after most missing episodes."""
    rng = sim.rng
    if kind == "Missing":
        offered = "Y" if rng.random() < 0.85 else "N"
        accepted = ("Y" if rng.random() < 0.55 else "N") if offered == "Y" else "NA"
        if rng.random() < 0.05:
            offered = accepted = ""
        return offered, accepted
    return ("NA", "NA") if rng.random() < 0.6 else ("", "")


def _missing_versions(sim: ChildSim, ep: Episode, offered: str, accepted: str) -> list[Versions]:
    """The episode's versions: reported, back (if not back already), RHI outcome; maybe a duplicate."""
    rng, pid = sim.rng, sim.c.pid
    start, end, kind, reported = ep.start, ep.end, ep.kind, ep.reported
    shown_start = start
    if rng.random() < EPISODE_CORRECTION_SHARE:
        # first entered a little late, corrected when the child came back
        shown_start = start + rng.randint(1, max(1, (reported - start) // MINUTE)) * MINUTE

    def version(t: int, s: int, e: int | None, off: str, acc: str) -> Row:
        return (ep.id, pid, s, kind, e, off, acc, t, "N")

    rows = []
    if end <= reported:
        rows.append(version(reported, start, end, "", ""))
    else:
        rows.append(version(reported, shown_start, None, "", ""))
        rows.append(version(end + rng.randint(10, 600) * MINUTE + rng.randrange(60), start, end, "", ""))
    if offered or accepted:  # the RHI outcome, recorded on a working day after the return
        recorded = max(sim.work_time(end // DAY + rng.randint(1, 4)), rows[-1][7] + 2 * MINUTE)
        rows.append(version(recorded, start, end, offered, accepted))
    versions = [rows]
    if rng.random() < EPISODE_DUPLICATE_SHARE:  # entered twice, the copy deleted
        dup_id = f"{30_000 + sim.w.next_id('miss')}"
        t = reported + rng.randint(2, 30) * MINUTE
        dup = (dup_id, pid, start, kind, None, "", "", t, "N")
        versions.append([dup, dup[:7] + (t + rng.randint(1, 72) * HOUR, "Y")])
    return versions


def _notifications(sim: ChildSim, ep: Episode) -> None:
    """The GM's emails: one, or about monthly while a child is missing for months."""
    w, rng, pid = sim.w, sim.rng, sim.c.pid
    notify = _first_notification(sim, ep)
    while notify is not None:
        notify = max(notify, ep.reported + 2 * MINUTE)
        gm = sim.team_at(notify).gm_id if rng.random() < 0.85 else rng.choice(w.gm_ids)
        nid = f"{w.next_id('mino'):08d}"
        sent = notify
        ep.notification_rows.append([(nid, ep.id, pid, sent, gm, sent + rng.randint(1, 90), "N")])
        ep.notifications.append(Notification(nid, sent, gm))
        if rng.random() < 0.005:  # the email logged twice, the copy deleted by an administrator
            logged = sent + rng.randint(60, 1800)
            copy = (f"{w.next_id('mino'):08d}", ep.id, pid, sent, gm, logged, "N")
            ep.notification_rows.append([copy, copy[:5] + (logged + rng.randint(2, 48) * HOUR, "Y")])
        notify = _renotification(sim, ep, sent)


def _first_notification(sim: ChildSim, ep: Episode) -> int | None:
    if ep.scenario is None:
        return None if sim.rng.random() < NOT_NOTIFIED_SHARE else notification_time(sim, ep.start)
    if ep.scenario == LONG_SCENARIO:
        return sim.work_time(ep.start // DAY + 1)
    return ep.notify


def _renotification(sim: ChildSim, ep: Episode, sent: int) -> int | None:
    """A child missing for months is notified again, about monthly, until back."""
    if ep.end - sent > 28 * DAY:
        nxt = sim.work_time((sent + sim.rng.randint(27, 33) * DAY) // DAY)
        return nxt if nxt < ep.end else None
    return None


def notification_time(sim: ChildSim, start: int) -> int:
    """Minutes to days after the episode starts; out-of-hours ones wait for the morning."""
    rng = sim.rng
    r = rng.random()
    if r < 0.35:
        delay = rng.uniform(5, 90) * MINUTE
    elif r < 0.80:
        delay = rng.uniform(1.5, 24) * HOUR
    elif r < 0.95:
        delay = rng.uniform(1, 4) * DAY
    else:
        delay = rng.uniform(4, 10) * DAY
    t = start + int(delay)
    sec = t % DAY
    if (sec < 7 * HOUR or sec > 22 * HOUR) and rng.random() < 0.7:
        t = (t // DAY + (1 if sec > 22 * HOUR else 0)) * DAY + 8 * HOUR + rng.randrange(2 * HOUR)
    return t
