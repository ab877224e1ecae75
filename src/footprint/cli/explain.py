"""`footprint explain NOTIFICATION_ID`: why a notification got its footprint category."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notification_id", help="the notification id (with --episode: the episode id)")
    parser.add_argument("--episode", action="store_true", help="explain an episode that was never notified")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    from footprint.readers.explain import explain, jsonable, notification_key, render

    report = explain(notification_key(args.notification_id, episode=args.episode))
    if args.json:
        print(json.dumps(report, default=jsonable, indent=2, sort_keys=True))
    else:
        print(render(report))
    return 0
