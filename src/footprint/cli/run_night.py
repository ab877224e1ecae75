"""`footprint run-night DATE`: load, gate, build and publish one night, as the DAG does
(for authorities that schedule with cron instead of Airflow)."""

from __future__ import annotations

import argparse

from footprint.cli._common import iso_date, log_to_stderr


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("extract_date", type=iso_date, help="night to process, YYYY-MM-DD")


def run(args: argparse.Namespace) -> int:
    from footprint.nightly import run_night

    log_to_stderr()
    run_night(args.extract_date)
    print(f"night {args.extract_date}: loaded, validated, built and published")
    return 0
