"""Crash safety: `kill -9` inside each step of a night (load, gate, build, publish), on DuckDB
and on PostgreSQL, then the night run again.

Each step runs as `python -c` calling footprint.nightly, as the DAG's task does, in a process
group of its own, and the whole group is killed with SIGKILL at several points: right after
it starts, and mid-way, once there is evidence of progress. The evidence is what the step
leaves where the test can see it (dbt's compiled models, the half-written publish file, a
publish waiting on a reader's lock), or, where a step's work is invisible until it commits
(the load, the gate), a line the step prints at that point through a wrapper the child
installs before it starts (it then sleeps: the kill lands right there).

After every kill, readers still see the previous night's complete marts, and the warehouse
opens (no stale lock). The killed step then runs again, as Airflow retries a task whose
worker died, and the night goes on. In the end it has succeeded, its marts and raw row
counts equal those of the same night never interrupted, and what the killed runs left (a
half-written publish file of a dead process, a version table no view reads) is gone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from footprint.contract import FILES, NIGHTS_TABLE
from tests.support.places import Backend, Place, content, environment, published

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

BACKENDS = ["duckdb", "postgres"]
STEPS = ["load", "gate", "build", "publish"]
PSEUDONYM_KEY = "crash-tests-key-0123456789abcdef"
KILL_TIMEOUT = 90  # seconds a step may take to reach its kill point on a busy machine

# The step, in a child process. HOOK (module:function:before|after:n) makes the n-th call of
# the function print PAUSED and sleep, so the kill lands at that point.
CHILD = r"""
import datetime as dt, importlib, sys, time
step, night, hook = sys.argv[1:4]
if hook:
    where, name, when, nth = hook.split(":")
    module = importlib.import_module(where)
    real, calls = getattr(module, name), [0]
    def pause():
        print("PAUSED", flush=True)
        time.sleep(600)
    def wrapped(*args, **kwargs):
        calls[0] += 1
        if when == "before" and calls[0] == int(nth):
            pause()
        result = real(*args, **kwargs)
        if when == "after" and calls[0] == int(nth):
            pause()
        return result
    setattr(module, name, wrapped)
from footprint import nightly
if step == "publish":
    nightly.publish()
else:
    getattr(nightly, step)(dt.date.fromisoformat(night))
print("DONE", flush=True)
"""


# --- the child and its kill ------------------------------------------------------------------

class Child:
    def __init__(self, step: str, night: dt.date, place: Place, hook: str = ""):
        env = {**os.environ, **place.environ(), **place.settings_env()}
        self.log = place.dir / f"child-{step}-{time.monotonic_ns()}.log"
        self.paused = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, step, night.isoformat(), hook], env=env, text=True,
            stdout=subprocess.PIPE, stderr=open(self.log, "w"), start_new_session=True,  # noqa: SIM115
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.started = time.time()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.strip() == "PAUSED":
                self.paused.set()

    def wait_until(self, evidence: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + KILL_TIMEOUT
        while time.monotonic() < deadline:
            if evidence():
                return
            if self.proc.poll() is not None:
                pytest.fail(f"the step ended ({self.proc.returncode}) before {what}:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.005)
        pytest.fail(f"no {what} within {KILL_TIMEOUT} s")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the whole group: kill -9 of the worker and its children
        self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL


@dataclasses.dataclass(frozen=True)
class Point:
    """Where in a step the kill lands: after `delay` seconds, or once `evidence` shows."""

    name: str
    hook: str = ""
    delay: float = 0.0
    evidence: Callable[[Child, Place], bool] | None = None
    leaves: Callable[[Place], bool] | None = None  # what the killed run leaves behind, seen before the rerun

    def reach(self, child: Child, place: Place) -> None:
        if self.hook:
            child.wait_until(child.paused.is_set, f"the pause at {self.hook}")
        elif self.evidence is not None:
            child.wait_until(lambda: self.evidence(child, place), self.name)
        else:
            time.sleep(self.delay)


def _dbt_models_compiled(child: Child, place: Place, at_least: int = 6) -> bool:
    """dbt writes each model's SQL under run/ of its target folder as it runs it (a nightly,
    scoped build's target folder is target/scoped/)."""
    target = Path(place.backend.env["DBT_TARGET_PATH"])
    return sum(1 for p in target.glob("**/run/**/*.sql") if p.stat().st_mtime >= child.started) >= at_least


def _publishing_files(place: Place) -> list[Path]:
    marts = place.settings().marts_path
    return list(marts.parent.glob(f".{marts.name}.*.publishing*"))


def _publish_waits_for_a_lock(child: Child, place: Place) -> bool:
    from footprint.warehouse import connect, fetch_value

    with environment(place.environ()), connect(place.settings()) as conn:
        return bool(fetch_value(conn, "select count(*) from pg_stat_activity where datname = current_database() "
                                      "and wait_event_type = 'Lock' and query like 'create or replace view%%'"))


RIGHT_AFTER_START = Point("right after start", delay=0.05)
POINTS: dict[str, dict[str, list[Point]]] = {
    "load": {t: [RIGHT_AFTER_START,
                 Point("four files into the open transaction", hook="footprint.ingest.raw_load:_load_one:after:4")]
             for t in BACKENDS},
    "gate": {t: [RIGHT_AFTER_START,
                 Point("reading the night's rows", hook="footprint.gate.night_data:read_frames:after:1")]
             for t in BACKENDS},
    "build": {t: [RIGHT_AFTER_START, Point("models being built", evidence=_dbt_models_compiled)]
              for t in BACKENDS},
    "publish": {
        "duckdb": [
            RIGHT_AFTER_START,
            Point("the new marts file half-written", evidence=lambda c, p: bool(_publishing_files(p))),
            Point("the new marts file complete, not yet renamed", hook="os:replace:before:1",
                  leaves=lambda p: bool(_publishing_files(p))),
        ],
        "postgres": [
            RIGHT_AFTER_START,
            # A reader holds the last mart: the switch has moved every table and repointed the
            # views before it, in its transaction, and waits there.
            Point("the views half switched, waiting for a reader", evidence=_publish_waits_for_a_lock),
        ],
    },
}


# --- the states of the night -------------------------------------------------------------------

@dataclasses.dataclass
class World:
    backend: Backend
    nights: list[dt.date]  # the night before (already published), the night killed
    base: Place  # the night before, published
    previous: dict  # what readers see before the killed night is published
    reference: dict  # the killed night run undisturbed: published marts, raw counts, versions


def seen(place: Place) -> dict:
    """What readers of `place` see: every published mart's rows and the marts' "now"."""
    with environment(place.environ()):
        return content(published(place))


def run_steps(place: Place, night: dt.date, steps: list[str]) -> None:
    from footprint import nightly

    settings = place.settings()
    with environment(place.environ()):
        for step in steps:
            nightly.publish(settings) if step == "publish" else getattr(nightly, step)(night, settings)


def raw_state(place: Place) -> dict:
    from footprint.warehouse import connect, fetch_all

    with environment(place.environ()), connect(place.settings()) as conn:
        counts = {spec.table: sorted(fetch_all(conn, f"select _extract_date, count(*) from raw.{spec.table} "
                                                     "group by 1")) for spec in FILES}
        counts["nights"] = sorted(fetch_all(conn, f"select extract_date, status, row_counts from raw.{NIGHTS_TABLE}"))
    return counts


def versions(place: Place) -> dict[str, int]:
    """PostgreSQL: version tables per mart in marts_versions (DuckDB: none)."""
    if place.database is None:
        return {}
    from footprint.warehouse import connect, fetch_all

    with environment(place.environ()), connect(place.settings()) as conn:
        names = [r[0] for r in fetch_all(conn, "select table_name from information_schema.tables "
                                               "where table_schema = 'marts_versions'")]
    out: dict[str, int] = {}
    for name in names:
        out[name.rsplit("__v", 1)[0]] = out.get(name.rsplit("__v", 1)[0], 0) + 1
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory) -> World:
    from tests.support.pipeline import write_nights

    root = tmp_path_factory.mktemp(f"crash-{request.param}")
    landing = root / "landing"
    nights = [dt.date.fromisoformat(f.name) for f in write_nights(landing, nights=1)]
    env = {"FOOTPRINT_PSEUDONYM_KEY": PSEUDONYM_KEY, "DBT_TARGET_PATH": str(root / "dbt-target"),
           "DBT_LOG_PATH": str(root / "dbt-logs")}
    server = None
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        env.update({k: v for k, v in server.env().items() if k != "PGDATABASE"})
    backend = Backend(request.param, root, landing, env, server, prefix="crash")
    base = backend.place("base")
    run_steps(base, nights[0], STEPS)
    undisturbed = backend.copy(base, "undisturbed")
    run_steps(undisturbed, nights[1], STEPS)
    reference = {"published": seen(undisturbed), "raw": raw_state(undisturbed), "versions": versions(undisturbed)}
    world = World(backend, nights, base, seen(base), reference)
    assert reference["published"] != world.previous, "the killed night changes the marts"
    return world


# --- the test ---------------------------------------------------------------------------------

def assert_readers_see_complete_marts(world: World, place: Place, step: str) -> None:
    allowed = [world.previous]
    if step == "publish":  # a kill after the switch leaves the new night, complete
        allowed.append(world.reference["published"])
    assert seen(place) in allowed, "readers see something other than a complete night's marts"


def assert_the_warehouse_opens(place: Place) -> None:
    """A dead writer holds nothing: its DuckDB file lock went with it, its PostgreSQL session
    rolls back within the client check, releasing its locks. Only client sessions count: an
    autovacuum worker in the database is the server's own, and under load it may vacuum the
    catalogue that dbt's builds churn for longer than the wait."""
    from footprint.warehouse import connect, fetch_all

    deadline = time.monotonic() + 15
    with environment(place.environ()), connect(place.settings()) as conn:
        if place.database is None:
            return
        while left := fetch_all(conn, LEFT_SESSIONS):
            assert time.monotonic() < deadline, f"a killed step's session is still there: {left}"
            time.sleep(0.2)


# Client sessions in the database other than the asker's, as (state, wait event, statement's
# first words) to say which step's session stayed.
LEFT_SESSIONS = (
    "select state, wait_event, left(query, 40) from pg_stat_activity "
    "where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()"
)


def test_kills_inside_every_step_harm_nothing_and_the_night_reruns(world):
    """The night, step by step; each step killed at each of its points, then run again (what
    Airflow does with a task whose worker died: it is retried, and the night goes on)."""
    backend = world.backend
    place = backend.copy(world.base, "killed")
    try:
        for step in STEPS:
            for point in POINTS[step][backend.name]:
                kill_inside(world, place, step, point)
            run_steps(place, world.nights[1], [step])

        assert seen(place) == world.reference["published"]
        assert raw_state(place) == world.reference["raw"]
        assert versions(place) == world.reference["versions"], "a version table no view reads was left"
        assert not _publishing_files(place), "a dead publish's file was left beside the marts"
    finally:
        backend.discard(place)


def kill_inside(world: World, place: Place, step: str, point: Point) -> None:
    with contextlib.ExitStack() as stack:
        if point.evidence is _publish_waits_for_a_lock:
            stack.enter_context(reader_holding(place, "rpt_footprint_worklist"))
        child = Child(step, world.nights[1], place, point.hook)
        point.reach(child, place)
        child.kill()
    assert_readers_see_complete_marts(world, place, step)
    assert_the_warehouse_opens(place)
    if point.leaves:
        assert point.leaves(place), f"{step}, {point.name}: the kill should leave its leftovers"


@contextlib.contextmanager
def reader_holding(place: Place, mart: str):
    """A BI session in the middle of a transaction on one published mart."""
    import psycopg2

    with environment(place.environ()):
        conn = psycopg2.connect("")
    try:
        conn.cursor().execute(f"select count(*) from marts.{mart}")
        yield conn
    finally:
        conn.rollback()
        conn.close()
