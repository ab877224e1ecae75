"""The working-day calendar seed: committed, and identical to a fresh generation."""

from __future__ import annotations

import csv
import datetime as dt
import io

from footprint.devtools import calendar


def _days(text: str) -> dict[str, tuple[str, str]]:
    return {row["calendar_date"]: (row["is_working_day"], row["holiday_name"])
            for row in csv.DictReader(io.StringIO(text))}


def test_committed_seed_equals_a_fresh_generation():
    committed = calendar.seed_path().read_text(encoding="utf-8")
    assert committed == calendar.render(), (
        "dbt_project/seeds/calendar_days.csv is stale (a new `holidays` release or a new bank "
        "holiday?): run `footprint calendar` and commit the seed"
    )


def test_calendar_covers_2010_to_2040_with_england_and_wales_bank_holidays():
    days = _days(calendar.render())
    assert min(days) == "2010-01-01" and max(days) == "2040-12-31"
    assert len(days) == (dt.date(2040, 12, 31) - dt.date(2010, 1, 1)).days + 1
    assert days["2022-01-02"] == ("false", "")  # Sunday
    assert days["2022-01-03"][0] == "false" and days["2022-01-03"][1]  # New Year's Day, observed
    assert days["2022-01-04"] == ("true", "")  # a bank holiday in Scotland only
    assert days["2022-03-17"] == ("true", "")  # St Patrick's Day: Northern Ireland only
    assert days["2022-09-19"][0] == "false"  # the Queen's state funeral
    assert days["2023-05-08"][0] == "false"  # the King's coronation
    assert days["2022-08-01"] == ("true", "")  # Scotland's summer holiday, not England's
    assert days["2022-08-29"][0] == "false"  # England and Wales's late summer holiday


def test_calendar_command_check_reports_a_stale_seed(tmp_path, capsys):
    import argparse

    from footprint.cli import calendar as calendar_command

    stale = tmp_path / "calendar_days.csv"
    stale.write_text("calendar_date,is_working_day,holiday_name\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    calendar_command.add_arguments(parser)
    assert calendar_command.run(parser.parse_args(["--out", str(stale), "--check"])) == 1
    assert calendar_command.run(parser.parse_args(["--out", str(stale)])) == 0
    assert calendar_command.run(parser.parse_args(["--out", str(stale), "--check"])) == 0
    assert stale.read_text(encoding="utf-8") == calendar.render()
