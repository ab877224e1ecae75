"""Writing the nights: which version of each row goes into which night, spelled how.

All nights are written in one pass over the children: every night's eight
files stay open, and each row is routed to the nights that carry it:

- snapshot files: every night, as the row stood at that night's `produced_at`
  (an allocation that ends later shows no end yet);
- event files: the version current at `produced_at`, if it was created or
  modified in the 14 days up to the extract date, or any version at all in the
  initial load (which leaves out rows deleted before its own window: a source
  does not export what it purged long ago).

Each night also decides, per file, how the source system spells dates (ISO,
ISO with a `T`, UK), whether the file starts with a byte-order mark and, for
`ssd_person` and `ssd_professionals`, whether the authority's SSD extract
adds columns the contract does not name.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from footprint.contract import EVENT, FILES, FILES_BY_NAME, MANIFEST_NAME
from footprint.devtools.generate.clock import (
    DAY,
    ISO,
    ISO_T,
    UK,
    UK_MIN,
    Formatter,
    formatters,
    to_datetime,
)
from footprint.ingest.landing import CsvWriter, write_manifest

WINDOW_DAYS = 14
SOURCE_SYSTEM = "LCS"

# Raw row layouts produced by the model, in order (the contract's columns first).
RAW_COLUMNS: dict[str, tuple[str, ...]] = {spec.name: tuple(spec.column_names) for spec in FILES}
RAW_COLUMNS["ssd_person.csv"] += ("pers_forename", "pers_surname", "pers_upn")
RAW_COLUMNS["ssd_professionals.csv"] += ("prof_social_worker_registration_no",)

# Columns an authority's SSD extract carries beyond the contract: never loaded.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "ssd_person.csv": ("pers_upn", "pers_forename", "pers_surname"),
    "ssd_professionals.csv": ("prof_social_worker_registration_no",),
}

# Files whose times are whole minutes where it matters, so HH:MM loses nothing
# that could reorder events (their modified_at versions are minutes apart).
_MINUTE_FILES = {"ssd_missing.csv", "ssd_involvements.csv", "ssd_cla_reviews.csv"}
_STYLE_WEIGHTS = ((ISO, 50), (ISO_T, 15), (UK, 25), (UK_MIN, 10))
_TIMESTAMP_FILES = tuple(
    spec.name for spec in FILES if any(col.kind == "timestamp" for col in spec.columns)
)


@dataclass
class NightPlan:
    folder: Path
    extract_date: dt.date
    produced: int  # wall-clock seconds (clock.py)
    initial: bool
    styles: dict[str, str] = field(default_factory=dict)
    extras: dict[str, bool] = field(default_factory=dict)
    bom: dict[str, bool] = field(default_factory=dict)

    @property
    def window_start(self) -> int:
        return (self.extract_date.toordinal() - WINDOW_DAYS) * DAY

    @property
    def load_type(self) -> str:
        return "initial" if self.initial else "nightly"


def plan_nights(out_dir: Path, extract_dates: list[dt.date], produced: list[int], seed: int) -> list[NightPlan]:
    """How each night's files are spelled: a per-file habit that changes now and then."""
    rng = random.Random(seed * 7_919 + 17)

    def draw(name: str) -> str:
        choices = [(s, w) for s, w in _STYLE_WEIGHTS if s != UK_MIN or name in _MINUTE_FILES]
        total = sum(w for _, w in choices)
        r = rng.random() * total
        for style, weight in choices:
            r -= weight
            if r < 0:
                return style
        return choices[-1][0]

    habit = {spec.name: draw(spec.name) for spec in FILES}
    plans = []
    for i, (day, t) in enumerate(zip(extract_dates, produced, strict=True)):
        styles = {name: (draw(name) if rng.random() < 0.3 else style) for name, style in habit.items()}
        # Every run has a file with a T in its timestamps, and every night at least
        # one file in UK dates and one in ISO: readers must meet every spelling.
        if i == 0 and not any(styles[n] == ISO_T for n in _TIMESTAMP_FILES):
            styles[rng.choice(_TIMESTAMP_FILES)] = ISO_T
        if not any(styles[n] in (UK, UK_MIN) for n in _TIMESTAMP_FILES):
            styles[rng.choice([n for n in _TIMESTAMP_FILES if styles[n] != ISO_T] or _TIMESTAMP_FILES)] = UK
        if not any(s in (ISO, ISO_T) for s in styles.values()):
            styles[rng.choice(sorted(styles))] = ISO
        bom = {spec.name: rng.random() < 0.1 for spec in FILES}
        if i == 0 and not any(bom.values()):
            bom[rng.choice(sorted(bom))] = True  # every run exercises a reader's BOM handling
        plans.append(
            NightPlan(
                folder=Path(out_dir) / day.isoformat(),
                extract_date=day,
                produced=t,
                initial=i == 0,
                styles=styles,
                extras={
                    "ssd_person.csv": i == 0 or rng.random() < 0.6,
                    "ssd_professionals.csv": rng.random() < 0.4,
                },
                bom=bom,
            )
        )
    return plans


RowFormatter = Callable[[tuple], list]


def _row_formatter(name: str, header: list[str], fmt_ts: Formatter, fmt_date: Formatter) -> RowFormatter:
    """raw row (model layout) -> output row (the night's header order, values spelled)."""
    raw = RAW_COLUMNS[name]
    spec = FILES_BY_NAME[name]
    getter = itemgetter(*(raw.index(col) for col in header))
    conversions = []
    for j, col in enumerate(header):
        kind = spec.column(col).kind if col in spec.column_names else "text"
        if kind == "timestamp":
            conversions.append((j, fmt_ts))
        elif kind == "date":
            conversions.append((j, fmt_date))

    def fmt(row: tuple) -> list:
        out = list(getter(row))
        for j, conv in conversions:
            out[j] = conv(out[j])
        return out

    return fmt


class NightWriter:
    """The eight open files of one night; `finish` closes them and writes the manifest."""

    def __init__(self, plan: NightPlan, gaps: dict[int, tuple[int, int]]) -> None:
        self.plan = plan
        self.produced = plan.produced
        self.window_start = plan.window_start
        self.initial = plan.initial
        self.extract_day = plan.extract_date.toordinal()
        plan.folder.mkdir(parents=True, exist_ok=True)
        # A night being rewritten is incomplete until its new manifest lands.
        (plan.folder / MANIFEST_NAME).unlink(missing_ok=True)
        self.files: dict[str, tuple[CsvWriter, RowFormatter]] = {}
        for spec in FILES:
            header = list(spec.column_names)
            if plan.extras.get(spec.name):
                extra = list(EXTRA_COLUMNS[spec.name])
                # the SSD puts the person's names and UPN just after the id
                header = header[:1] + extra + header[1:] if spec.name == "ssd_person.csv" else header + extra
            fmt_ts, fmt_date = formatters(plan.styles[spec.name], gaps)
            writer = CsvWriter(plan.folder / spec.name, header, bom=plan.bom[spec.name])
            self.files[spec.name] = (writer, _row_formatter(spec.name, header, fmt_ts, fmt_date))

    def write(self, name: str, row: tuple) -> None:
        writer, fmt = self.files[name]
        writer.writerow(fmt(row))

    def finish(self) -> dict[str, int]:
        counts = {}
        for name, (writer, _) in self.files.items():
            writer.close()
            counts[name] = writer.count
        write_manifest(
            self.plan.folder, self.plan.extract_date, to_datetime(self.produced), self.plan.load_type, counts,
            source_system=SOURCE_SYSTEM,
        )
        return counts

    def abort(self) -> None:
        for writer, _ in self.files.values():
            writer.close()


_MODIFIED = {spec.name: spec.column_names.index("modified_at") for spec in FILES if spec.load_kind == EVENT}


class Router:
    """Sends each row to the nights that carry it (see the module docstring)."""

    def __init__(self, nights: list[NightWriter]) -> None:
        self.nights = nights
        self.initial = nights[0]
        nightly = nights[1:]
        self.first_window = min((n.window_start for n in nightly), default=None)

    def professional(self, row: tuple) -> None:
        for night in self.nights:
            night.write("ssd_professionals.csv", row)

    def person(self, row: tuple, created: int) -> None:
        for night in self.nights:
            if created <= night.produced:
                night.write("ssd_person.csv", row)

    def involvement(self, row: tuple) -> None:
        start, end = row[5], row[6]
        for night in self.nights:
            if start <= night.produced:
                night.write("ssd_involvements.csv", row if end is None or end <= night.produced else row[:6] + (None,))

    def service(self, row: tuple) -> None:
        start, end = row[3], row[4]
        for night in self.nights:
            if start < night.extract_day:
                night.write("service_involvements.csv", row if end is None or end < night.extract_day else row[:4] + (None,))

    def event(self, name: str, versions: list[tuple]) -> None:
        i = _MODIFIED[name]
        last = versions[-1]
        initial = self.initial
        if last[i] <= initial.produced and (self.first_window is None or last[i] < self.first_window):
            # the common case: old, settled history that only the initial load carries
            if last[-1] != "Y" or last[i] >= initial.window_start:
                initial.write(name, last)
            return
        for night in self.nights:
            current = None
            for version in versions:
                if version[i] > night.produced:
                    break
                current = version
            if current is None:
                continue
            modified = current[i]
            if night.initial:
                if current[-1] == "Y" and modified < night.window_start:
                    continue
            elif modified < night.window_start:
                continue
            night.write(name, current)
