"""`footprint criteria compare OTHER.yml`: what other criteria would move, before they go live.

    footprint criteria compare other.yml                       # the last three complete months
    footprint criteria compare other.yml --from 2022-01-01 --to 2022-02-28 --format json

Builds the models under OTHER.yml apart (DuckDB: a file of its own; PostgreSQL: schemas
prefixed compare_), then shows each category's count, each IRO's timely rate and every
notification that changes category, under the live criteria (the published marts) and the
other ones. The published marts and the nightly run are untouched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from footprint.cli._common import iso_date, log_to_stderr


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="criteria_action", required=True)
    compare = sub.add_parser("compare", help="build under other criteria and show what moves")
    compare.add_argument("other", type=Path, help="the other criteria file (a copy of config/criteria.yml, changed)")
    compare.add_argument("--from", dest="date_from", type=iso_date, default=None)
    compare.add_argument("--to", dest="date_to", type=iso_date, default=None)
    compare.add_argument("--format", choices=["text", "json", "csv"], default="text")
    compare.add_argument("--keep", action="store_true",
                         help="keep the comparison's build (compare.duckdb / the compare_ schemas) to query it")


def run(args: argparse.Namespace) -> int:
    from footprint.readers.report.periods import choose_periods
    from footprint.settings import Settings
    from footprint.transform import compare, comparison
    from footprint.warehouse import connect_marts

    log_to_stderr()
    settings = Settings.from_env()
    with connect_marts(settings) as conn:
        live = compare.read_rows(conn, "marts.fct_missing_notifications")
    if not live:
        from footprint.errors import FootprintError

        raise FootprintError("the published marts hold no notification yet: nothing to compare")
    as_of = max(r["as_of"] for r in live.values())
    as_of = as_of.date() if hasattr(as_of, "date") else as_of
    period, _ = choose_periods(as_of, args.date_from, args.date_to)
    with compare.built_under(settings, args.other, keep=args.keep) as conn:
        other = compare.read_rows(conn, compare.notifications_relation(settings))
    result = comparison.compare(live, other, period.start, period.end)
    print(comparison.RENDERERS[args.format](result), end="")
    return 0
