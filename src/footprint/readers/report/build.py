"""Build the report: read the published marts, compute, draw, write the files.

    DIR/index.html          the service report
    DIR/iro/<name-id>.html  one learning pack per IRO (service edition only)
    DIR/footprint.xlsx      the tables as sheets

`publish_report` is what the nightly run uses: the report is written into a
sibling folder and switched into place, so a reader never opens a half-written
one, and a failed build leaves the previous report where it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from footprint.readers.report.periods import Period, choose_periods
from footprint.settings import DBT_PROJECT_DIR, Settings

log = logging.getLogger(__name__)

INDEX = "index.html"
WORKBOOK = "footprint.xlsx"
PACKS_DIR = "iro"
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Options:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    compare_from: dt.date | None = None
    compare_to: dt.date | None = None
    suppress: bool = False


@dataclass
class ReportResult:
    out_dir: Path
    period: Period
    compare: Period
    suppress: bool
    packs: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def index(self) -> Path:
        return self.out_dir / INDEX

    @property
    def workbook(self) -> Path:
        return self.out_dir / WORKBOOK


@contextlib.contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[step] = round(seconds.get(step, 0.0) + time.perf_counter() - started, 2)


def build_report(out_dir: Path, settings: Settings | None = None, options: Options | None = None,
                 now: dt.datetime | None = None) -> ReportResult:
    """Write the report for `options` into `out_dir` (created if need be)."""
    from footprint.readers.report import html, pages, sheets
    from footprint.readers.report.data import load_marts
    from footprint.readers.report.docs import column_docs
    from footprint.readers.report.figures import count, in_period, notified
    from footprint.readers.report.iros import packs as make_packs
    from footprint.readers.report.method import method
    from footprint.readers.report.workbook import write_workbook

    settings, options = settings or Settings.from_env(), options or Options()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with _timed(seconds, "read marts"):
        marts = load_marts(settings)
    period, compare = choose_periods(marts.as_of.date(), options.date_from, options.date_to,
                                     options.compare_from, options.compare_to)
    generated = (now or dt.datetime.now(LONDON)).replace(tzinfo=None, microsecond=0)
    result = ReportResult(Path(out_dir), period, compare, options.suppress, seconds=seconds)
    with _timed(seconds, "figures"):
        meth = method(settings.criteria_path, marts.criteria_version)
        page = pages.index_page(marts, period, compare, meth, options.suppress, generated)
        iro_packs = [] if options.suppress else make_packs(marts, period, pages.trend_months(marts, period))
        page.pack_files = {p.iro.key: p.iro.file_name for p in iro_packs}
    result.out_dir.mkdir(parents=True, exist_ok=True)
    with _timed(seconds, "charts"):
        pages.draw_index(page)
    with _timed(seconds, "html"):
        (result.out_dir / INDEX).write_text(html.render_index(page), encoding="utf-8")
    packs_dir = result.out_dir / PACKS_DIR
    _clear_packs(packs_dir)
    in_the_period = [r for r in notified(marts.notifications) if in_period(r, period)]
    service_rate = count(in_the_period).timely_rate
    period_iros = len({r["iro_professional_id"] for r in in_the_period if r["iro_professional_id"]})
    for pack in iro_packs:
        pack_page = pages.pack_page(marts, pack, meth, service_rate, period_iros, generated)
        with _timed(seconds, "charts"):
            pages.draw_pack(pack_page)
        with _timed(seconds, "html"):
            packs_dir.mkdir(exist_ok=True)
            path = packs_dir / pack.iro.file_name
            path.write_text(html.render_pack(pack_page), encoding="utf-8")
        result.packs.append(path)
    with _timed(seconds, "workbook"):
        write_workbook(result.workbook, sheets.about(page), sheets.sheets(marts, page, column_docs(DBT_PROJECT_DIR)))
    seconds["total"] = round(time.perf_counter() - started, 2)
    log.info("report for %s written to %s in %.1f s (%d learning packs)", period.label, result.out_dir,
             seconds["total"], len(result.packs))
    return result


def _clear_packs(packs_dir: Path) -> None:
    """Learning packs of an earlier build in the same folder: an IRO who has left must not keep one."""
    if packs_dir.is_dir():
        for old in packs_dir.glob("*.html"):
            old.unlink()


# the nightly report: written aside, switched into place ------------------------------------

def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _switch(new: Path, target: Path) -> None:
    """Make `new` the folder at `target`; the previous one stays in place until the switch."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)  # now the previous report
        return
    previous = target.with_name(f".{target.name}.{os.getpid()}.previous")
    if target.exists():
        os.rename(target, previous)
    os.rename(new, target)
    shutil.rmtree(previous, ignore_errors=True)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _recover(target: Path) -> None:
    """What a run that died left aside: the previous report, if it died between the two renames of
    the fallback, goes back in place; a half-written one (of a process no longer running) goes."""
    if not target.exists():
        for previous in sorted(target.parent.glob(f".{target.name}.*.previous")):
            os.rename(previous, target)
            break
    for leftover in target.parent.glob(f".{target.name}.*.writing"):
        if not _alive(leftover.name.split(".")[-2]):
            shutil.rmtree(leftover, ignore_errors=True)


def publish_report(reports_dir: Path, settings: Settings | None = None, options: Options | None = None,
                   name: str = "latest") -> ReportResult:
    """Build the report into `reports_dir/.<name>.<pid>.writing`, then switch it to `reports_dir/<name>`."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    target = reports_dir / name
    _recover(target)
    writing = reports_dir / f".{name}.{os.getpid()}.writing"
    try:
        result = build_report(writing, settings, options)
    except BaseException:
        shutil.rmtree(writing, ignore_errors=True)
        raise
    _switch(writing, target)
    result.packs = [target / PACKS_DIR / p.name for p in result.packs]
    result.out_dir = target
    return result
