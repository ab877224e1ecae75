"""`footprint compliance --month M`: the per-IRO compliance table of a month, from the published marts."""

from __future__ import annotations

import argparse
import csv
import sys

from footprint.cli._common import iso_month
from footprint.errors import FootprintError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--month", type=iso_month, help="YYYY-MM")
    group.add_argument("--latest", action="store_true", help="the latest month with notifications (default)")
    parser.add_argument("--format", choices=["text", "csv"], default="text")


def run(args: argparse.Namespace) -> int:
    from footprint.readers.compliance import COLUMNS, monthly_rows, render_text
    from footprint.warehouse import connect_marts

    with connect_marts() as conn:
        month, rows = monthly_rows(conn, args.month)
    if month is None or not rows:
        raise FootprintError("no notifications in the published marts for that month")
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([name for name, _ in COLUMNS])
        writer.writerows([[row[name] for name, _ in COLUMNS] for row in rows])
    else:
        print(render_text(month, rows))
    return 0
