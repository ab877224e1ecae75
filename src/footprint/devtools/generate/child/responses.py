"""The IRO's answer to each missing notification (case_notes): the audit's subject.

A natural notification gets a timely footprint with the IRO's diligence
(which improves a little every year), else one of the audit's other
outcomes, weighted (calibration.RESPONSES). A showcase scenario's first
notification gets the scenario's answer. Each kind of answer is one function
below: where the note is placed is what makes it that finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from footprint.devtools.generate import text as tx
from footprint.devtools.generate.calibration import (
    IRO_CODE,
    IRO_DESC,
    IROV_CODE,
    IROV_DESC,
    LONG_SCENARIO,
    PRACTICE_TREND_PER_YEAR,
    RESPONSES,
    TELC_DESC,
)
from footprint.devtools.generate.child.reviews import next_review_after
from footprint.devtools.generate.child.state import (
    ChildSim,
    Episode,
    Note,
    Notification,
    TextSpec,
    fmt_day,
    fmt_time,
)
from footprint.devtools.generate.clock import DAY, HOUR, MINUTE, YEAR
from footprint.devtools.generate.draws import weighted, weights

_RESPONSES = weights(RESPONSES)


def responses(sim: ChildSim, episodes: list[Episode]) -> None:
    """Answer every notification that has an IRO allocated to receive it."""
    previous = None
    for ep in episodes:
        for i, notif in enumerate(ep.notifications):
            iro = sim.iro_at(notif.sent)
            if iro is None:
                continue
            scenario = ep.scenario
            if scenario is None:
                kind = natural_response(sim, iro, notif, ep, previous)
            elif scenario == LONG_SCENARIO:
                kind = "long"
            elif i == 0:
                kind = scenario
            else:
                continue
            respond(sim, kind, iro, notif, ep, previous)
        if ep.start <= sim.w.END:
            previous = ep


def natural_response(sim: ChildSim, iro: str, notif: Notification, ep: Episode, previous: Episode | None) -> str:
    w, rng = sim.w, sim.rng
    if sim.in_quiet(notif.sent):
        return "nothing"
    diligence = w.iro_diligence[w.iro_index[iro]]
    diligence += PRACTICE_TREND_PER_YEAR * (notif.sent - w.H0) / YEAR
    if rng.random() < diligence:
        return "timely_linked" if rng.random() < 0.35 else "timely_keyword"
    kind = weighted(rng, _RESPONSES)
    if kind == "linked_other" and previous is None:
        kind = "nothing"
    if kind == "early_contact" and notif.sent - ep.start < DAY:
        kind = "contact"
    return kind


@dataclass
class Reply:
    """One answer being written: the notification, its episode, and the note's text fields."""

    sim: ChildSim
    kind: str
    iro: str
    notif: Notification
    ep: Episode
    previous: Episode | None  # the child's episode before this one, for a note linked to it
    ctx: dict[str, object]
    due: int

    @property
    def sent(self) -> int:
        return self.notif.sent

    def timely(self) -> int:
        """A working moment after the notification, before it is due where the day allows."""
        cal, rng = self.sim.cal, self.sim.rng
        t = cal.next_work_moment(self.sent + rng.randint(10, 300) * MINUTE)
        return min(t, self.due - HOUR) if t < self.due else cal.next_work_moment(self.sent)

    def note(self, created: int, spec: TextSpec, fixed: int, *, code: str = IRO_CODE, desc: str = IRO_DESC,
             author: str | None = None, linked: str | None = None, seen: str = "N", event: int | None = None,
             extra: tuple[int, int] = (1, 2)) -> Note:
        """A note by the IRO (or `author`), entered within a minute of `created`."""
        sim = self.sim
        subject, body = sim.text(spec, fixed, extra, self.ctx)
        return sim.add_note(created + sim.rng.randrange(60), created if event is None else event, code, desc,
                            self.iro if author is None else author, linked, seen, subject, body)

    def changes_between_first_nights(self, note: Note) -> bool:
        """A scenario's note written before the initial load, to change between the first two nights."""
        produced = self.sim.w.produced
        return self.ep.scenario == self.kind and len(produced) > 1 and note.created < produced[0]


def respond(sim: ChildSim, kind: str, iro: str, notif: Notification, ep: Episode, previous: Episode | None) -> None:
    w, rng = sim.w, sim.rng
    sent = notif.sent
    ctx = dict(
        sim.ctx, gm=w.gm_names.get(notif.gm, "the group manager"), date=fmt_day(ep.start),
        time=fmt_time(ep.start), place=rng.choice(tx.PLACES),
        review=fmt_day(next_review_after(sim, sent)),
    )
    ctx["sw"] = w.sw_name[sim.sw_at(sent)]
    _REPLIES[kind](Reply(sim, kind, iro, notif, ep, previous, ctx, sim.cal.due(sent)))


# --- one function per kind of answer --------------------------------------------------


def _keyword_footprint(r: Reply) -> None:
    """Timely, unlinked, about the episode in words."""
    r.note(r.timely(), tx.FOOTPRINT, 1)


def _linked_footprint(r: Reply) -> None:
    """Timely, linked to the episode: the link alone makes it about the episode."""
    r.note(r.timely(), tx.FOOTPRINT_LINKED, 1, linked=r.ep.id)


def _deleted_footprint(r: Reply) -> None:
    """A timely footprint deleted in the source days later: it no longer counts."""
    rng = r.sim.rng
    n = r.note(r.timely(), tx.FOOTPRINT, 1)
    removed = n.created + rng.randint(1, 5) * DAY
    if r.changes_between_first_nights(n):
        removed = r.sim.w.produced[0] + rng.randint(8, 14) * HOUR
    n.edits.append((removed, None, True))


def _rewritten(r: Reply) -> None:
    """A timely note with no keyword, rewritten days later to mention the episode: late, not timely."""
    rng = r.sim.rng
    n = r.note(r.timely(), tx.PLACEHOLDER, 0, extra=(1, 1))
    new_text = n.body + rng.choice(tx.REWRITE).format_map(r.ctx)
    rewrite = n.created + rng.randint(5, 20) * DAY
    if r.changes_between_first_nights(n):
        rewrite = r.sim.w.produced[0] + rng.randint(8, 14) * HOUR
    n.edits.append((rewrite, new_text, False))


def _cover(r: Reply) -> None:
    """A timely footprint by another IRO (the same team where possible): not the allocated IRO's."""
    w = r.sim.w
    team = w.iro_teams[w.iro_index[r.iro]]
    others = [p for p, t in zip(w.iro_ids, w.iro_teams, strict=True) if p != r.iro and t == team]
    others = others or [p for p in w.iro_ids if p != r.iro]
    r.note(r.timely(), tx.FOOTPRINT, 1, author=r.sim.rng.choice(others))


def _review_call(r: Reply) -> None:
    """Finding 1: a call with the SW about the coming review, two days later; not about the episode."""
    code, desc = ("TELC", TELC_DESC) if r.sim.rng.random() < 0.4 else (IRO_CODE, IRO_DESC)
    r.note(r.sim.later_work_time(r.sent, 40, 56), tx.REVIEW_CALL, 1, code=code, desc=desc)


def _contact(r: Reply) -> None:
    """Contact within days, but about something else: activity, not a footprint."""
    spec = tx.IRO_ROUTINE if r.sim.rng.random() < 0.6 else tx.OTHER_RISKS
    r.note(r.sim.later_work_time(r.sent, 4, 96), spec, 1)


def _late(r: Reply) -> None:
    """Finding 2: discussed soon after (the event date), written up after the due time."""
    sim = r.sim
    created = sim.later_work_time(r.due, 2, 24 * sim.rng.randint(2, 12))
    r.note(created, tx.LATE_WRITEUP, 2, event=sim.later_work_time(r.sent, 1, 20))


def _before_notification(r: Reply) -> None:
    """Finding 5: the IRO talks to the SW about other risks after the episode began, before the email."""
    sim, ep = r.sim, r.ep
    t = ep.start + int((r.sent - ep.start) * sim.rng.uniform(0.5, 0.8))
    t = min(sim.cal.next_work_moment(t), r.sent - HOUR)
    r.note(t, tx.OTHER_RISKS, 1)


def _with_child(r: Reply) -> None:
    """Finding 7: the IRO visits the child 10 to 16 days later; the child seen, the episodes discussed."""
    sim, rng = r.sim, r.sim.rng
    visit = sim.work_time((r.sent + rng.randint(10, 16) * DAY) // DAY)
    r.note(visit + rng.randint(1, 20) * HOUR, tx.VISIT_CHILD, 2, code=IROV_CODE, desc=IROV_DESC,
           seen="Y", event=visit)


def _other_episode(r: Reply) -> None:
    """A timely note linked to the previous episode: about that one only, whatever its words."""
    if r.previous is None:
        return
    r.ctx["other"] = fmt_day(r.previous.start)
    r.note(r.timely(), tx.OTHER_EPISODE, 1, linked=r.previous.id)


def _rhian(r: Reply) -> None:
    """A note about the SW called Rhian: a name, not a return home interview."""
    r.note(r.sim.later_work_time(r.sent, 3, 30), tx.RHIAN_NOTE, 1)


def _absent_school(r: Reply) -> None:
    """A note that says only "absent from school": an exclusion, not about the episode."""
    r.note(r.sim.later_work_time(r.sent, 3, 30), tx.ABSENT_SCHOOL, 1)


def _long_missing(r: Reply) -> None:
    """Finding 3: a child missing for months, each re-notification answered in time."""
    r.ctx["since"] = fmt_day(r.ep.start)
    r.note(r.timely(), tx.LONG_MISSING, 2)


def _no_note(r: Reply) -> None:
    """Nothing now: finding 6, an unnotified or awaiting episode, or finding 4 (see `reviews`)."""


_REPLIES: dict[str, Callable[[Reply], None]] = {
    "timely_keyword": _keyword_footprint,
    "timely_linked": _linked_footprint,
    "deleted_footprint": _deleted_footprint, "deleted": _deleted_footprint,
    "rewritten": _rewritten,
    "cover_iro": _cover, "cover": _cover,
    "f1_review_call": _review_call, "review_call": _review_call,
    "contact": _contact,
    "f2_late": _late, "late": _late,
    "f5_before_notification": _before_notification, "early_contact": _before_notification,
    "f7_with_child": _with_child, "with_child": _with_child,
    "linked_other": _other_episode,
    "rhian": _rhian,
    "absent_school": _absent_school,
    "long": _long_missing,
    "f4_review": _no_note, "f6_nothing": _no_note, "nothing": _no_note, "not_notified": _no_note,
    "awaiting": _no_note,
}
