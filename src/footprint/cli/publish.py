"""`footprint publish`: publish the built marts to readers, all at once."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def run(args: argparse.Namespace) -> int:
    from footprint.publish.marts import publish

    result = publish()
    print(f"published {len(result['tables'])} marts to {result['published_to']}")
    return 0
