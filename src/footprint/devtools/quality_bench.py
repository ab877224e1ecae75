"""How long the quality gate takes on a preset's nightly batch.

    python -m footprint.devtools.quality_bench [--preset region] [--nights 4] [--target duckdb]

Generates the preset (an initial load and `nights` nightly loads) into a
temporary folder, loads each night into a fresh warehouse, validates it, and
prints the load and gate times per night. The nightly figures are what the
gate adds to a night; GX's import and context creation happen once per
process and are printed apart. Nothing here is used by the pipeline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m footprint.devtools.quality_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="region")
    parser.add_argument("--nights", type=int, default=4)
    parser.add_argument("--history-years", type=int, default=1)
    parser.add_argument("--target", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="footprint-quality-bench-"))
    os.environ.update({
        "FOOTPRINT_TARGET": args.target,
        "FOOTPRINT_DUCKDB_PATH": str(root / "warehouse.duckdb"),
        "FOOTPRINT_REPORTS_DIR": str(root / "reports"),
    })
    os.environ.setdefault("FOOTPRINT_PSEUDONYM_KEY", "quality-bench-" + "0" * 32)
    server = None
    if args.target == "postgres":
        from footprint.devtools.devserver import start_throwaway

        server = start_throwaway()
        os.environ.update(server.env("footprint"))
    try:
        _bench(args, root)
    finally:
        if server is not None:
            server.stop()
    return 0


def _bench(args: argparse.Namespace, root: Path) -> None:
    """Generate, then load and validate each night, printing the times."""
    from footprint.devtools.generate import generate
    from footprint.gate import suites
    from footprint.gate.validate import validate_night
    from footprint.ingest.raw_load import load_night
    from footprint.settings import Settings

    started = time.perf_counter()
    folders = generate(root / "landing", args.preset, dt.date(2022, 3, 1), args.nights,
                       args.history_years, args.seed, progress=False)
    print(f"generated {args.preset}: {len(folders)} nights in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    suites.gx_context()
    print(f"GX import and context: {time.perf_counter() - started:.1f} s (once per process)")
    settings = Settings.from_env()
    nightly = []
    for folder in folders:
        loaded = load_night(folder, settings)
        started = time.perf_counter()
        result = validate_night(loaded.extract_date, settings)
        seconds = time.perf_counter() - started
        if loaded.load_type == "nightly":
            nightly.append(seconds)
        print(f"{loaded.extract_date} {loaded.load_type:<8} {loaded.total_rows:>10,} rows  "
              f"load {loaded.seconds:5.1f} s  gate {seconds:5.1f} s  {result.status}")
    if nightly:
        print(f"gate on a nightly batch ({args.target}): median {sorted(nightly)[len(nightly) // 2]:.1f} s, "
              f"max {max(nightly):.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
