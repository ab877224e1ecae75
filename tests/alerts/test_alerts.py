"""Alerts reach a person: real SMTP and HTTP servers on loopback receive them, and what they
say is enough to act on and never a value from the extract nor a child identifier."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from footprint.alerts import message
from footprint.alerts.channels import deliver
from footprint.alerts.records import pending_rejection, record_rejection, settle_rejection
from footprint.alerts.settings import AlertSettings
from footprint.errors import DataError, FootprintError, TransientError
from footprint.ingest.landing import ExtractError
from footprint.settings import Settings
from tests.support.alert_servers import self_signed_certificate, smtp_server, webhook_server

pytestmark = pytest.mark.dbt

NIGHT = dt.date(2022, 3, 2)


def settings_for(*envs: dict[str, str]) -> AlertSettings:
    merged: dict[str, str] = {}
    for env in envs:
        merged.update(env)
    return AlertSettings.from_env(merged)


def a_rejection(report: Path | None = None) -> message.Alert:
    error = ExtractError("2022-03-02/case_notes.csv: record 7 (line 9), column cano_subject: a NUL byte")
    return message.rejected(NIGHT, error.step, error.summary_line(), report, error.fix,
                            message.Run("missing_footprint_nightly", "scheduled__2022-03-02T02:00:00+00:00",
                                        "load_night", 1))


def test_a_rejected_night_reaches_email_and_the_webhook(tmp_path):
    report = tmp_path / "reports" / "2022-03-02" / "load.md"
    alert = a_rejection(report)
    with smtp_server() as smtp, webhook_server() as hook:
        sent = deliver(alert, settings_for(smtp.env(), hook.env()))
    assert sent == ["log", "email", "webhook"]
    (mail,) = smtp.mails
    assert mail.recipients == ["iro-service@example.org", "data-team@example.org"]
    assert mail.sender == "footprint@example.org"
    assert mail.subject == "[footprint] night 2022-03-02 rejected at the load"
    for text in (mail.text, hook.texts()[0]):
        assert "rejected at the load" in text
        assert "case_notes.csv: record 7 (line 9), column cano_subject: a NUL byte" in text
        assert f"Report: {report}" in text
        assert "What to do: ask the case system's team to export the night again" in text
        assert "load_night" in text
    assert set(hook.bodies[0]) == {"text"}, "the one field Teams and Slack incoming webhooks both read"


def test_email_goes_over_starttls_with_a_login_when_the_server_offers_it(tmp_path, monkeypatch):
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the test server's certificate is the one trusted
    with smtp_server(tls=(cert, key), login=("footprint", "s3cret")) as smtp:
        env = smtp.env(FOOTPRINT_ALERT_SMTP_USER="footprint", FOOTPRINT_ALERT_SMTP_PASSWORD="s3cret")
        assert deliver(a_rejection(), settings_for(env)) == ["log", "email"]
    (mail,) = smtp.mails
    assert mail.tls and mail.authenticated


def test_a_password_is_never_sent_unencrypted_and_the_webhook_still_goes(caplog):
    with smtp_server() as smtp, webhook_server() as hook:
        env = smtp.env(FOOTPRINT_ALERT_SMTP_USER="footprint", FOOTPRINT_ALERT_SMTP_PASSWORD="s3cret")
        with caplog.at_level(logging.ERROR, logger="footprint.alerts.channels"):
            sent = deliver(a_rejection(), settings_for(env, hook.env()))
    assert sent == ["log", "webhook"]
    assert smtp.mails == []
    assert "does not offer STARTTLS" in caplog.text and "s3cret" not in caplog.text
    assert len(hook.bodies) == 1


def test_with_no_channel_set_the_alert_goes_to_the_log(caplog):
    with caplog.at_level(logging.INFO, logger="footprint.alerts.channels"):
        assert deliver(a_rejection(), settings_for({})) == ["log"]
    assert "[footprint] night 2022-03-02 rejected at the load" in caplog.text
    assert "What to do:" in caplog.text


def test_an_unreachable_channel_is_logged_not_raised(caplog):
    from tests.support.alert_servers import free_port

    dead = free_port()  # nothing listens there
    env = {"FOOTPRINT_ALERT_SMTP_HOST": "127.0.0.1", "FOOTPRINT_ALERT_SMTP_PORT": str(dead),
           "FOOTPRINT_ALERT_EMAIL_TO": "x@example.org", "FOOTPRINT_ALERT_WEBHOOK_URL": f"http://127.0.0.1:{dead}/"}
    with caplog.at_level(logging.ERROR, logger="footprint.alerts.channels"):
        assert deliver(a_rejection(), settings_for(env)) == ["log"]
    assert "alert email" in caplog.text and "alert webhook" in caplog.text


def test_errors_in_alert_words_never_carry_a_foreign_message():
    """Ours are written without values; a driver's may quote the row it choked on."""
    leaky = ValueError("invalid input syntax: 'Jane Doe, 12 Acacia Avenue'")
    assert "Jane" not in message.describe_error(leaky)
    assert message.describe_error(leaky).startswith("ValueError")
    assert message.describe_error(TransientError("cannot connect to the PostgreSQL warehouse: refused\nmore")) == (
        "cannot connect to the PostgreSQL warehouse: refused")
    gate_like = DataError("2 check(s) failed\n  [error] … e.g. cano_casenote_id=N0001 (row 3)")
    assert message.describe_error(gate_like) == "2 check(s) failed"
    assert str(DataError("x", fix="do y")) == "x\nWhat to do: do y"


def test_a_gate_rejection_names_files_columns_and_checks_without_row_ids():
    from footprint.gate.result import Finding, GateResult, QualityGateError

    finding = Finding("case_notes.csv", "cano_child_seen", "enumeration", "enumeration", "x",
                      "value outside the allowed codes Y, N", "error", 2,
                      row_ids=[{"cano_casenote_id": "N1234567", "_source_row": 4}])
    result = GateResult(NIGHT, False, "rejected", "nightly", [finding], [], Path("/r/validation.md"))
    error = QualityGateError(result)
    assert "N1234567" in str(error), "the task log and report carry row ids for the data team"
    line = error.summary_line()
    assert line == "1 check(s) failed: case_notes.csv cano_child_seen (enumeration, 2 row(s))"
    alert = message.rejected(NIGHT, error.step, line, error.report_path, error.fix)
    assert "N1234567" not in alert.text() and "rejected at the quality gate" in alert.text()
    assert "Report: /r/validation.md" in alert.text()


def test_a_rejection_is_recorded_with_its_report_and_settled_once(tmp_path):
    settings = Settings.from_env({"FOOTPRINT_REPORTS_DIR": str(tmp_path / "reports"),
                                  "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "w.duckdb")})
    error = ExtractError("2022-03-02/ssd_person.csv: header (line 1): contract column(s) missing: pers_sex")
    rejection = record_rejection(settings, NIGHT, error)
    assert error.report_path == tmp_path / "reports" / "2022-03-02" / "load.md"
    report = error.report_path.read_text(encoding="utf-8")
    assert "REJECTED" in report and "pers_sex" in report and "What to do" in report
    assert pending_rejection(settings, NIGHT) == rejection
    assert settle_rejection(settings, NIGHT) == rejection
    assert settle_rejection(settings, NIGHT) is None, "the recovery is told once"
    assert (tmp_path / "reports" / "2022-03-02" / "recovered.json").exists()


def test_the_late_alert_goes_once_after_the_london_time_while_the_extract_is_missing(tmp_path, monkeypatch):
    from footprint.alerts.late import arrived_or_alert_late

    landing = tmp_path / "landing"
    settings = Settings.from_env({"FOOTPRINT_LANDING_DIR": str(landing), "FOOTPRINT_REPORTS_DIR": str(tmp_path / "r"),
                                  "FOOTPRINT_DUCKDB_PATH": str(tmp_path / "w.duckdb")})
    monkeypatch.setenv("FOOTPRINT_ALERT_LATE_AFTER", "06:30")
    # 06:30 in London on 2 March 2022 is 06:30 UTC (GMT); on 2 July it would be 05:30 UTC (BST).
    before, after = dt.datetime(2022, 3, 2, 6, 29, tzinfo=dt.UTC), dt.datetime(2022, 3, 2, 6, 31, tzinfo=dt.UTC)
    with webhook_server() as hook:
        monkeypatch.setenv("FOOTPRINT_ALERT_WEBHOOK_URL", hook.url)
        assert arrived_or_alert_late(NIGHT, now=before, settings=settings) is False
        assert hook.texts() == [], "not late yet"
        assert arrived_or_alert_late(NIGHT, now=after, settings=settings) is False
        assert arrived_or_alert_late(NIGHT, now=after + dt.timedelta(hours=1), settings=settings) is False
        (landing / "2022-03-02").mkdir(parents=True)
        (landing / "2022-03-02" / "_manifest.json").write_text("{}")
        assert arrived_or_alert_late(NIGHT, now=after, settings=settings) is True
    (text,) = hook.texts()  # once, however many pokes
    assert "night 2022-03-02 late: no extract at 06:30" in text
    assert "had not arrived by 06:30 Europe/London" in text and str(landing / "2022-03-02") in text


def test_the_late_time_is_london_wall_clock_and_checked():
    from footprint.alerts.late import late_moment

    assert late_moment(dt.date(2022, 7, 2), dt.time(6, 0)).astimezone(dt.UTC).hour == 5  # BST
    assert late_moment(dt.date(2022, 1, 2), dt.time(6, 0)).astimezone(dt.UTC).hour == 6  # GMT
    with pytest.raises(FootprintError, match="FOOTPRINT_ALERT_LATE_AFTER"):
        AlertSettings.from_env({"FOOTPRINT_ALERT_LATE_AFTER": "six"})
    assert AlertSettings.from_env({}).late_after == dt.time(6, 0)


def test_an_alert_has_room_for_a_status_line():
    alert = a_rejection().with_status("last accepted night 2022-03-01, 1 night rejected")
    assert alert.text().splitlines()[-1] == "Status: last accepted night 2022-03-01, 1 night rejected"


class _TaskInstance:
    dag_id, run_id, task_id, try_number = "missing_footprint_nightly", "scheduled__2022-03-02T02:00:00+00:00", "x", 3


def _context(error: BaseException, task_id: str = "dbt_build") -> dict:
    ti = _TaskInstance()
    ti.task_id = task_id
    return {"exception": error, "ti": ti, "params": {"extract_date": "2022-03-02"}, "logical_date": None}


def test_a_failure_becomes_the_alert_its_kind_calls_for(tmp_path, monkeypatch):
    """What Airflow's failure callback hands the notifier, for each kind of failure."""
    from airflow.sdk.exceptions import AirflowSensorTimeout

    from footprint.alerts.notifiers import failure_alert

    monkeypatch.setenv("FOOTPRINT_LANDING_DIR", str(tmp_path / "landing"))
    rejected = failure_alert(_context(ExtractError("2022-03-02/ssd_person.csv: record 3 (line 4): a NUL byte"),
                                      "load_night"))
    assert rejected.kind == message.REJECTED and rejected.night == NIGHT
    assert "record 3 (line 4): a NUL byte" in rejected.text()
    failed = failure_alert(_context(TransientError("cannot connect to the PostgreSQL warehouse: refused")))
    assert failed.kind == message.FAILED and "dbt_build of the night 2022-03-02 failed after 3 tries" in failed.text()
    assert "cannot connect to the PostgreSQL warehouse" in failed.text()
    foreign = failure_alert(_context(RuntimeError("row 0010002 'Jane Doe' broke it")))
    assert "0010002" not in foreign.text() and "RuntimeError" in foreign.text()
    never = failure_alert(_context(AirflowSensorTimeout("timed out"), "wait_for_manifest"))
    assert never.kind == message.NEVER_ARRIVED and str(tmp_path / "landing" / "2022-03-02") in never.text()


def test_wrong_alert_settings_cost_neither_the_alert_nor_the_task(monkeypatch, caplog):
    monkeypatch.setenv("FOOTPRINT_ALERT_SMTP_PORT", "twenty-five")
    with caplog.at_level(logging.INFO, logger="footprint.alerts"):
        assert deliver(a_rejection()) == ["log"]
    assert "FOOTPRINT_ALERT_SMTP_PORT must be a port number" in caplog.text
    assert "[footprint] night 2022-03-02 rejected at the load" in caplog.text
