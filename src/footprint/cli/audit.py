"""`footprint audit --from --to`: the hand audit's table for any period, from the published marts."""

from __future__ import annotations

import argparse

from footprint.cli._common import iso_date

FORMATS = ("json", "markdown", "text")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", type=iso_date, required=True,
                        help="first day of the period (YYYY-MM-DD), included")
    parser.add_argument("--to", dest="date_to", type=iso_date, required=True,
                        help="last day of the period (YYYY-MM-DD), included")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), markdown, or json (stable: sorted keys, fixed fields)")


def run(args: argparse.Namespace) -> int:
    from footprint.readers.audit import RENDERERS, snapshot

    result = snapshot(args.date_from, args.date_to)
    print(RENDERERS[args.format](result), end="")
    return 0
