"""`footprint load NIGHT`: verify a night against its manifest and load it into raw."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from footprint.cli._common import log_to_stderr
from footprint.errors import FootprintError
from footprint.settings import Settings

_DATE_ARG = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_night(arg: str, settings: Settings) -> Path:
    """A night folder given as a path, or as YYYY-MM-DD inside FOOTPRINT_LANDING_DIR."""
    from footprint.ingest.landing import night_dir

    path = Path(arg)
    if path.is_dir() or not _DATE_ARG.match(arg):
        return path
    try:
        dt.date.fromisoformat(arg)
    except ValueError:
        raise FootprintError(f"{arg}: not a date (YYYY-MM-DD) nor a night folder") from None
    return night_dir(settings.landing_dir, arg)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("night", help="night folder, or its date YYYY-MM-DD in FOOTPRINT_LANDING_DIR")


def run(args: argparse.Namespace) -> int:
    from footprint.ingest.raw_load import load_night

    log_to_stderr()
    settings = Settings.from_env()
    result = load_night(resolve_night(args.night, settings), settings)
    print(f"night {result.extract_date} ({result.load_type}) loaded into {settings.target}: "
          f"{result.total_rows:,} rows in {result.seconds:.1f} s")
    for name, count in result.rows.items():
        print(f"  {name:<28} {count:>12,}")
    return 0
