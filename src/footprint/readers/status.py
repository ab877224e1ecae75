"""`footprint status`: is the pipeline healthy, in one line, for a person or a monitoring system.

* the last accepted night, and how old the data is (the marts' `as_of`, the
  produced_at of that night, against this machine's clock in Europe/London);
* stale when older than FOOTPRINT_STALE_AFTER_HOURS (default 30: a night missed);
* nights rejected and not made good: a rejected nightly load is made good by an
  accepted night within the contract's 14-day window (its event files carry the
  rejected night's changes again, its snapshots supersede them), else it waits
  for a corrected extract and a rerun; a night in the landing folder that never
  loaded (a refused delivery) waits too;
* awaiting and overdue footprints now (the published worklist).

Nights come from the warehouse's `raw.extract_nights` (the live record); when
the nightly run holds the DuckDB file, from the published `rpt_pipeline_health`
instead, as of the last publish. Exit code 0 when healthy, 1 when stale or a
night is pending: Nagios-style checks and cron mail can call it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from footprint.errors import FootprintError, TransientError
from footprint.settings import Settings
from footprint.warehouse import Connection, connect, connect_marts, execute

LONDON = ZoneInfo("Europe/London")
STALE_AFTER_HOURS = 30
WINDOW_DAYS = 14  # the contract's nightly window of the event files


@dataclass(frozen=True)
class Night:
    extract_date: dt.date
    load_type: str
    status: str


@dataclass
class Status:
    checked_at: dt.datetime
    stale_after_hours: int
    data_as_of: dt.datetime | None = None
    last_accepted_night: dt.date | None = None
    rejected_pending: list[dt.date] = field(default_factory=list)
    made_good: list[dt.date] = field(default_factory=list)
    not_loaded: list[dt.date] = field(default_factory=list)
    awaiting: int | None = None
    overdue: int | None = None
    nights_from: str = "warehouse"

    @property
    def age_hours(self) -> float | None:
        if self.data_as_of is None:
            return None
        return round((self.checked_at - self.data_as_of).total_seconds() / 3600, 1)

    @property
    def is_stale(self) -> bool:
        age = self.age_hours
        return age is None or age > self.stale_after_hours

    @property
    def healthy(self) -> bool:
        return not (self.is_stale or self.rejected_pending or self.not_loaded)

    def to_json(self) -> dict[str, Any]:
        out = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()}
        for key in ("rejected_pending", "made_good", "not_loaded"):
            out[key] = [d.isoformat() for d in getattr(self, key)]
        out.update(age_hours=self.age_hours, is_stale=self.is_stale, healthy=self.healthy,
                   health_line=health_line(self))
        return out


def now_in_london() -> dt.datetime:
    return dt.datetime.now(LONDON).replace(tzinfo=None, microsecond=0)


def stale_after_hours() -> int:
    return int(os.environ.get("FOOTPRINT_STALE_AFTER_HOURS", STALE_AFTER_HOURS))


def pending(nights: list[Night]) -> tuple[list[dt.date], list[dt.date]]:
    """(rejected and not made good, rejected but made good by a later accepted night)."""
    accepted = sorted(n.extract_date for n in nights if n.status == "accepted")
    waiting: list[dt.date] = []
    good: list[dt.date] = []
    for night in nights:
        if night.status != "rejected":
            continue
        later = [d for d in accepted if night.extract_date < d <= night.extract_date + dt.timedelta(days=WINDOW_DAYS)]
        (good if later and night.load_type == "nightly" else waiting).append(night.extract_date)
    return sorted(waiting), sorted(good)


def health_line(status: Status, counts: bool = True) -> str:
    """The one line the command, the report and `make demo` print (`counts`: awaiting and overdue,
    which an edition for readers beyond the IRO service leaves out)."""
    verdict = "HEALTHY" if status.healthy else ("STALE" if status.is_stale else "ATTENTION")
    if status.data_as_of is None:
        data = "no marts published yet"
    else:
        data = (f"data as of {status.data_as_of:%Y-%m-%d %H:%M} ({status.age_hours:g} h ago"
                f"{', stale' if status.is_stale else ''}), last accepted night {status.last_accepted_night}")
    parts = [data, f"{len(status.rejected_pending)} rejected night(s) pending"]
    if status.not_loaded:
        parts.append(f"{len(status.not_loaded)} night(s) never loaded")
    if counts and status.awaiting is not None:
        parts.append(f"{status.awaiting} awaiting, {status.overdue} overdue")
    return f"footprint {verdict}: " + "; ".join(parts)


def _nights_from_warehouse(settings: Settings) -> list[Night] | None:
    """The live record of nights; None when the nightly run holds the DuckDB file."""
    try:
        with connect(settings, read_only=True) as conn:
            return _nights(conn, "raw.extract_nights")
    except TransientError:  # the nightly run holds the DuckDB file
        return None
    except FootprintError:
        raise
    except Exception as exc:  # the driver's lock error, or no raw schema yet
        if "lock" in str(exc).lower():
            return None
        if "extract_nights" in str(exc) or "does not exist" in str(exc):
            return []
        raise


def _nights(conn: Connection, relation: str) -> list[Night]:
    rows = execute(conn, f"select extract_date, load_type, status from {relation} order by extract_date").fetchall()
    return [Night(_date(r[0]), str(r[1] or ""), str(r[2] or "")) for r in rows]


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def status_from_marts(conn: Connection, checked_at: dt.datetime, stale_hours: int) -> Status:
    """What the published marts alone tell (the report reads nothing else)."""
    status = Status(checked_at=checked_at, stale_after_hours=stale_hours, nights_from="published marts")
    nights = _nights(conn, "marts.rpt_pipeline_health")
    status.rejected_pending, status.made_good = pending(nights)
    row = execute(conn, "select max(as_of), max(case when is_latest_accepted then extract_date end) "
                        "from marts.rpt_pipeline_health").fetchone()
    if row and row[0] is not None:
        status.data_as_of = row[0] if isinstance(row[0], dt.datetime) else dt.datetime.fromisoformat(str(row[0]))
        status.last_accepted_night = _date(row[1]) if row[1] is not None else None
    counts = dict(execute(conn, "select worklist_status, count(*) from marts.rpt_footprint_worklist "
                                "group by worklist_status").fetchall())
    status.awaiting, status.overdue = int(counts.get("awaiting", 0)), int(counts.get("overdue", 0))
    return status


def read_status(settings: Settings | None = None, now: dt.datetime | None = None) -> Status:
    settings = settings or Settings.from_env()
    checked_at = now or now_in_london()
    try:
        with connect_marts(settings) as conn:
            status = status_from_marts(conn, checked_at, stale_after_hours())
    except FootprintError:  # nothing published yet
        status = Status(checked_at=checked_at, stale_after_hours=stale_after_hours())
    live = _nights_from_warehouse(settings)
    if live is None:
        status.nights_from = "published marts (the warehouse is busy: a run is in progress)"
    else:
        status.rejected_pending, status.made_good = pending(live)
        status.nights_from = "warehouse"
        status.not_loaded = _never_loaded(settings, live)
    return status


def _never_loaded(settings: Settings, nights: list[Night]) -> list[dt.date]:
    """Nights that arrived complete (a manifest) but left no record: refused by the loader. Only
    those between the first and the newest recorded night count: older ones predate the pipeline,
    a newer one may be on its way."""
    from footprint.ingest.landing import list_nights

    if not nights or not settings.landing_dir.is_dir():
        return []
    recorded = {n.extract_date for n in nights}
    first, newest = min(recorded), max(recorded)
    return [d for d in list_nights(settings.landing_dir) if first < d < newest and d not in recorded]
