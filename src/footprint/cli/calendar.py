"""`footprint calendar`: write (or `--check`) the working-day calendar seed."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="seed file to write (default: the dbt seed)")
    parser.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 when the seed differs from a fresh generation",
    )


def run(args: argparse.Namespace) -> int:
    from footprint.devtools.calendar import FIRST_DAY, LAST_DAY, render, seed_path, write

    path = Path(args.out) if args.out else seed_path()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != render():
            print(f"{path} is out of date: run `footprint calendar`")
            return 1
        print(f"{path} is up to date")
        return 0
    write(path)
    print(f"wrote {path} ({FIRST_DAY} to {LAST_DAY})")
    return 0
