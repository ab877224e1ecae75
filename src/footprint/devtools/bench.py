"""`make bench`: the raw loader's throughput beside the databases' bare CSV readers.

    python -m footprint.devtools.bench [--night FOLDER] [--preset region] [--out bench-out]

Without --night it generates the preset's initial load with footprint.devtools.generate
(cached under --out, so a second run starts at once; delete it to regenerate). It then loads that one
night four ways, each into a fresh database:

* loader, DuckDB     footprint.ingest.raw_load.load_night: manifest, sha256 and byte
                     checks, parsing, metadata, child keys, commit;
* bare, DuckDB       `create table as select * from read_csv(file, all_varchar = true)`
                     per file (text, like raw);
* loader, PostgreSQL the same load_night on a throwaway server;
* bare, PostgreSQL   `COPY table FROM STDIN (FORMAT csv, HEADER)` per file,

and prints rows/s and the loader/bare ratio (the goal: 0.5 or more), each
the best of --repeat runs (3), as timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from footprint.contract import FILES, MANIFEST_NAME
from footprint.errors import FootprintError
from footprint.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_PRESET = "region"
DEFAULT_START = dt.date(2022, 3, 1)
DEFAULT_SEED = 1
DEFAULT_HISTORY_YEARS = 2
GOAL = 0.5


@dataclass
class Timing:
    target: str
    loader_seconds: float
    bare_seconds: float
    rows: int

    @property
    def loader_rate(self) -> float:
        return self.rows / self.loader_seconds

    @property
    def bare_rate(self) -> float:
        return self.rows / self.bare_seconds

    @property
    def ratio(self) -> float:
        return self.bare_seconds / self.loader_seconds


def initial_night(out: Path, preset: str, start: dt.date = DEFAULT_START, seed: int = DEFAULT_SEED,
                  history_years: int = DEFAULT_HISTORY_YEARS) -> Path:
    """The preset's initial-load folder, generated once and then reused from `out`."""
    cache = out / f"{preset}-seed{seed}-{history_years}y"
    folder = cache / start.isoformat()
    if (folder / MANIFEST_NAME).exists():
        log.info("reusing %s", folder)
        return folder
    try:
        from footprint.devtools.generate import generate
    except ImportError as exc:
        raise FootprintError(f"the extract generator is not available ({exc}); pass --night FOLDER") from None
    if cache.exists():
        shutil.rmtree(cache)  # an interrupted generation: start again
    log.info("generating the %s preset's initial load into %s (once; later runs reuse it)", preset, cache)
    folders = generate(cache, preset, start, 0, history_years, seed)
    return Path(folders[0])


def _warm(folder: Path) -> None:
    """Read every file once so neither contender pays for a cold page cache."""
    for spec in FILES:
        with open(folder / spec.name, "rb") as fh:
            while fh.read(1 << 22):
                pass


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def bare_duckdb(folder: Path, path: Path) -> float:
    import duckdb

    started = time.perf_counter()
    conn = duckdb.connect(str(path))
    for i, spec in enumerate(FILES):
        conn.execute(f"create table t{i} as select * from read_csv(?, all_varchar = true)", [str(folder / spec.name)])
    conn.close()
    return time.perf_counter() - started


def bare_postgres(folder: Path) -> float:
    import csv

    import psycopg2

    started = time.perf_counter()
    conn = psycopg2.connect("")
    cur = conn.cursor()
    for i, spec in enumerate(FILES):
        with open(folder / spec.name, encoding="utf-8-sig", newline="") as fh:
            width = len(next(csv.reader(fh)))
        cur.execute(f"create table t{i} (" + ", ".join(f"c{j} text" for j in range(width)) + ")")
        with open(folder / spec.name, "rb") as fh:
            cur.copy_expert(f"copy t{i} from stdin with (format csv, header true)", fh, size=1 << 20)
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def _load(folder: Path, settings: Settings) -> tuple[float, int]:
    from footprint.ingest.raw_load import load_night

    started = time.perf_counter()
    result = load_night(folder, settings)
    return time.perf_counter() - started, result.total_rows


def bench_duckdb(folder: Path, work: Path, repeat: int = 1) -> Timing:
    bare, loader, rows = [], [], 0
    for i in range(repeat):
        bare.append(bare_duckdb(folder, work / f"bare{i}.duckdb"))
        settings = Settings.from_env({**os.environ, "FOOTPRINT_TARGET": "duckdb",
                                      "FOOTPRINT_DUCKDB_PATH": str(work / f"loader{i}.duckdb")})
        seconds, rows = _load(folder, settings)
        loader.append(seconds)
    return Timing("duckdb", min(loader), min(bare), rows)


def bench_postgres(folder: Path, work: Path, repeat: int = 1) -> Timing:
    from footprint.devtools.devserver import start_throwaway

    server = start_throwaway()  # its own folder: the server runs as another OS user when we are root
    bare, loader, rows = [], [], 0
    try:
        for i in range(repeat):
            server.create_database(f"bare{i}")
            server.create_database(f"loader{i}")
            with _environ(**server.env(f"bare{i}")):
                bare.append(bare_postgres(folder))
            with _environ(**server.env(f"loader{i}"), FOOTPRINT_TARGET="postgres"):
                seconds, rows = _load(folder, Settings.from_env())
                loader.append(seconds)
    finally:
        server.stop()
    return Timing("postgres", min(loader), min(bare), rows)


def report(folder: Path, timings: list[Timing]) -> str:
    size = sum((folder / spec.name).stat().st_size for spec in FILES)
    rows = timings[0].rows if timings else 0
    out = [
        f"night {folder} : {len(FILES)} files, {rows:,} rows, {size / 1e6:,.0f} MB",
        "",
        f"{'target':<10} {'loader s':>9} {'loader rows/s':>14} {'bare s':>8} {'bare rows/s':>12} {'ratio':>6}",
    ]
    for t in timings:
        out.append(f"{t.target:<10} {t.loader_seconds:>9.2f} {t.loader_rate:>14,.0f} {t.bare_seconds:>8.2f} "
                   f"{t.bare_rate:>12,.0f} {t.ratio:>6.2f}" + ("" if t.ratio >= GOAL else "  < goal"))
    out.append("")
    out.append(f"ratio = bare seconds / loader seconds (goal {GOAL}). The loader's time is all of load_night: "
               "manifest, sha256 and byte checks, parsing, metadata, child keys, one commit.")
    return "\n".join(out)


def run_bench(folder: Path, targets: list[str], repeat: int = 1, work_dir: Path | None = None) -> list[Timing]:
    """Time the loader and the bare reader on each target; with `repeat`, the best of each."""
    # A throwaway key: the bench measures, it does not keep child keys.
    with _environ(FOOTPRINT_PSEUDONYM_KEY=secrets.token_hex(32)):
        _warm(folder)
        work = Path(tempfile.mkdtemp(prefix="footprint-bench-", dir=work_dir))
        try:
            timings = []
            for target in targets:
                log.info("bench: %s", target)
                bench = bench_duckdb if target == "duckdb" else bench_postgres
                timings.append(bench(folder, work, repeat))
            return timings
        finally:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m footprint.devtools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--night", type=Path, help="a night folder to load (default: generate --preset's initial load)")
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    parser.add_argument("--out", type=Path, default=Path("bench-out"), help="cache of generated extracts")
    parser.add_argument("--targets", default="duckdb,postgres", help="comma-separated: duckdb,postgres")
    parser.add_argument("--repeat", type=int, default=3, help="run each contender N times and keep its best")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not set(targets) <= {"duckdb", "postgres"}:
        parser.error("--targets: duckdb and/or postgres")
    try:
        folder = args.night or initial_night(args.out, args.preset)
        print(report(folder, run_bench(folder, targets, max(args.repeat, 1))))
    except FootprintError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
