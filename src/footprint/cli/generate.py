"""`footprint generate`: realistic nightly extracts, written into a landing folder.

    footprint generate --out DIR --preset la --start 2022-03-01 --nights 2 --history-years 2 --seed 1
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from footprint.cli._common import iso_date

# Spelled here as well as in the generator's presets so `footprint --help` imports nothing heavy.
PRESET_NAMES = ("small", "la", "large_la", "region", "england")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from footprint.devtools.generate import DEFAULT_START

    parser.add_argument("--out", type=Path, required=True, help="landing folder to write the nights into")
    parser.add_argument("--preset", choices=PRESET_NAMES, default="la",
                        help="size: children looked after in a year (small ~100, la ~750, large_la ~2,500, "
                             "region ~10,000, england ~115,000); default la")
    parser.add_argument("--start", type=iso_date, default=DEFAULT_START,
                        help=f"extract date of the initial load, YYYY-MM-DD (default {DEFAULT_START})")
    parser.add_argument("--nights", type=int, default=2, help="nightly loads after the initial one (default 2)")
    parser.add_argument("--history-years", type=int, default=2,
                        help="years of history in the initial load (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same bytes (default 1)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar on stderr (default: only for region and england)")


def run(args: argparse.Namespace) -> int:
    from footprint.devtools.generate import generate
    from footprint.ingest.landing import read_manifest

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
