"""`footprint build`: run dbt with the audit criteria.

    footprint build                         # dbt build: seeds, models, data and unit tests
    footprint build --select marts          # dbt build --select marts
    footprint build run --select staging    # any dbt command and its arguments
    footprint build --set footprint_due_working_days=2    # try a criterion without editing the file
"""

from __future__ import annotations

import argparse
from typing import Any

# dbt options most used with `footprint build`, accepted before any positional
# (argparse cannot pass unknown leading options through).
PASSTHROUGH: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--select", "-s"), {"nargs": "+"}),
    (("--exclude",), {"nargs": "+"}),
    (("--selector",), {}),
    (("--resource-type",), {"nargs": "+"}),
    (("--full-refresh",), {"action": "store_true"}),
    (("--fail-fast", "-x"), {"action": "store_true"}),
    (("--empty",), {"action": "store_true"}),
)


def _dest(flags: tuple[str, ...]) -> str:
    return "dbt_" + flags[0].lstrip("-").replace("-", "_")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run dbt (default: build) on the warehouse of FOOTPRINT_TARGET with the audit "
        "criteria of FOOTPRINT_CRITERIA_PATH (default config/criteria.yml) as --vars."
    )
    parser.add_argument(
        "--set", dest="criteria_overrides", action="append", default=[], metavar="CRITERION=VALUE",
        help="override one criterion for this run (YAML value), e.g. footprint_due_working_days=2",
    )
    for flags, options in PASSTHROUGH:
        parser.add_argument(*flags, dest=_dest(flags), help="passed to dbt", **options)
    parser.add_argument(
        "dbt_args", nargs=argparse.REMAINDER,
        help="a dbt command and its arguments (default: build)",
    )


def dbt_arguments(args: argparse.Namespace) -> list[str]:
    """The dbt command line the parsed arguments stand for."""
    from footprint.transform.dbt_runner import DBT_COMMANDS

    dbt_args = [a for a in (args.dbt_args or []) if a != "--"]
    if not dbt_args or dbt_args[0] not in DBT_COMMANDS:
        dbt_args = ["build", *dbt_args]
    for flags, options in PASSTHROUGH:
        value = getattr(args, _dest(flags), None)
        if value in (None, False, []):
            continue
        dbt_args.append(flags[0])
        if options.get("action") != "store_true":
            dbt_args.extend(value if isinstance(value, list) else [value])
    return dbt_args


def run(args: argparse.Namespace) -> int:
    from footprint.transform import dbt_runner
    from footprint.transform.criteria import parse_overrides

    dbt_runner.run_dbt(dbt_arguments(args), extra_vars=parse_overrides(args.criteria_overrides))
    return 0
