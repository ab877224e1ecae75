"""`footprint generate`: realistic nightly extracts, written into a landing folder.

    footprint generate --out DIR --preset la --start 2022-03-01 --nights 2 --history-years 2 --seed 1

writes `DIR/2022-03-01/` (the `initial` load: two years of history) and
`DIR/2022-03-02/`, `DIR/2022-03-03/` (`nightly`: full snapshots, and the
14-day window of the event files), each with `_manifest.json` written last.
The same arguments give byte-identical files.

From Python: `generate(out_dir, "la", date(2022, 3, 1))` returns the night
folders. The model is in `model.py`, the text in `text.py`, the routing of
rows into nights and the file spelling in `writer.py`.

Only the standard library is imported here: `footprint --help` imports every
command module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

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
    from footprint.errors import FootprintError
    from footprint.generate.model import World
    from footprint.generate.presets import PRESETS
    from footprint.generate.writer import NightWriter, Router, plan_nights

    if preset not in PRESETS:
        raise FootprintError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
    if nights < 0:
        raise FootprintError("--nights must be 0 or more")
    if history_years < 1:
        raise FootprintError("--history-years must be 1 or more")
    world = World(PRESETS[preset], start, nights, history_years, seed)
    plans = plan_nights(Path(out_dir), world.extract_dates, world.produced, seed)
    writers = [NightWriter(plan, world.calendar.gaps) for plan in plans]
    router = Router(writers)
    show = PRESETS[preset].progress if progress is None else progress
    try:
        for row in world.professionals:
            router.professional(row)
        children = range(world.n_children)
        if show:
            from tqdm import tqdm

            children = tqdm(children, desc=f"generate {preset}", unit="child", file=sys.stderr, mininterval=0.5)
        for k in children:
            rec = world.simulate(k)
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
    except BaseException:
        for writer in writers:
            writer.abort()
        raise
    for writer in writers:
        writer.finish()
    return [plan.folder for plan in plans]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write the nights into")
    parser.add_argument("--preset", choices=PRESET_NAMES, default="la",
                        help="size: children looked after in a year (small ~100, la ~750, large_la ~2,500, "
                             "region ~10,000, england ~115,000); default la")
    parser.add_argument("--start", type=_date, default=DEFAULT_START,
                        help=f"extract date of the initial load, YYYY-MM-DD (default {DEFAULT_START})")
    parser.add_argument("--nights", type=int, default=2, help="nightly loads after the initial one (default 2)")
    parser.add_argument("--history-years", type=int, default=2,
                        help="years of history in the initial load (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same bytes (default 1)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar on stderr (default: only for region and england)")


def run(args) -> int:
    import json
    import time

    from footprint.landing import read_manifest

    began = time.perf_counter()
    folders = generate(args.out, args.preset, args.start, args.nights, args.history_years, args.seed,
                       progress=args.progress)
    for folder in folders:
        manifest = read_manifest(folder)
        rows = sum(f["rows"] for f in manifest.files.values())
        detail = json.dumps({name.removesuffix(".csv"): f["rows"] for name, f in manifest.files.items()})
        print(f"{folder}  {manifest.load_type:<7}  produced_at {manifest.produced_at.isoformat()}  "
              f"{rows:,} rows  {detail}")
    print(f"generated {len(folders)} night(s) in {time.perf_counter() - began:.1f}s", file=sys.stderr)
    others = sorted(p.name for p in Path(args.out).iterdir() if p.is_dir() and p not in folders)
    if others:
        # never deleted here: a landing folder may hold nights someone still needs
        print(f"note: {args.out} also holds folders this run did not write: {', '.join(others)}", file=sys.stderr)
    return 0
