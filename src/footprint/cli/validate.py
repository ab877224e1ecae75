"""`footprint validate DATE`: the quality gate on a loaded night (exit 1 when it is rejected)."""

from __future__ import annotations

import argparse

from footprint.cli._common import iso_date


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("date", type=iso_date, help="extract date of a loaded night, YYYY-MM-DD")


def run(args: argparse.Namespace) -> int:
    from footprint.gate.validate import validate_night

    result = validate_night(args.date)
    print(result.summary())
    return 0 if result.passed else 1
