"""`footprint show`: what the warehouse holds (nights, raw row counts, published marts)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def run(args: argparse.Namespace) -> int:
    from footprint.readers.show import render, summarise

    print(render(summarise()))
    return 0
