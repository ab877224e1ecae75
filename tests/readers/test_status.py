"""`footprint status`: healthy, stale, a rejected night pending or made good, a refused delivery."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from footprint import cli, nightly
from footprint.devtools.fixtures.hand_audit import write_hand_audit
from footprint.readers.status import Night, Status, health_line, pending, read_status
from footprint.settings import Settings

pytestmark = pytest.mark.dbt

D = dt.date(2022, 3, 1)


def night(offset: int, status: str, load_type: str = "nightly") -> Night:
    return Night(D + dt.timedelta(days=offset), load_type, status)


def test_a_rejected_night_is_made_good_only_by_an_accepted_nightly_load_within_the_window():
    nights = [night(0, "accepted", "initial"), night(1, "rejected"), night(2, "accepted"),
              night(20, "rejected"), night(40, "accepted"), night(41, "rejected")]
    assert pending(nights) == ([D + dt.timedelta(days=20), D + dt.timedelta(days=41)], [D + dt.timedelta(days=1)])
    assert pending([night(0, "rejected", "initial"), night(1, "accepted")]) == ([D], [])


def test_the_health_line_says_what_an_operator_needs():
    now = dt.datetime(2022, 3, 2, 7, 0)
    status = Status(checked_at=now, stale_after_hours=30, data_as_of=dt.datetime(2022, 3, 2, 1, 10),
                    last_accepted_night=dt.date(2022, 3, 2), awaiting=3, overdue=1)
    assert health_line(status) == ("footprint HEALTHY: data as of 2022-03-02 01:10 (5.8 h ago), last accepted "
                                   "night 2022-03-02; 0 rejected night(s) pending; 3 awaiting, 1 overdue")
    assert status.healthy
    status.checked_at = dt.datetime(2022, 3, 3, 8, 0)
    assert not status.healthy and health_line(status).startswith("footprint STALE: ")
    assert "awaiting" not in health_line(status, counts=False)


@pytest.mark.slow
def test_status_on_a_warehouse_with_a_refused_delivery_and_a_rejected_night(duckdb_env, tmp_path, monkeypatch, capsys):
    landing = tmp_path / "landing"
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(landing))
    monkeypatch.setenv("FOOTPRINT_MARTS_PATH", str(tmp_path / "marts.duckdb"))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    settings = Settings.from_env()
    first, second = write_hand_audit(landing)
    nightly.run_night(dt.date.fromisoformat(first.name), settings)
    nightly.run_night(dt.date.fromisoformat(second.name), settings)
    status = read_status(settings, now=dt.datetime(2022, 3, 2, 7, 0))
    assert status.healthy, health_line(status)
    assert (status.last_accepted_night, status.awaiting) == (dt.date(2022, 3, 2), 1)

    nightly.mark_night(dt.date(2022, 3, 2), "rejected", {"stage": "test"}, settings)
    status = read_status(settings, now=dt.datetime(2022, 3, 2, 7, 0))
    assert status.rejected_pending == [dt.date(2022, 3, 2)] and not status.healthy
    capsys.readouterr()  # the pipeline's own output
    assert cli.main(["status", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["rejected_pending"] == ["2022-03-02"] and out["healthy"] is False
    assert out["health_line"].startswith("footprint ")


def test_a_complete_night_the_loader_refused_is_pending_older_and_newer_ones_are_not(tmp_path):
    from footprint.readers.status import _never_loaded

    for day in ("2022-02-27", "2022-03-01", "2022-03-02", "2022-03-03", "2022-03-05"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "_manifest.json").write_text("{}")
    settings = Settings.from_env({"FOOTPRINT_LANDING_DIR": str(tmp_path)})
    recorded = [night(0, "accepted", "initial"), night(2, "accepted")]  # 1 and 3 March
    assert _never_loaded(settings, recorded) == [dt.date(2022, 3, 2)]


def test_while_a_run_holds_the_duckdb_file_status_reads_the_published_marts_and_reviews_wait(
        duckdb_env, tmp_path, monkeypatch):
    import subprocess
    import sys

    import pytest

    from footprint.errors import FootprintError
    from footprint.review import actions

    landing = tmp_path / "landing"
    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(landing))
    monkeypatch.setenv("FOOTPRINT_MARTS_PATH", str(tmp_path / "marts.duckdb"))
    monkeypatch.setenv("FOOTPRINT_REPORTS_DIR", str(tmp_path / "reports"))
    settings = Settings.from_env()
    first, _ = write_hand_audit(landing)
    nightly.run_night(dt.date.fromisoformat(first.name), settings)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(60)", str(settings.duckdb_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        status = read_status(settings, now=dt.datetime(2022, 3, 1, 7, 0))
        assert status.nights_from.startswith("published marts") and status.last_accepted_night == dt.date(2022, 3, 1)
        with pytest.raises(FootprintError, match="in use .the nightly run holds it.: try again"):
            actions.set_review(settings, "NT00042", "late_footprint", "wrong_note_type", None, "PM")
    finally:
        holder.kill()
        holder.wait()
