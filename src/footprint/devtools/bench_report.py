"""How long the report takes, and how large it is, on a preset.

    python -m footprint.devtools.bench_report [--preset region] [--history-years 2] [--runs 3] [--dir DIR]

With --dir, the data is prepared there and, on a later call with the same --dir, reused.

Generates the preset (an initial load with `history-years` of history and one
nightly load) into a folder, runs both nights through the pipeline as
`footprint run-night` does (DuckDB), then builds the report `runs` times and
prints each run's time by step, the size of index.html, of the learning packs
and of the workbook. Nothing here is used by the pipeline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path


def _prepare(root: Path, preset: str, history_years: int, seed: int) -> None:
    from footprint import nightly
    from footprint.devtools.generate import generate
    from footprint.settings import Settings

    started = time.perf_counter()
    folders = generate(root / "landing", preset, dt.date(2022, 3, 1), 1, history_years, seed, progress=False)
    print(f"generated {preset} ({history_years} years): {len(folders)} nights in {time.perf_counter() - started:.0f} s")
    settings = Settings.from_env()
    for folder in folders:
        started = time.perf_counter()
        nightly.run_night(dt.date.fromisoformat(folder.name), settings)
        print(f"night {folder.name}: loaded, gated, built, published in {time.perf_counter() - started:.0f} s")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m footprint.devtools.bench_report",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="region")
    parser.add_argument("--history-years", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="where to prepare the data (reused when it is already there)")
    args = parser.parse_args(argv)

    root = args.dir or Path(tempfile.mkdtemp(prefix="footprint-report-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    os.environ.update({
        "FOOTPRINT_TARGET": "duckdb",
        "FOOTPRINT_LANDING_DIR": str(root / "landing"),
        "FOOTPRINT_DUCKDB_PATH": str(root / "warehouse.duckdb"),
        "FOOTPRINT_MARTS_PATH": str(root / "marts.duckdb"),
        "FOOTPRINT_REPORTS_DIR": str(root / "reports"),
        "FOOTPRINT_PSEUDONYM_KEY_FILE": str(root / "pseudonym.key"),
    })
    if not (root / "marts.duckdb").exists():
        _prepare(root, args.preset, args.history_years, args.seed)
    from footprint.readers.report import build_report

    result = None
    for run in range(1, args.runs + 1):
        result = build_report(root / "report")
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items() if k != "total")
        print(f"run {run}: {result.seconds['total']:.1f} s ({steps}); load average {os.getloadavg()[0]:.1f}")
    if result is not None:
        print(f"index.html {_size(result.index) / 1e6:.2f} MB; {len(result.packs)} learning packs "
              f"{_size(root / 'report' / 'iro') / 1e6:.1f} MB; footprint.xlsx {_size(result.workbook) / 1e6:.2f} MB")
    print(f"(prepared in {root}: --dir {root} measures again without preparing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
