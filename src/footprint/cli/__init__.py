"""The `footprint` command: one entry point for the data team and the DAG."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="footprint", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    from footprint.cli import commands

    commands.register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except commands.UserError as exc:
        print(f"footprint {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
