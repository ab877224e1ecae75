"""One child's record, built part by part from the child's own random stream.

`simulate_child` is the order of the parts, and the order of the draws: the
same seed gives byte-identical extracts only while it stays the same.

- allocations.py  its IROs and social workers over time (ssd_involvements)
- episodes.py     missing and away episodes, and their notifications
- reviews.py      CLA reviews
- notes.py        routine notes, the notes others write about an episode,
                  and every note's versions (case_notes)
- responses.py    the IRO's answer to each notification (case_notes)
- services.py     Get Safe and the other services (service_involvements)
- state.py        the child's state and the helpers every part uses
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from footprint.devtools.generate.calibration import (
    IRO_REALLOCATION_PER_YEAR,
    LONG_SCENARIO,
    SW_REALLOCATION_PER_YEAR,
)
from footprint.devtools.generate.child.allocations import allocations
from footprint.devtools.generate.child.episodes import episodes as missing_episodes
from footprint.devtools.generate.child.notes import episode_notes, note_versions, routine_notes
from footprint.devtools.generate.child.responses import responses
from footprint.devtools.generate.child.reviews import reviews
from footprint.devtools.generate.child.services import services
from footprint.devtools.generate.child.state import ChildSim
from footprint.devtools.generate.clock import DAY
from footprint.devtools.generate.records import Child, ChildRecords

if TYPE_CHECKING:
    from footprint.devtools.generate.model import World


def simulate_child(world: World, child: Child, rng: random.Random) -> ChildRecords:
    """Every row of one child, its fixed attributes already drawn (`World.base`)."""
    sim = ChildSim(world, child, rng)
    sim.iro_segs, iro_invs = allocations(sim, "IRO", IRO_REALLOCATION_PER_YEAR, first_gap=True)
    sim.sw_segs, sw_invs = allocations(sim, "SW", SW_REALLOCATION_PER_YEAR, first_gap=False)
    sim.ctx["sw"] = world.sw_name[sim.sw_segs[0][2][0]] if sim.sw_segs else "the social worker"
    for name, day in child.scenarios:
        # no unplanned IRO note near a scenario: it would change the scenario's category
        sim.quiet.append((day - 10 * DAY, world.END if name == LONG_SCENARIO else day + 30 * DAY))
    eps = missing_episodes(sim)
    review_rows = reviews(sim, eps)
    routine_notes(sim)
    for ep in eps:
        episode_notes(sim, ep, eps)
    responses(sim, eps)
    service_rows = services(sim, eps)
    return ChildRecords(
        person=(child.pid, child.sex, child.dob, child.ethnicity, child.forename, child.surname, child.upn),
        person_created=child.created,
        involvements=iro_invs + sw_invs,
        services=service_rows,
        episodes=[v for ep in eps for v in ep.rows],
        notifications=[v for ep in eps for v in ep.notification_rows],
        notes=note_versions(sim),
        reviews=review_rows,
    )
