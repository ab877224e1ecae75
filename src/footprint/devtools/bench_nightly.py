"""`make bench-nightly`: a night's cost against history, on the embedded default (DuckDB).

    python -m footprint.devtools.bench_nightly [--preset region] [--history-years 5] [--nights 5]
                                                [--memory-limit 8GB] [--threads N] [--out bench-out]

Generates the preset (cached under --out, so a second run starts at once), then runs, in a fresh
warehouse, the initial night and --nights nightly ones through the nightly steps the DAG runs
(load, gate, build, publish), timing each, and at the end a full rebuild of the same history
(`--full-refresh`). It prints every step's time, the peak resident memory of the run, and the
ratio of each nightly `dbt build` to the full rebuild (the goal: 10% or less on `region`).
The results are written to --out as bench-nightly.json as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from footprint.contract import MANIFEST_NAME
from footprint.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_START = dt.date(2022, 3, 1)
GOAL = 0.10


@dataclass
class NightTiming:
    night: str
    kind: str  # initial | nightly | full rebuild
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def landing_for(out: Path, preset: str, years: int, nights: int, seed: int) -> Path:
    """The generated nights, made once and reused from `out`."""
    landing = out / f"{preset}-seed{seed}-{years}y-{nights}n"
    if len(list(landing.glob(f"*/{MANIFEST_NAME}"))) == nights + 1:
        log.info("reusing %s", landing)
        return landing
    from footprint.devtools.generate import generate

    shutil.rmtree(landing, ignore_errors=True)
    log.info("generating %s with %d years of history and %d nights into %s (once)", preset, years, nights, landing)
    generate(landing, preset, DEFAULT_START, nights, years, seed)
    return landing


def _timed(seconds: dict[str, float], step: str, call: Callable[[], object]) -> None:
    started = time.perf_counter()
    call()
    seconds[step] = round(time.perf_counter() - started, 2)


def run_night(night: dt.date, kind: str, settings: Settings) -> NightTiming:
    from footprint import nightly

    timing = NightTiming(night.isoformat(), kind)
    _timed(timing.seconds, "load", lambda: nightly.load(night, settings))
    _timed(timing.seconds, "gate", lambda: nightly.gate(night, settings))
    _timed(timing.seconds, "build", lambda: nightly.build(night, settings))
    _timed(timing.seconds, "publish", lambda: nightly.publish(settings))
    return timing


def full_rebuild(settings: Settings) -> NightTiming:
    from footprint.transform.dbt_runner import run_dbt

    timing = NightTiming("all", "full rebuild")
    _timed(timing.seconds, "build",
           lambda: run_dbt(["build", "--exclude-resource-type", "unit_test", "--full-refresh"], settings))
    return timing


def bench(landing: Path, warehouse: Path) -> list[NightTiming]:
    shutil.rmtree(warehouse, ignore_errors=True)
    warehouse.mkdir(parents=True)
    os.environ.update(FOOTPRINT_LANDING_DIR=str(landing), FOOTPRINT_DUCKDB_PATH=str(warehouse / "warehouse.duckdb"),
                      FOOTPRINT_TARGET="duckdb")
    settings = Settings.from_env()
    nights = sorted(dt.date.fromisoformat(p.parent.name) for p in landing.glob(f"*/{MANIFEST_NAME}"))
    timings = []
    for i, night in enumerate(nights):
        timings.append(run_night(night, "initial" if i == 0 else "nightly", settings))
        log.info("%s: %s", night, timings[-1].seconds)
    timings.append(full_rebuild(settings))
    return timings


def peak_rss_gb() -> float:
    # ru_maxrss is in KiB on Linux: the peak of this process, where every step runs.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024)


def summary(timings: list[NightTiming], preset: str, years: int, settings: Settings) -> dict:
    full = next(t for t in timings if t.kind == "full rebuild").seconds["build"]
    nightly = [t for t in timings if t.kind == "nightly"]
    ratios = [round(t.seconds["build"] / full, 3) for t in nightly]
    return {
        "preset": preset, "history_years": years, "memory_limit": settings.duckdb_memory_limit,
        "threads": settings.duckdb_config["threads"], "peak_rss_gb": round(peak_rss_gb(), 2),
        "full_rebuild_build_s": full, "nightly_build_over_full": ratios,
        "worst_ratio": max(ratios, default=None), "goal": GOAL,
        "nights": [{**asdict(t), "total": round(t.total, 2)} for t in timings],
    }


def print_summary(result: dict) -> None:
    print(f"{result['preset']}, {result['history_years']} years of history, DuckDB memory_limit "
          f"{result['memory_limit']}, {result['threads']} threads")
    print(f"{'night':<12} {'kind':<13} {'load':>7} {'gate':>7} {'build':>7} {'publish':>8} {'total':>7}")
    for t in result["nights"]:
        s = t["seconds"]
        cells = [f"{s[k]:7.1f}" if k in s else f"{'':>7}" for k in ("load", "gate", "build")]
        publish = f"{s['publish']:8.1f}" if "publish" in s else f"{'':>8}"
        print(f"{t['night']:<12} {t['kind']:<13} {' '.join(cells)} {publish} {t['total']:7.1f}")
    ratios = ", ".join(f"{r:.0%}" for r in result["nightly_build_over_full"])
    verdict = "met" if (result["worst_ratio"] or 1) <= GOAL else "not met"
    print(f"nightly dbt build / full rebuild: {ratios} (goal {GOAL:.0%}: {verdict})")
    print(f"peak resident memory: {result['peak_rss_gb']:.1f} GB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench-nightly", description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="region")
    parser.add_argument("--history-years", type=int, default=5)
    parser.add_argument("--nights", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-limit", help="FOOTPRINT_DUCKDB_MEMORY_LIMIT for the run, e.g. 8GB")
    parser.add_argument("--threads", help="FOOTPRINT_DUCKDB_THREADS for the run")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if args.memory_limit:
        os.environ["FOOTPRINT_DUCKDB_MEMORY_LIMIT"] = args.memory_limit
    if args.threads:
        os.environ["FOOTPRINT_DUCKDB_THREADS"] = args.threads
    landing = landing_for(args.out, args.preset, args.history_years, args.nights, args.seed)
    timings = bench(landing, args.out / f"{args.preset}-warehouse")
    result = summary(timings, args.preset, args.history_years, Settings.from_env())
    (args.out / "bench-nightly.json").write_text(json.dumps(result, indent=2))
    print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
