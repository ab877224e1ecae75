"""Case notes (case_notes) other than the IRO's answers to notifications, and every note's versions.

Routine notes never carry a missing keyword, so they are activity at most;
the notes others write about an episode (the SW, the RHI worker, the strategy
meeting) carry keywords but are not the IRO's. `note_versions` runs last:
it numbers the notes in the order entered and adds corrections and deletions.
"""

from __future__ import annotations

from footprint.devtools.generate import text as tx
from footprint.devtools.generate.calibration import (
    IRO_CODE,
    IRO_DESC,
    IRO_ROUTINE_RATE,
    NOTE_CORRECTION_SHARE,
    NOTE_DELETION_SHARE,
    ROUTINE_NOTES,
    TELC_DESC,
)
from footprint.devtools.generate.child.state import ChildSim, Edit, Episode, fmt_day, fmt_time
from footprint.devtools.generate.clock import DAY, HOUR, MINUTE, YEAR
from footprint.devtools.generate.draws import poisson
from footprint.devtools.generate.records import Versions


def routine_notes(sim: ChildSim) -> None:
    """Visits, calls and the rest at each type's yearly rate, then the IRO's routine monitoring."""
    if sim.hi <= sim.lo:
        return
    _routine_worker_notes(sim)
    _routine_iro_notes(sim)


def _routine_worker_notes(sim: ChildSim) -> None:
    rng = sim.rng
    years = (sim.hi - sim.lo) / YEAR
    span = sim.hi - sim.lo
    school_age = 5 <= sim.age(sim.hi) and sim.age(sim.lo) < 17
    for code, desc, rate, author_kind, seen_p in ROUTINE_NOTES:
        if code == "EDUC" and not school_age:
            continue
        spec = tx.ROUTINE[code]
        for _ in range(poisson(rng, rate * years)):
            event = sim.work_time((sim.lo + int(rng.random() * span)) // DAY)
            if rng.random() < 0.08:  # an evening visit
                event = event // DAY * DAY + 18 * HOUR + int(rng.random() * 2 * HOUR)
            created = record_delay(sim, event)
            author = sim.team_at(event).tm_id if author_kind == "tm" else sim.sw_at(event)
            subject, body = sim.text(spec, 0, (1, 3), sim.ctx)
            sim.add_note(created, event, code, desc, author, None,
                         "Y" if rng.random() < seen_p else "N", subject, body)


def _routine_iro_notes(sim: ChildSim) -> None:
    """The IRO's monitoring between reviews; none in a scenario's quiet window."""
    rng = sim.rng
    years = (sim.hi - sim.lo) / YEAR
    span = sim.hi - sim.lo
    for _ in range(poisson(rng, IRO_ROUTINE_RATE * years)):
        event = sim.work_time((sim.lo + int(rng.random() * span)) // DAY)
        iro = sim.iro_at(event)
        if iro is None or sim.in_quiet(event):
            continue
        subject, body = sim.text(tx.IRO_ROUTINE, 0, (1, 3), sim.ctx)
        sim.add_note(event + rng.randint(5, 240) * MINUTE, event, IRO_CODE, IRO_DESC, iro, None,
                     "Y" if rng.random() < 0.05 else "N", subject, body)


def record_delay(sim: ChildSim, event: int) -> int:
    """When a note is typed up: mostly the same day, sometimes days or weeks later."""
    rand = sim.rng.random
    r = rand()
    if r < 0.55:
        return event + 600 + int(rand() * 14_400)
    if r < 0.85:
        return sim.work_time(event // DAY + 1 + int(rand() * 4)) + int(rand() * 60)
    return sim.work_time(event // DAY + 5 + int(rand() * 21)) + int(rand() * 60)


def episode_notes(sim: ChildSim, ep: Episode, episodes: list[Episode]) -> None:
    """What the social worker, the RHI service and the strategy meeting record."""
    w, rng = sim.w, sim.rng
    ctx = dict(sim.ctx, place=rng.choice(tx.PLACES), date=fmt_day(ep.start), time=fmt_time(ep.start))
    start, end = ep.start, ep.end
    if rng.random() < 0.55:
        created = max(ep.reported + 5 * MINUTE, sim.later_work_time(start, 1, 30)) + rng.randrange(60)
        author = sim.sw_at(created)
        subject, body = sim.text(tx.SW_MISSING, 1, (1, 3), ctx)
        sim.add_note(created, start, "MISS", "Missing from Care", author,
                     ep.id if rng.random() < 0.7 else None, "N", subject, body)
    if ep.rhi_accepted:
        event = sim.work_time(end // DAY + rng.randint(1, 3))
        subject, body = sim.text(tx.RHI_NOTE, 1, (1, 3), ctx)
        sim.add_note(event + rng.randint(30, 600) * MINUTE, event, "RHI", "Return Home Interview",
                     rng.choice(w.rhi_ids), ep.id if rng.random() < 0.8 else None, "Y", subject, body)
    recent = sum(1 for e in episodes if start - 30 * DAY <= e.start <= start)
    if recent >= 3 and rng.random() < 0.3:
        event = sim.work_time(start // DAY + rng.randint(2, 7))
        subject, body = sim.text(tx.STRATEGY_NOTE, 1, (1, 3), dict(ctx, n=recent))
        author = sim.sw_at(event)
        sim.add_note(record_delay(sim, event), event, "STRT", "Strategy/Missing Intervention Meeting",
                     author, None, "N", subject, body)
    if ep.notifications and rng.random() < 0.08:
        # the social worker records a talk with the IRO: keywords, but not the IRO's note
        event = sim.later_work_time(ep.notifications[0].sent, 2, 72)
        author = sim.sw_at(event)
        subject, body = sim.text(tx.SW_MENTIONS_IRO, 0, (1, 1), ctx)
        sim.add_note(record_delay(sim, event), event, "TELC", TELC_DESC, author, None, "N", subject, body)


def note_versions(sim: ChildSim) -> list[Versions]:
    """Case notes in the order entered, with ids, corrections and deletions."""
    w, c, rng = sim.w, sim.c, sim.rng
    sim.notes.sort(key=lambda n: (n.created, n.code))
    out = []
    for note in sim.notes:
        created, body = note.created, note.body
        if created < w.H0 or created > w.END or created < c.care_start:
            continue
        nid = f"{4_000_000 + w.next_id('cano')}"
        base = (nid, c.pid, note.code, note.desc, note.event, created, note.author, note.linked, note.seen,
                note.subject)
        versions = [base + (body, created, "N")]
        r = rng.random()
        edits: list[Edit] = note.edits
        if not edits:
            if r < NOTE_CORRECTION_SHARE:
                edits = [(created + rng.randint(10, 20 * 24 * 60) * MINUTE, body + rng.choice(tx.AMENDMENTS), False)]
            elif r < NOTE_CORRECTION_SHARE + NOTE_DELETION_SHARE:
                edits = [(created + rng.randint(10, 10 * 24 * 60) * MINUTE, None, True)]
        for t, new_body, deleted in sorted(edits, key=lambda e: e[0]):
            t = max(t, versions[-1][11] + 2 * MINUTE)
            body = new_body if new_body is not None else body
            versions.append(base + (body, t, "Y" if deleted else "N"))
        out.append(versions)
    return out
