"""`footprint status`: the pipeline's health in one line; exit 0 healthy, 1 stale or a night pending."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from footprint.readers.status import health_line, read_status

    status = read_status()
    if args.format == "json":
        print(json.dumps(status.to_json(), indent=2, sort_keys=True))
    else:
        print(health_line(status))
        for night in status.rejected_pending:
            print(f"  rejected, waiting for a corrected extract and a rerun: {night} "
                  f"(footprint run-night {night}, or the DAG's run for that date)")
        for night in status.not_loaded:
            print(f"  never loaded (the delivery was refused): {night}")
        if status.made_good:
            print(f"  rejected but made good by a later accepted night: {', '.join(map(str, status.made_good))}")
        print(f"  nights read from the {status.nights_from}")
    return 0 if status.healthy else 1
