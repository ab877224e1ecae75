"""`make bench-nightly`: a night's cost against history, on the embedded default (DuckDB).

    python -m footprint.devtools.bench_nightly [--preset region] [--history-years 5] [--nights 5]
                                                [--memory-limit 8GB] [--threads N] [--out bench-out]

Generates the preset (cached under --out, so a second run starts at once), then runs, in a fresh
warehouse, the initial night and --nights nightly ones through the nightly steps the DAG runs
(load, gate, build, publish), timing each, and at the end a full rebuild of the same history
(`--full-refresh`). Each step runs in a forked process of its own, as the DAG's tasks do, so
that its peak resident memory is its own. It prints every step's time and peak memory, and the
ratio of each nightly `dbt build` to the full rebuild (the goal: 10% or less on `region`).
The results are written to --out as bench-nightly.json as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import logging
import multiprocessing
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from footprint.contract import MANIFEST_NAME
from footprint.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_START = dt.date(2022, 3, 1)
GOAL = 0.10
_FORK = multiprocessing.get_context("fork")


@dataclass
class NightTiming:
    night: str
    kind: str  # initial | nightly | full rebuild
    seconds: dict[str, float] = field(default_factory=dict)
    peak_gb: dict[str, float] = field(default_factory=dict)

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
    # In a process of its own: what it leaves on the heap would count in every step forked after.
    in_own_process(lambda: generate(landing, preset, DEFAULT_START, nights, years, seed))
    return landing


# The libraries the steps import, imported once before the first fork: a step's time is its
# work, and the import, which each of the DAG's task processes pays as well, is timed apart.
_PRELOAD = (
    "footprint.ingest.raw_load", "footprint.gate.validate",
    "footprint.transform.dbt_runner", "footprint.transform.incremental", "dbt.cli.main",
    "footprint.publish.marts",
)


def preload() -> float:
    """Import what the steps use; return the seconds it took."""
    from footprint.gate.suites import import_gx

    started = time.perf_counter()
    for module in _PRELOAD:
        importlib.import_module(module)
    import_gx()  # as the gate imports it: quietly
    return round(time.perf_counter() - started, 2)


def in_own_process(call: Callable[[], object]) -> float:
    """Run `call` in a forked child, as the DAG runs each step in a task process of its own, and
    return the child's peak resident memory in GB: its own, not the largest step's before it.
    The calling process must not have run dbt itself: the thread pool of dbt's parser does not
    survive a fork, and a child that parses would wait for it for ever."""
    sys.stdout.flush()
    sys.stderr.flush()
    # multiprocessing's own fork, not a bare os.fork: its child runs the finalizers of what the
    # step made before it exits, so the named semaphores dbt creates are released, not reported
    # as leaked when the child's resource tracker stops.
    receive, send = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_report_peak, args=(call, send), name="bench-step")
    child.start()
    send.close()
    try:
        peak_kib = receive.recv()
    except EOFError:  # the step raised: its traceback is on stderr already
        peak_kib = None
    finally:
        receive.close()
        child.join()
    if child.exitcode != 0 or peak_kib is None:
        raise RuntimeError(f"a benchmark step failed (exit status {child.exitcode}): see above")
    return peak_kib / (1024 * 1024)  # KiB on Linux


def _report_peak(call: Callable[[], object], send: Connection) -> None:
    try:
        call()
        send.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    finally:
        logging.shutdown()


def _timed(timing: NightTiming, step: str, call: Callable[[], object]) -> None:
    started = time.perf_counter()
    peak = in_own_process(call)
    timing.seconds[step] = round(time.perf_counter() - started, 2)
    timing.peak_gb[step] = round(peak, 2)


def run_night(night: dt.date, kind: str, settings: Settings) -> NightTiming:
    from footprint import nightly

    timing = NightTiming(night.isoformat(), kind)
    _timed(timing, "load", lambda: nightly.load(night, settings))
    _timed(timing, "gate", lambda: nightly.gate(night, settings))
    _timed(timing, "build", lambda: nightly.build(night, settings))
    _timed(timing, "publish", lambda: nightly.publish(settings))
    return timing


def full_rebuild(settings: Settings) -> NightTiming:
    from footprint.transform.dbt_runner import run_dbt

    timing = NightTiming("all", "full rebuild")
    _timed(timing, "build",
           lambda: run_dbt(["build", "--exclude-resource-type", "unit_test", "--full-refresh"], settings))
    return timing


def bench(landing: Path, warehouse: Path) -> tuple[float, list[NightTiming]]:
    shutil.rmtree(warehouse, ignore_errors=True)
    warehouse.mkdir(parents=True)
    os.environ.update(FOOTPRINT_LANDING_DIR=str(landing), FOOTPRINT_DUCKDB_PATH=str(warehouse / "warehouse.duckdb"),
                      FOOTPRINT_TARGET="duckdb")
    settings = Settings.from_env()
    nights = sorted(dt.date.fromisoformat(p.parent.name) for p in landing.glob(f"*/{MANIFEST_NAME}"))
    imports = preload()
    timings = []
    for i, night in enumerate(nights):
        timings.append(run_night(night, "initial" if i == 0 else "nightly", settings))
        log.info("%s: %s", night, timings[-1].seconds)
    timings.append(full_rebuild(settings))
    return imports, timings


def _step_peaks(timings: list[NightTiming], step: str | None = None) -> float:
    return max(gb for t in timings for name, gb in t.peak_gb.items() if step in (None, name))


def summary(timings: list[NightTiming], imports: float, preset: str, years: int, settings: Settings) -> dict:
    full = next(t for t in timings if t.kind == "full rebuild").seconds["build"]
    nightly = [t for t in timings if t.kind == "nightly"]
    ratios = [round(t.seconds["build"] / full, 3) for t in nightly]
    return {
        "preset": preset, "history_years": years, "memory_limit": settings.duckdb_memory_limit,
        "threads": settings.duckdb_config["threads"],
        "peak_rss_gb": _step_peaks(timings),
        "build_peak_rss_gb": _step_peaks(timings, "build"),
        "full_rebuild_build_s": full, "nightly_build_over_full": ratios,
        "worst_ratio": max(ratios, default=None), "goal": GOAL, "imports_s": imports,
        "nights": [{**asdict(t), "total": round(t.total, 2)} for t in timings],
    }


_STEPS = ("load", "gate", "build", "publish")


def _table(result: dict, key: str, unit: str, total: bool) -> None:
    print(f"{unit}:")
    print(f"{'night':<12} {'kind':<13} " + " ".join(f"{s:>8}" for s in _STEPS) + (f" {'total':>8}" if total else ""))
    for t in result["nights"]:
        cells = [f"{t[key][s]:8.1f}" if s in t[key] else f"{'':>8}" for s in _STEPS]
        end = f" {t['total']:8.1f}" if total else ""
        print(f"{t['night']:<12} {t['kind']:<13} {' '.join(cells)}{end}")


def print_summary(result: dict) -> None:
    print(f"{result['preset']}, {result['history_years']} years of history, DuckDB memory_limit "
          f"{result['memory_limit']}, {result['threads']} threads")
    _table(result, "seconds", "seconds", total=True)
    ratios = ", ".join(f"{r:.0%}" for r in result["nightly_build_over_full"])
    verdict = "met" if (result["worst_ratio"] or 1) <= GOAL else "not met"
    print(f"nightly dbt build / full rebuild: {ratios} (goal {GOAL:.0%}: {verdict})")
    _table(result, "peak_gb", "peak resident memory of each step, GB", total=False)
    print(f"peak resident memory of a dbt build: {result['build_peak_rss_gb']:.1f} GB; of any step: "
          f"{result['peak_rss_gb']:.1f} GB")
    print(f"importing the steps' libraries (once here; each task process of the DAG pays it): "
          f"{result['imports_s']:.1f} s")


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
    imports, timings = bench(landing, args.out / f"{args.preset}-warehouse")
    result = summary(timings, imports, args.preset, args.history_years, Settings.from_env())
    (args.out / "bench-nightly.json").write_text(json.dumps(result, indent=2))
    print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
