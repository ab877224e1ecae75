"""`footprint report --out DIR`: the audit report, a static self-contained folder, from the published marts.

    footprint report --out DIR [--from DATE --to DATE] [--compare-from DATE --compare-to DATE] [--suppress]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from footprint.cli._common import iso_date


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write DIR/index.html (the service report), DIR/iro/*.html (a learning pack per IRO) and "
        "DIR/footprint.xlsx from the published marts. Opens offline; prints on A4."
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the report into")
    parser.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE",
                        help="first day of the period, YYYY-MM-DD (default: the last three complete months)")
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="last day of the period, included")
    parser.add_argument("--compare-from", type=iso_date, metavar="DATE",
                        help="first day of the comparison period (default: the same length just before)")
    parser.add_argument("--compare-to", type=iso_date, metavar="DATE", help="last day of the comparison period, included")
    parser.add_argument("--suppress", action="store_true",
                        help="for audiences beyond the IRO service: no IRO names, no individual notifications, "
                             "counts from 1 to 5 as c with secondary suppression (the DfE convention)")


def run(args: argparse.Namespace) -> int:
    from footprint.readers.report import Options, build_report

    options = Options(date_from=args.date_from, date_to=args.date_to, compare_from=args.compare_from,
                      compare_to=args.compare_to, suppress=args.suppress)
    result = build_report(args.out, options=options)
    edition = "suppressed edition" if result.suppress else "IRO service edition"
    print(f"report for {result.period.label} (compared with {result.compare.label}), {edition}, "
          f"in {result.seconds['total']:.1f} s")
    print(f"  {result.index}")
    if result.packs:
        print(f"  {result.out_dir / 'iro'}/  ({len(result.packs)} learning packs)")
    print(f"  {result.workbook}")
    return 0
