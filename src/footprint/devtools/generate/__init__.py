"""`footprint generate`: realistic nightly extracts, written into a landing folder.

    footprint generate --out DIR --preset la --start 2022-03-01 --nights 2 --history-years 2 --seed 1

writes `DIR/2022-03-01/` (the `initial` load: two years of history) and
`DIR/2022-03-02/`, `DIR/2022-03-03/` (`nightly`: full snapshots, and the
14-day window of the event files), each with `_manifest.json` written last.
The same arguments give byte-identical files.

From Python: `generate(out_dir, "la", date(2022, 3, 1))` returns the night
folders. The authority and who its children are is in `model.py` (its
figures in `calibration.py`), each child's record in the `child` package, the
text in `text.py`, the routing of rows into nights and the file spelling in
`writer.py`.

Only the standard library is imported here: `footprint --help` imports every
command module.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from footprint.devtools.generate.records import ChildRecords
    from footprint.devtools.generate.writer import Router

PRESET_NAMES = ("small", "la", "large_la", "region", "england")
DEFAULT_START = dt.date(2022, 3, 1)


def generate(
    out_dir: Path,
    preset: str = "la",
    start: dt.date = DEFAULT_START,
    nights: int = 2,
    history_years: int = 2,
    seed: int = 1,
    progress: bool | None = None,
) -> list[Path]:
    """Write the initial load at `start` and `nights` nightly loads after it; return the folders.

    `progress` shows a progress bar on stderr; by default only for the large presets.
    """
    from footprint.devtools.generate.model import World
    from footprint.devtools.generate.presets import PRESETS
    from footprint.devtools.generate.writer import NightWriter, Router, plan_nights

    _check_arguments(preset, nights, history_years)
    world = World(PRESETS[preset], start, nights, history_years, seed)
    plans = plan_nights(Path(out_dir), world.extract_dates, world.produced, seed)
    writers = [NightWriter(plan, world.calendar.gaps) for plan in plans]
    router = Router(writers)
    show = PRESETS[preset].progress if progress is None else progress
    try:
        for row in world.professionals:
            router.professional(row)
        for k in _children(world.n_children, preset, show):
            _route(router, world.simulate(k))
    except BaseException:
        # every night stays incomplete (no manifest) rather than half written
        for writer in writers:
            writer.abort()
        raise
    for writer in writers:
        writer.finish()
    return [plan.folder for plan in plans]


def _check_arguments(preset: str, nights: int, history_years: int) -> None:
    from footprint.devtools.generate.presets import PRESETS
    from footprint.errors import FootprintError

    if preset not in PRESETS:
        raise FootprintError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
    if nights < 0:
        raise FootprintError("--nights must be 0 or more")
    if history_years < 1:
        raise FootprintError("--history-years must be 1 or more")


def _children(n: int, preset: str, show: bool) -> Iterable[int]:
    """The child indexes, behind a progress bar on stderr when `show`."""
    if not show:
        return range(n)
    from tqdm import tqdm

    return tqdm(range(n), desc=f"generate {preset}", unit="child", file=sys.stderr, mininterval=0.5)


def _route(router: Router, rec: ChildRecords) -> None:
    """One child's rows to the nights that carry them."""
    router.person(rec.person, rec.person_created)
    for row in rec.involvements:
        router.involvement(row)
    for row in rec.services:
        router.service(row)
    for versions in rec.episodes:
        router.event("ssd_missing.csv", versions)
    for versions in rec.notifications:
        router.event("missing_notifications.csv", versions)
    for versions in rec.notes:
        router.event("case_notes.csv", versions)
    for versions in rec.reviews:
        router.event("ssd_cla_reviews.csv", versions)
