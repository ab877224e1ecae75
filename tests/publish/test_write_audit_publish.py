"""Write-audit-publish end to end (issue 4): footprint.nightly.run_night on DuckDB and on a
real PostgreSQL, with generated nights of the `small` preset.

The good state is built once per backend: the initial load D0 goes through run_night
(load → gate → dbt build → publish); the nightly loads D1–D3 are loaded and gated like
any night (the volume gate's baseline: it needs three accepted nightly loads), and D4
goes through run_night, which builds and publishes all five (no model is incremental,
so this is what a build after every night would have left). Each test then starts
from a copy of that state, made cheaply: DuckDB copies the warehouse and marts files,
PostgreSQL creates a database from the good one as its template (nothing may be
connected to a template, and nothing is: every connection the pipeline opens is
closed). A bad input therefore costs its own load and gate only.

The test night T is the night after D4; LATER the one after it.

"Published" means what readers see: DuckDB, the marts file (FOOTPRINT_MARTS_PATH)
and its bytes; PostgreSQL, the views in schema `marts`. A checksum of every row of
every published mart is compared before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import selectors
import subprocess
import sys
from pathlib import Path

import pytest

from footprint.contract import FILES, MANIFEST_NAME
from footprint.errors import FootprintError
from footprint.ingest.landing import ExtractError, write_csv
from footprint.settings import CONFIG_DIR, PROJECT_ROOT
from tests.support.places import (
    Backend,
    Place,
    content,
    environment,
    night_row,
    published,
    raw_counts,
)
from tests.support.quality_cases import (
    CATALOGUE,
    WARNINGS,
    Night,
    episode_unknown_child,
    iso,
    read_night,
    write_night_folder,
)

pytestmark = [pytest.mark.dbt, pytest.mark.slow, pytest.mark.long]

BACKENDS = ["duckdb", "postgres"]
START = dt.date(2022, 3, 1)
SEED = 20220301
D0, D1, D2, D3, D4, T, LATER = (START + dt.timedelta(days=n) for n in range(7))
PSEUDONYM_KEY = "write-audit-publish-tests-key-0123456789"


# --- what the warehouse keeps downstream of raw -------------------------------------------------

# The pipeline's record of its own nights (for the health mart) lists every night by design, a
# rejected one too: the night's date and counts, none of its rows. The checks of what a build
# read from a night leave it out.
NIGHT_RECORDS = ("stg_pipeline__extract_nights", "int_pipeline__nights")


def downstream(place: Place, column: str, value) -> dict[str, int]:
    """Rows where `column` = `value`, in every staging and intermediate relation that has the column
    (the pipeline's record of nights apart)."""
    from footprint.warehouse import connect, execute, fetch_all

    with connect(place.settings()) as conn:
        relations = fetch_all(
            conn,
            "select table_schema, table_name from information_schema.columns "
            f"where table_schema in ('staging', 'intermediate') and column_name = '{column}' order by 1, 2",
        )
        return {
            f"{schema}.{table}": execute(conn, f"select count(*) from {schema}.{table} where {column} = %s",
                                         (value,)).fetchone()[0]
            for schema, table in relations if table not in NIGHT_RECORDS
        }


def intermediate(place: Place) -> dict[str, str]:
    """A checksum of the rows the marts accumulate across nights (int_*__measured), but for the
    "now" each row was last worked out at: a nightly build's other intermediate tables hold only
    the children it worked out again, so they differ by design between two histories."""
    from footprint.transform.incremental import ACCUMULATORS
    from footprint.warehouse import connect, fetch_all

    digests = {}
    with connect(place.settings()) as conn:
        for table in ACCUMULATORS:
            columns = [r[0] for r in fetch_all(conn, "select column_name from information_schema.columns "
                                                     "where table_schema = 'intermediate' and table_name = %s "
                                                     "order by ordinal_position", (table,))]
            assert columns, table
            rows = fetch_all(conn, f"select {', '.join(c for c in columns if c != 'as_of')} "
                                   f"from intermediate.{table}")
            digests[table] = hashlib.sha256(repr(sorted(tuple("" if v is None else str(v) for v in row)
                                                        for row in rows)).encode()).hexdigest()
    return digests


def produced_at(place: Place, night: dt.date) -> dt.datetime:
    return night_row(place, night)[2]


def run(place: Place, night: dt.date, landing: Path | None = None, quality: Path | None = None) -> None:
    from footprint.nightly import run_night

    run_night(night, place.settings(landing, quality))


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[dt.date, Path]:
    from footprint.devtools.generate import generate

    folders = generate(tmp_path_factory.mktemp("wap-landing"), "small", START, nights=6, history_years=1,
                       seed=SEED, progress=False)
    return {dt.date.fromisoformat(f.name): f for f in folders}


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, tmp_path_factory, generated) -> Backend:
    """The good state of one backend, built once: D0 and D4 run, D1–D3 loaded and gated."""
    from footprint import nightly

    root = tmp_path_factory.mktemp(f"wap-{request.param}")
    env = {
        "FOOTPRINT_PSEUDONYM_KEY": PSEUDONYM_KEY,
        # dbt's artifacts and logs of this module, apart from other runs in the same tree.
        "DBT_TARGET_PATH": str(root / "dbt-target"),
        "DBT_LOG_PATH": str(root / "dbt-logs"),
    }
    server = None
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        env.update({k: v for k, v in server.env().items() if k != "PGDATABASE"})
    landing = next(iter(generated.values())).parent
    b = Backend(request.param, root, landing, env, server)
    good = b.place("good")
    with environment(good.environ()):
        settings = good.settings()
        run(good, D0)
        for night in (D1, D2, D3):
            nightly.load(night, settings)
            nightly.gate(night, settings)
        run(good, D4)
        b.good, b.good_published, b.good_intermediate = good, published(good), intermediate(good)
        assert [night_row(good, d)[0] for d in (D0, D1, D2, D3, D4)] == ["accepted"] * 5
        assert b.good_published["as_of"] == [produced_at(good, D4)]
    return b


@pytest.fixture
def fresh(backend, monkeypatch):
    """fresh(source=good state) -> a Place copied from it, its environment set for the test."""
    made: list[Place] = []

    def make(source: Place | None = None) -> Place:
        place = backend.copy(source or backend.good)
        made.append(place)
        for key, value in place.environ().items():
            monkeypatch.setenv(key, value)
        return place

    yield make
    for place in made:
        backend.discard(place)


@pytest.fixture(scope="module")
def reference(backend) -> dict:
    """A run that never saw a bad night: the good state, then T as delivered."""
    place = backend.copy(backend.good, "reference")
    with environment(place.environ()):
        run(place, T)
        state = published(place)
        assert state["as_of"] == [produced_at(place, T)]
    assert content(state) != content(backend.good_published), "T changes the marts"
    return {"place": place, "published": state}


@pytest.fixture
def relaxed_quality(tmp_path) -> Path:
    """The shipped gate configuration with one check relaxed, as config/quality.yml allows:
    a child repeated in the ssd_person snapshot is a warning, not an error."""
    import yaml

    config = yaml.safe_load((CONFIG_DIR / "quality.yml").read_text(encoding="utf-8"))
    config["severity"]["files"]["ssd_person"] = {"unique": "warning"}
    path = tmp_path / "quality.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def bad_night(generated, mutate, landing: Path) -> Night:
    night = read_night(generated[T])
    mutate(night)
    write_night_folder(night, landing)
    return night


# --- 1. the catalogue: every bad input is caught and nothing a reader sees moves -----------------

def test_the_catalogue_covers_every_class_of_problem():
    """At least 25 bad inputs, every class of the issue among them."""
    from footprint.gate.suites import CHECKS

    classes = {CHECKS[check][0] for _, _, _, check in CATALOGUE.values()} | {"manifest"}
    assert classes == {"format", "enumeration", "plausibility", "reference", "volume", "manifest"}
    assert len(CATALOGUE) + len(MANIFEST) >= 25


@pytest.mark.parametrize("case", list(CATALOGUE), ids=[c.replace(" ", "-") for c in CATALOGUE])
def test_a_bad_night_is_rejected_at_the_gate_and_the_marts_do_not_move(backend, fresh, generated, case):
    """A night with one thing wrong, after good nights were published: run_night stops at the
    gate with QualityGateError naming the file, column and check; readers see exactly the marts
    of the last good night (every row of every mart; on DuckDB the file's very bytes); the
    night's rows stay in raw, marked rejected with its findings; staging does not read them."""
    from footprint.gate.validate import QualityGateError

    mutate, file, column, check = CATALOGUE[case]
    place = fresh()
    night = bad_night(generated, mutate, place.dir / "landing")

    with pytest.raises(QualityGateError) as caught:
        run(place, T, place.dir / "landing")

    message = str(caught.value)
    where = f"{file} {column}" if column else file
    assert f"[error] {where}: " in message and f"({check})" in message, message
    # Readers see exactly what they saw after the last good night.
    assert published(place) == backend.good_published
    # The night is kept in raw, every row of it, marked rejected with its validation result.
    status, result, _ = night_row(place, T)
    assert status == "rejected" and result["passed"] is False
    assert any((f["file"], f["column"], f["check"], f["severity"]) == (file, column, check, "error")
               for f in result["findings"])
    assert raw_counts(place, T) == {spec.table: len(night.rows[spec.table]) for spec in FILES}
    # Staging (views over raw) does not read it.
    by_night = downstream(place, "extract_date", T)
    assert {"staging.base_pipeline__accepted_nights", "staging.stg_lcs__case_note_versions"} <= set(by_night)
    assert not any(by_night.values()), by_night


def _rewrite_manifest(folder: Path, change) -> None:
    path = folder / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest["files"])
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def file_missing(night: Night, landing: Path) -> None:
    (write_night_folder(night, landing) / "case_notes.csv").unlink()


def file_changed_after_its_manifest(night: Night, landing: Path) -> None:
    folder = write_night_folder(night, landing)
    night.rows["ssd_person"][3]["pers_ethnicity"] = "ZZZZ"  # same records, other bytes
    header = night.headers["ssd_person"]
    write_csv(folder / "ssd_person.csv", header, ([r.get(c, "") for c in header] for r in night.rows["ssd_person"]))


def row_count_differs(night: Night, landing: Path) -> None:
    def one_more(files):
        files["case_notes.csv"]["rows"] += 1

    _rewrite_manifest(write_night_folder(night, landing), one_more)


def file_not_listed(night: Night, landing: Path) -> None:
    _rewrite_manifest(write_night_folder(night, landing), lambda files: files.pop("service_involvements.csv"))


def header_lacks_a_column(night: Night, landing: Path) -> None:
    header = night.headers["case_notes"]
    header[header.index("cano_type_code")] = "cano_type"
    write_night_folder(night, landing)


# name -> (how the delivery is broken, file, column, what the loader says)
MANIFEST = {
    "a file is missing": (file_missing, "case_notes.csv", None, "missing: the manifest lists it"),
    "a file's sha256 is not the manifest's": (
        file_changed_after_its_manifest, "ssd_person.csv", None, "sha256 differs from the manifest's"),
    "a file's row count is not the manifest's": (
        row_count_differs, "case_notes.csv", None, "records where the manifest says"),
    "a file is not in the manifest": (
        file_not_listed, "service_involvements.csv", None, "is not listed"),
    "a contract column is missing from a header": (
        header_lacks_a_column, "case_notes.csv", "cano_type_code", "contract column(s) missing"),
}


@pytest.mark.parametrize("case", list(MANIFEST), ids=[c.replace(" ", "-") for c in MANIFEST])
def test_a_broken_delivery_is_refused_by_the_loader_and_nothing_is_written(backend, fresh, generated, case):
    """A delivery that is not what its manifest says is refused by the loader, before anything
    is written: ExtractError naming the night and file, no row of the night in raw, marts unchanged."""
    breaks, file, column, says = MANIFEST[case]
    place = fresh()
    breaks(read_night(generated[T]), place.dir / "landing")

    with pytest.raises(ExtractError) as caught:
        run(place, T, place.dir / "landing")

    message = str(caught.value)
    assert f"{T}/" in message and file in message and says in message, message
    if column:
        assert column in message, message
    assert published(place) == backend.good_published
    assert night_row(place, T) is None, "the loader writes nothing for a night it refuses"
    assert not any(raw_counts(place, T).values())


# --- 2. a warning does not stop the night --------------------------------------------------------

def test_a_warning_only_problem_publishes_and_is_reported(backend, fresh, generated, caplog):
    """A problem the gate only warns about: the night is built and published, and the warning
    is in the stored validation result, the night's report and the log."""
    mutate, file, column, check = WARNINGS["note linked to an unknown episode"]
    place = fresh()
    bad_night(generated, mutate, place.dir / "landing")

    with caplog.at_level(logging.WARNING, logger="footprint.gate.validate"):
        run(place, T, place.dir / "landing")

    state = published(place)
    assert state["as_of"] == [produced_at(place, T)], "the night was published"
    assert content(state) != content(backend.good_published)
    status, result, _ = night_row(place, T)
    assert status == "accepted" and result["passed"] is True and result["errors"] == 0
    assert [(f["file"], f["column"], f["check"], f["severity"]) for f in result["findings"]] == [
        (file, column, check, "warning")]
    report = Path(result["report"]).read_text(encoding="utf-8")
    assert Path(result["report"]).parent == place.dir / "reports" / T.isoformat()
    assert "ACCEPTED" in report and "1 warning(s)" in report
    assert file in report and column in report and check in report
    assert any(r.levelno == logging.WARNING and f"{file} {column}" in r.getMessage() for r in caplog.records)


# --- 3. a rejected night, then its correction ------------------------------------------------------

def test_a_corrected_night_publishes_what_a_run_without_the_bad_one_would(backend, fresh, generated, reference):
    """A night rejected at the gate, then the corrected extract for the same date: the marts
    equal those of a run that never saw the bad one (the bad night's rows and child keys
    leave no trace in them)."""
    from footprint.gate.validate import QualityGateError

    place = fresh()
    # A bad extract that also brings a child nobody knows (its pseudonym is mapped at load).
    bad_night(generated, episode_unknown_child, place.dir / "landing")
    with pytest.raises(QualityGateError):
        run(place, T, place.dir / "landing")
    assert published(place) == backend.good_published

    run(place, T)  # the corrected extract for the same night, as delivered
    assert night_row(place, T)[0] == "accepted"
    assert content(published(place)) == content(reference["published"])


# --- 4. a BI tool holding the marts open ------------------------------------------------------------

BI_READER = """
import json, sys
sys.path.insert(0, sys.argv[3])
from tests.support.pipeline import marts_checksum
from tests.support.places import Backend, Place, content, environment, night_row, published, raw_counts

if sys.argv[1] == "duckdb":
    import duckdb
    conn = duckdb.connect(sys.argv[2], read_only=True)  # the published file, as a BI tool opens it
    schema = "main"
else:
    import psycopg2
    conn = psycopg2.connect("")  # PG* from the environment
    conn.set_session(readonly=True, autocommit=True)  # as BI tools connect
    schema = "marts"


def read():
    cur = conn.cursor()
    cur.execute("select table_name from information_schema.tables where table_schema = %r order by 1" % schema)
    tables = [r[0] for r in cur.fetchall()]
    cur.execute("select distinct cast(as_of as text) from %s.fct_missing_notifications" % schema)
    return {"marts": marts_checksum(conn, tables, schema), "as_of": sorted(r[0] for r in cur.fetchall())}


print(json.dumps(read()), flush=True)
for line in sys.stdin:
    print(json.dumps(read()), flush=True)
"""


class Reader:
    """A BI connection in a process of its own, held open until closed."""

    def __init__(self, place: Place):
        settings = place.settings()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", BI_READER, settings.target, str(settings.marts_path), str(PROJECT_ROOT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=dict(os.environ),
        )
        self.first = self._answer()

    def read(self) -> dict:
        self.proc.stdin.write("read\n")
        self.proc.stdin.flush()
        return self._answer()

    def _answer(self, timeout: float = 60) -> dict:
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise AssertionError("the BI reader did not answer")
        line = self.proc.stdout.readline()
        assert line, f"the BI reader exited ({self.proc.poll()})"
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_a_bi_connection_held_open_does_not_stop_the_night(backend, fresh, reference, monkeypatch):
    """A BI tool's connection, in a process of its own, open across the whole run: the night
    publishes, a new connection sees the new marts; on DuckDB the held connection keeps reading
    the file it opened (the old night, consistent), on PostgreSQL it reads the switched views."""
    place = fresh()
    # A blocked publish would wait for ever: make it fail instead.
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=20s")
    reader = Reader(place)
    try:
        before = reader.first
        assert before["marts"] == backend.good_published["marts"]
        assert before["as_of"] == [str(a) for a in backend.good_published["as_of"]]

        run(place, T)  # with the reader connected throughout

        assert content(published(place)) == content(reference["published"]), "a new connection sees the new night"
        held = reader.read()
    finally:
        reader.close()
    if backend.name == "duckdb":
        # The held connection still reads the file it opened: the old night, whole and consistent.
        assert held == before
    else:
        # A PostgreSQL session reads the views, switched to the new versions.
        assert held["marts"] == reference["published"]["marts"]
        assert held["as_of"] == [str(a) for a in reference["published"]["as_of"]]


# --- 5. an older night rerun after a newer one ----------------------------------------------------

def test_rerunning_an_older_night_never_turns_the_marts_back(backend, fresh, reference):
    """D4 run again after T: accepted and built, but "now" stays T's produced_at and the marts
    are those published after T."""
    place = fresh(reference["place"])
    assert produced_at(place, D4) < produced_at(place, T)

    run(place, D4)  # after T

    assert night_row(place, D4)[0] == "accepted"
    state = published(place)
    assert state["as_of"] == [produced_at(place, T)], "now is still the latest accepted night"
    assert content(state) == content(reference["published"])


# --- 6. the gate passes, a dbt test fails -----------------------------------------------------------

def test_a_night_failing_a_dbt_test_is_rejected_and_the_next_good_run_publishes(
        backend, fresh, generated, reference, relaxed_quality):
    """A night the gate lets through (a repeated child: a warning once the check is relaxed, as
    the configuration allows) but a dbt test fails on: the marts do not move, the night is
    marked rejected, the models are as before it, a retried build refuses it, and the
    corrected night then publishes what a run without the bad one would."""
    from footprint import nightly
    from footprint.gate.validate import QualityGateError

    def child_listed_twice(night: Night) -> None:
        # A fan-out in the extract query: one child's snapshot row delivered twice.
        night.rows["ssd_person"].append(dict(night.rows["ssd_person"][5]))

    place = fresh()
    bad_night(generated, child_listed_twice, place.dir / "landing")
    with pytest.raises(FootprintError) as caught:
        run(place, T, place.dir / "landing", relaxed_quality)

    assert not isinstance(caught.value, QualityGateError), "the gate only warned"
    message = str(caught.value)
    assert "dbt build failed" in message and "unique_stg_lcs__persons_person_id" in message, message
    assert published(place) == backend.good_published
    status, result, _ = night_row(place, T)
    assert status == "rejected" and result["stage"] == "dbt build"
    report = (place.dir / "reports" / T.isoformat() / "validation.md").read_text(encoding="utf-8")
    assert "ACCEPTED" in report and "pers_person_id" in report and "unique" in report
    # The build had rebuilt models with the night in them before its test failed: nothing
    # downstream may keep reading a rejected night.
    assert not any(downstream(place, "extract_date", T).values())
    assert intermediate(place) == backend.good_intermediate

    # Airflow retries a failed dbt_build task: the retry must not build around the rejected
    # night and let publish_marts go on as if the night had passed.
    with pytest.raises(FootprintError, match="rejected"):
        nightly.build(T, place.settings(place.dir / "landing", relaxed_quality))
    assert published(place) == backend.good_published

    run(place, T, quality=relaxed_quality)  # the corrected extract
    assert night_row(place, T)[0] == "accepted"
    assert content(published(place)) == content(reference["published"])


# --- the rejected night's rows are never read downstream -----------------------------------------

def test_a_rejected_nights_rows_stay_in_raw_and_no_later_build_reads_them(backend, fresh, generated):
    """A night rejected at the gate, then the next night built and published: the rejected
    rows are still in raw, and no staging view or intermediate table holds any of them."""
    from footprint.gate.validate import QualityGateError

    planted = "8765432101"

    def plant_a_bad_note(night: Night) -> None:
        note = dict(next(n for n in night.rows["case_notes"] if n["cano_type_code"] == "IRO"))
        note.update(cano_casenote_id=planted, modified_at=iso(night.produced_at - dt.timedelta(hours=1)),
                    cano_child_seen="y")  # an enumeration error: the night is rejected
        night.rows["case_notes"].append(note)

    place = fresh()
    bad_night(generated, plant_a_bad_note, place.dir / "landing")
    with pytest.raises(QualityGateError, match="cano_child_seen"):
        run(place, T, place.dir / "landing")

    run(place, LATER)  # the next night, good: built and published

    assert night_row(place, LATER)[0] == "accepted"
    assert published(place)["as_of"] == [produced_at(place, LATER)]
    assert night_row(place, T)[0] == "rejected"
    assert raw_counts(place, T)["case_notes"] > 0
    from footprint.warehouse import connect, execute

    with connect(place.settings()) as conn:
        (kept,) = execute(conn, "select count(*) from raw.case_notes where cano_casenote_id = %s "
                                "and _extract_date = %s", (planted, T)).fetchone()
    assert kept == 1, "the rejected night's rows stay in raw"

    by_night = downstream(place, "extract_date", T)
    later = downstream(place, "extract_date", LATER)
    assert later["staging.stg_lcs__case_note_versions"] > 0, "the query finds a night that was read"
    assert not any(by_night.values()), by_night
    by_note = downstream(place, "case_note_id", planted)
    assert any(r.startswith("intermediate.") for r in by_note), by_note
    assert not any(by_note.values()), by_note
