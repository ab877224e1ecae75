"""The landing folder: one sub-folder per night, its CSV files and `_manifest.json`.

Writers (the generator, the test fixtures) and readers (the loader, the DAG)
share this module so the layout cannot drift between them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from footprint.contract import FILES, MANIFEST_NAME
from footprint.errors import DataError


class ExtractError(DataError):
    """A night's extract is incomplete or malformed: the loader refuses it and writes nothing.
    Messages never carry data values."""

    step = "load"
    fix = ("ask the case system's team to export the night again into its landing folder (every "
           "file, then _manifest.json last), then rerun the night from its load")


@dataclass(frozen=True)
class Manifest:
    extract_date: dt.date
    produced_at: dt.datetime
    source_system: str
    load_type: str  # initial | nightly
    files: dict[str, dict]  # file name -> {"rows": int, "sha256": str}

    @property
    def is_initial(self) -> bool:
        return self.load_type == "initial"


def night_dir(landing_dir: Path, extract_date: dt.date | str) -> Path:
    return Path(landing_dir) / str(extract_date)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> Manifest:
    path = Path(folder) / MANIFEST_NAME
    if not path.exists():
        raise ExtractError(f"{folder.name}: no {MANIFEST_NAME}: the night is incomplete")
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
        manifest = Manifest(
            extract_date=dt.date.fromisoformat(raw["extract_date"]),
            produced_at=dt.datetime.fromisoformat(raw["produced_at"]),
            source_system=str(raw.get("source_system", "")),
            load_type=raw["load_type"],
            files={name: dict(v) for name, v in raw["files"].items()},
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ExtractError(f"{folder.name}/{MANIFEST_NAME}: unreadable manifest ({exc.__class__.__name__}: {exc})") from exc
    if manifest.load_type not in ("initial", "nightly"):
        raise ExtractError(f"{folder.name}/{MANIFEST_NAME}: load_type must be initial or nightly")
    if str(manifest.extract_date) != Path(folder).name:
        raise ExtractError(
            f"{folder.name}/{MANIFEST_NAME}: extract_date {manifest.extract_date} does not match the folder name"
        )
    return manifest


class CsvWriter:
    """A CSV file written record by record, for writers that fill several files at once.

    Same dialect as `write_csv`; `bom=True` starts the file with a UTF-8 byte-order
    mark, as some source systems do. `count` is the number of records written.
    """

    def __init__(self, path: Path, header: Sequence[str], bom: bool = False):
        self._fh = open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")
        self._writer = csv.writer(self._fh, lineterminator="\n")
        self._writer.writerow(header)
        self.count = 0

    def writerow(self, row: Sequence[object]) -> None:
        self._writer.writerow(row)
        self.count += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], bom: bool = False
) -> int:
    """Write an RFC 4180 CSV (CRLF-free, minimal quoting); return the number of records."""
    with CsvWriter(path, header, bom=bom) as writer:
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return writer.count


def write_manifest(
    folder: Path,
    extract_date: dt.date,
    produced_at: dt.datetime,
    load_type: str,
    row_counts: dict[str, int],
    source_system: str = "LCS",
) -> Path:
    """Write `_manifest.json` last, atomically: its presence means the night is complete."""
    files = {
        spec.name: {"rows": row_counts[spec.name], "sha256": sha256_file(Path(folder) / spec.name)}
        for spec in FILES
        if spec.name in row_counts
    }
    body = {
        "extract_date": extract_date.isoformat(),
        "produced_at": produced_at.isoformat(timespec="seconds"),
        "source_system": source_system,
        "load_type": load_type,
        "files": files,
    }
    tmp = Path(folder) / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, Path(folder) / MANIFEST_NAME)
    return Path(folder) / MANIFEST_NAME


def list_nights(landing_dir: Path) -> list[dt.date]:
    """Night folders that carry a manifest, oldest first."""
    nights = []
    for child in sorted(Path(landing_dir).iterdir()):
        if child.is_dir() and (child / MANIFEST_NAME).exists():
            try:
                nights.append(dt.date.fromisoformat(child.name))
            except ValueError:
                continue
    return nights
