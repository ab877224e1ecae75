"""Raw load: verify one night against its manifest, then load its eight files in one transaction.

A night is checked before anything is committed: the manifest, every file's
presence and header (footprint.ingest.manifest), and one pass over each
file's bytes (footprint.ingest.bytescan) that runs in a background thread
while the database parses the files. The database's own CSV reader does the
parsing, never Python: DuckDB's read_csv, selecting the contract columns;
PostgreSQL's COPY, straight into raw when the file has only contract
columns, else into a temporary stage whose extra columns are never selected
(footprint.warehouse.duckdb / .postgres). Record counts come from the
database and are compared with the manifest's. Only when every check has
passed does the one transaction commit: the night's previous rows replaced,
`extract_nights` upserted, child keys refreshed. Anything wrong rolls all of
it back.

Error messages name the file, the record (and physical line) and the column;
they never carry a value from the data: a failed file is re-read in our own
words (footprint.ingest.locate).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from footprint.contract import NIGHT_LOADED, NIGHTS_TABLE
from footprint.errors import FootprintError, TransientError
from footprint.ingest.bytescan import ByteScan, scan_bytes
from footprint.ingest.landing import ExtractError, Manifest
from footprint.ingest.locate import check_scan, malformed
from footprint.ingest.manifest import NightFile, verify_manifest
from footprint.ingest.raw_schema import NIGHTS_COLUMNS, ensure_raw_schema
from footprint.settings import Settings
from footprint.warehouse import Connection, execute
from footprint.warehouse.base import RAW, LoadStamp, RawLoader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    extract_date: dt.date
    load_type: str
    produced_at: dt.datetime
    rows: dict[str, int]  # file name -> records loaded
    total_rows: int
    seconds: float


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _london_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)


class _ByteScans:
    """The byte scan of every file, one background thread, started before the database parses."""

    def __init__(self, files: list[NightFile]):
        self._cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="footprint-scan")
        self.futures: dict[str, Future[ByteScan | None]] = {
            f.spec.name: self._pool.submit(scan_bytes, f.path, f.has_extra_columns, self._cancel) for f in files
        }

    def check(self, files: list[NightFile]) -> None:
        """In file order: raise at the first file that is not the manifest's or is malformed."""
        for f in files:
            check_scan(f, self.futures[f.spec.name])

    def close(self) -> None:
        self._cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


def load_night(folder: Path, settings: Settings | None = None) -> LoadResult:
    """Verify the night in `folder` and load it into raw, replacing any earlier load of it.

    Raises ExtractError (nothing written) if the night is incomplete or malformed.
    """
    from footprint.ingest.pseudonym import load_key

    started = time.perf_counter()
    folder = Path(folder)
    settings = settings or Settings.from_env()
    key = load_key(settings)  # before any work: PostgreSQL without a key is refused outright
    manifest, manifest_sha, files = verify_manifest(folder)
    stamp = LoadStamp(manifest.extract_date, _london_naive(manifest.produced_at), _utcnow())
    scans = _ByteScans(files)
    try:
        rows = _load_in_one_transaction(settings, key, manifest, manifest_sha, files, stamp, scans)
    finally:
        scans.close()
    result = LoadResult(
        extract_date=manifest.extract_date,
        load_type=manifest.load_type,
        produced_at=stamp.produced_at,
        rows=rows,
        total_rows=sum(rows.values()),
        seconds=time.perf_counter() - started,
    )
    log.info("night %s (%s) loaded: %d rows in %.1f s", result.extract_date, result.load_type,
             result.total_rows, result.seconds)
    return result


def _load_in_one_transaction(settings: Settings, key: bytes, manifest: Manifest, manifest_sha: str,
                             files: list[NightFile], stamp: LoadStamp, scans: _ByteScans) -> dict[str, int]:
    from footprint.ingest.pseudonym import refresh_child_keys
    from footprint.warehouse import connect, target_of

    rows: dict[str, int] = {}
    with connect(settings) as conn:
        loader = target_of(conn).raw_loader(conn)
        loader.begin()
        try:
            ensure_raw_schema(conn)
            loader.start_night(stamp)
            for i, f in enumerate(files):
                tick = time.perf_counter()
                rows[f.spec.name] = _load_one(loader, f, stamp, files[: i + 1], scans)
                log.info("%s: %d records in %.1f s", f.label, rows[f.spec.name], time.perf_counter() - tick)
            tick = time.perf_counter()
            scans.check(files)
            log.debug("byte checks done %.1f s after the last file", time.perf_counter() - tick)
            loader.end_night()
            _upsert_night(conn, manifest, manifest_sha, rows, stamp)
            tick = time.perf_counter()
            refresh_child_keys(conn, key, manifest.extract_date)
            log.debug("child keys in %.1f s", time.perf_counter() - tick)
            loader.commit()
        except BaseException:
            loader.rollback()
            raise
    return rows


def _load_one(loader: RawLoader, f: NightFile, stamp: LoadStamp, so_far: list[NightFile],
              scans: _ByteScans) -> int:
    failure, count = None, -1
    try:
        count = loader.load_file(f.csv_file(), stamp)
    except Exception as exc:
        failure = loader.failure(exc)
        if failure is None:
            raise
    # Raised outside the `except` block on purpose: an exception raised inside it would carry
    # the database's error as its context, and tracebacks print that, offending line and all.
    if failure is not None and not failure.in_data:
        loader.rollback()
        kind = TransientError if failure.transient else FootprintError
        raise kind(f"{f.label}: {failure.what}")
    if failure is not None or count != f.rows:
        loader.rollback()
        # In file order, and a file that is not the manifest's before how it parses.
        scans.check(so_far)
        if failure is not None:
            raise malformed(f, failure.line, failure.what)
        raise ExtractError(f"{f.label}: {count} records where the manifest says {f.rows}")
    return count


def _upsert_night(conn: Connection, manifest: Manifest, manifest_sha: str, rows: dict[str, int],
                  stamp: LoadStamp) -> None:
    values = (
        manifest.extract_date, stamp.produced_at, manifest.source_system, manifest.load_type,
        NIGHT_LOADED, json.dumps(rows, sort_keys=True), manifest_sha, stamp.loaded_at, None, None,
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in NIGHTS_COLUMNS[1:])
    execute(
        conn,
        f"insert into {RAW}.{NIGHTS_TABLE} ({', '.join(NIGHTS_COLUMNS)}) "
        f"values ({', '.join(['%s'] * len(NIGHTS_COLUMNS))}) "
        f"on conflict (extract_date) do update set {updates}",
        values,
    )
