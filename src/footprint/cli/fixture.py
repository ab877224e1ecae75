"""`footprint fixture hand-audit --out DIR`: write a hand-made fixture landing folder."""

from __future__ import annotations

import argparse
from pathlib import Path

FIXTURES = ("hand-audit",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=FIXTURES, help="which fixture to write")
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write the nights into")
    parser.add_argument("--initial-only", action="store_true",
                        help="write only the initial night (the next night's deletion and correction are left out)")


def run(args: argparse.Namespace) -> int:
    from footprint.devtools.fixtures.hand_audit import write_hand_audit

    folders = write_hand_audit(args.out, nightly=not args.initial_only)
    for folder in folders:
        print(folder)
    return 0
