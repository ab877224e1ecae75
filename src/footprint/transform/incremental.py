"""What a night's `dbt build` must work out again, so its cost follows the night, not the history.

Every rule of the audit is worked out per child: a notification belongs to the child of its
measured episode, and each record reaches it through that child. So a build need only redo the
children the night can have changed, and keep every other child's rows as they were:

* the children of any record (every version of it, on any night) that a newly accepted night
  carries: an episode, a case note, a CLA review, or a notification (through its episodes);
* the children whose row changed in a snapshot file (persons, allocations, other services)
  between the night the last build read and the latest accepted one;
* the children of every notification a programme manager has reviewed;
* the children whose rows "now" moves: a notification's due time or horizon, or a record's
  time, passed between the last build's as_of and this one's (a notification without a due time
  or horizon is always taken in). Times a record carries beyond a build's as_of are kept in
  `build_pending_times` (its child, the time), so a record in none of a notification's windows
  yet, and so in no accumulating model, still brings its child in when "now" reaches it;
* the children a build that did not finish had in scope (kept until a build completes).

Of the children a case note, a CLA review or a snapshot row brings, only those with an episode
(on any night) count: nothing else of a child reaches the marts. A record a snapshot lists twice
brings its child in all the same, so that the build's uniqueness tests refuse the night.

Everything is rebuilt instead (a full build, by itself) when there is no completed build to
follow, when the criteria, the calendar or the model code changed (the fingerprint), when the
professionals or the workers allocated as IRO to any child changed, when a night the last build
read was reloaded or set aside (which is also how "now" can go back), or when dbt was asked for
a part of the project only.

The IROs' case notes' keyword matches accumulate per note instead (the free text is the costly
part of a child's rows, and a note changes only on a night that carries a changed row of it): a
nightly build matches again every note of which a new night changed a row, every version of it
(`build_scope_records`, kept until a build completes, as the children are).

State lives beside the models it describes, in the intermediate schema: `build_ledger` (the last
completed build: fingerprint, the nights it read, its as_of), `build_pending_times` (the record
times beyond that as_of), `build_scope` (the children of the build under way) and
`build_scope_records` (its case notes). The models read the scope through the sources
`build.build_scope` and `build.build_scope_records`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from footprint.settings import DBT_PROJECT_DIR, Settings
from footprint.transform.changed_rows import (
    SNAPSHOT_FILES,
    Night,
    changed_records,
    event_children,
    listed_twice,
    night_pair,
    record_times,
    snapshot_children,
    snapshot_diff,
    staging_parsers,
    with_an_episode,
)
from footprint.warehouse import Connection, connect, execute, fetch_all, fetch_value, target_of
from footprint.warehouse.base import RAW

log = logging.getLogger(__name__)

STATE_SCHEMA = "intermediate"
LEDGER = f"{STATE_SCHEMA}.build_ledger"
SCOPE = f"{STATE_SCHEMA}.build_scope"
SCOPE_RECORDS = f"{STATE_SCHEMA}.build_scope_records"
NOTIFICATIONS = f"{STATE_SCHEMA}.int_notifications__measured"
PENDING_TABLE = "build_pending_times"
PENDING = f"{STATE_SCHEMA}.{PENDING_TABLE}"
ACCUMULATORS = ("int_notifications__measured", "int_footprint_evidence__measured",
                "int_case_note_versions__keyword_matches")
# The model code a fingerprint covers: a change to any of it rebuilds everything.
CODE_PATHS = ("models", "macros", "seeds", "dbt_project.yml")
GLOBAL_SNAPSHOTS = ("ssd_professionals",)
# What a nightly build leaves as the last full build made it: the nodes tagged code_only, whose
# rows follow from the model code alone (the calendar), and their tests. The fingerprint covers
# that code, so a change to it is a full build; a nightly build is a whole project but for them.
NIGHTLY_EXCLUDES = ("--exclude", "tag:code_only")
# dbt options that keep the whole project selected.
_WHOLE_PROJECT = {"--exclude-resource-type", "--resource-type", "--resource-types", "--exclude-resource-types"}

NIGHTLY_SCOPE = "children"  # the build_scope var of a nightly build


@dataclass(frozen=True)
class BuildPlan:
    """`scope` is NIGHTLY_SCOPE (the nightly path) or 'all' (a full build, reason says why)."""

    scope: str
    reason: str
    fingerprint: str
    nights: tuple[Night, ...] = ()
    as_of: dt.datetime | None = None
    children: int = 0
    record: bool = True  # whether a success completes the ledger (not for a part of the project)
    built: tuple[Night, ...] = ()  # the nights the last completed build read
    built_as_of: dt.datetime | None = None  # and its "now"

    @property
    def full(self) -> bool:
        return self.scope == "all"

    @property
    def new_nights(self) -> list[str]:
        """The accepted nights (their dates) the last completed build did not read."""
        built = set(self.built)
        return [d for d, loaded in self.nights if (d, loaded) not in built]


def fingerprint(dbt_vars: dict[str, Any]) -> str:
    """sha256 of the criteria vars and every file of the model code (models, macros, seeds)."""
    digest = hashlib.sha256(json.dumps(dbt_vars, sort_keys=True, default=str).encode())
    for name in CODE_PATHS:
        root = DBT_PROJECT_DIR / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def is_whole_project(args: Sequence[str]) -> bool:
    """False when dbt was given a selection (--select, --exclude, a selector...)."""
    options = [a.split("=", 1)[0] for a in args if a.startswith("-")]
    selecting = {"-s", "--select", "-m", "--models", "--model", "--exclude", "--selector", "--inline"}
    return not any(o in selecting for o in options if o not in _WHOLE_PROJECT)


def prepare_build(settings: Settings, dbt_vars: dict[str, Any], args: Sequence[str]) -> BuildPlan:
    """Decide the build, write its scope and commit, before dbt runs (the state tables exist:
    run_dbt makes them, with the other sources, before any command that reads models)."""
    print_ = fingerprint(dbt_vars)
    with connect(settings) as conn:
        plan = _plan(conn, print_, args, str(dbt_vars.get("iro_role_description", "")))
        if plan.full:
            # A full build that crashes must be followed by a full build: forget the last one.
            execute(conn, f"delete from {LEDGER}")  # noqa: S608 (constants)
        else:
            plan = _with_children(conn, plan)
        conn.commit()
    log.info("dbt %s: %s (%s)", "full build" if plan.full else f"nightly build of {plan.children} child(ren)",
             plan.reason, "incremental" if not plan.full else "--full-refresh")
    return plan


def complete_build(settings: Settings, plan: BuildPlan) -> None:
    """After dbt succeeded: the build becomes the last completed one and its scope is done."""
    with connect(settings) as conn:
        for table in (SCOPE, SCOPE_RECORDS, LEDGER):
            execute(conn, f"delete from {table}")  # noqa: S608 (constants)
        if plan.record:
            _keep_pending_times(conn, plan)
            execute(
                conn,
                f"insert into {LEDGER} (fingerprint, nights, as_of, built_at) values (%s, %s, %s, %s)",  # noqa: S608
                (plan.fingerprint, json.dumps(list(plan.nights)), plan.as_of,
                 dt.datetime.now(dt.UTC).replace(tzinfo=None)),
            )
        conn.commit()


def _keep_pending_times(conn: Connection, plan: BuildPlan) -> None:
    """The times beyond the build's as_of that the records of the nights it read carry, by child:
    after a full build from every accepted night; after a nightly one, what "now" has passed goes
    and the new nights add theirs. Made here, not with the other state tables, so that a warehouse
    without it (a build before it existed) is rebuilt whole first."""
    execute(conn, f"create table if not exists {PENDING} (person_id text not null, pending_at timestamp not null)")
    if plan.as_of is None:
        return
    new = [dt.date.fromisoformat(d) for d in plan.new_nights]
    if plan.full:
        execute(conn, f"delete from {PENDING}")  # noqa: S608 (constants)
    else:
        execute(conn, f"delete from {PENDING} where pending_at <= %s", (plan.as_of,))  # noqa: S608
    nights = ((f"select extract_date from {RAW}.extract_nights where status = 'accepted'", ()) if plan.full  # noqa: S608
              else (", ".join(["%s"] * len(new)), tuple(new)))
    if plan.full or new:
        times, params = record_times(*nights)
        execute(conn, f"insert into {PENDING} (person_id, pending_at) select distinct person_id, pending_at "  # noqa: S608
                      f"from ({times}) as timed where person_id is not null and pending_at > %s", (*params, plan.as_of))


def ensure_state_tables(conn: Connection) -> None:
    target = target_of(conn)
    target.create_schema(conn, STATE_SCHEMA)
    execute(conn, f"create table if not exists {LEDGER} (fingerprint text not null, nights text not null, "
                  "as_of timestamp, built_at timestamp not null)")
    execute(conn, f"create table if not exists {SCOPE} (person_id text not null)")
    execute(conn, f"create table if not exists {SCOPE_RECORDS} (record_id text not null)")


def _plan(conn: Connection, print_: str, args: Sequence[str], iro_role: str) -> BuildPlan:
    nights, as_of = _accepted_nights(conn)
    ledger = fetch_all(conn, f"select fingerprint, nights, as_of from {LEDGER}")  # noqa: S608
    built_print, built, built_as_of = (
        (ledger[0][0], tuple(tuple(n) for n in json.loads(ledger[0][1])), ledger[0][2]) if ledger else (None, (), None)
    )
    plan = BuildPlan(NIGHTLY_SCOPE, "", print_, nights, as_of, record=is_whole_project(args),
                     built=built, built_as_of=built_as_of)
    full = _full_build_reason(conn, plan, args, built_print if ledger else None, iro_role)
    return dataclasses.replace(plan, scope="all", reason=full) if full else plan


def _full_build_reason(conn: Connection, plan: BuildPlan, args: Sequence[str], built_print: str | None,
                       iro_role: str) -> str | None:
    """Why this build must rebuild everything, or None when a nightly build is exact."""
    if "--full-refresh" in args:
        return "asked for (--full-refresh)"
    if not plan.record:
        return "a part of the project was selected"
    if built_print is None:
        return "no completed build to follow"
    built = set(plan.built)
    existing = set(target_of(conn).tables(conn, STATE_SCHEMA, base_tables_only=True))
    reasons = (
        (built_print != plan.fingerprint, "the criteria, the calendar or the models changed"),
        (not set(ACCUMULATORS) <= existing, "a model that accumulates across nights is missing"),
        (PENDING_TABLE not in existing, "no record times were kept by the last build"),
        # Also where "now" went back: the latest night built is no longer accepted.
        (not built <= set(plan.nights), "a night the last build read was reloaded or set aside"),
        (plan.as_of is None or plan.built_as_of is None, "no accepted night"),
    )
    for true, reason in reasons:
        if true:
            return reason
    latest_built = max(n[0] for n in built)
    latest = max(n[0] for n in plan.nights)
    if latest == latest_built:
        return None
    if _snapshot_changed(conn, GLOBAL_SNAPSHOTS, latest_built, latest):
        return "the professionals changed"
    if _iros_changed(conn, iro_role, latest_built, latest):
        return "the IROs changed"
    return None


def _iros_changed(conn: Connection, iro_role: str, before: str, after: str) -> bool:
    """Whether the workers allocated as IRO to any child differ between two nights: whose notes
    are an IRO's is read for every child (int_professionals__iros), so it moves any child's rows."""
    macros = staging_parsers()
    iros = (f"select {macros.parse_id('invo_professional_id')} from {RAW}.ssd_involvements "  # noqa: S608
            f"where _extract_date = %s and {macros.parse_text('invo_professional_role_id')} = %s")
    changed = f"({iros} except {iros}) union all ({iros} except {iros})"
    params = tuple(p for night in night_pair(after, before) for p in (night, iro_role))
    return bool(fetch_value(conn, f"select count(*) from ({changed}) as changed", params))  # noqa: S608


def _accepted_nights(conn: Connection) -> tuple[tuple[Night, ...], dt.datetime | None]:
    rows = fetch_all(conn, f"select extract_date, loaded_at, produced_at from {RAW}.extract_nights "  # noqa: S608
                           "where status = 'accepted' order by extract_date")
    nights = tuple((str(d), str(loaded)) for d, loaded, _ in rows)
    return nights, max((p for *_, p in rows), default=None)


def _snapshot_changed(conn: Connection, tables: Sequence[str], before: str, after: str) -> bool:
    return any(fetch_value(conn, f"select count(*) from ({snapshot_diff(table)}) as changed", night_pair(after, before))
               for table in tables)


def _with_children(conn: Connection, plan: BuildPlan) -> BuildPlan:
    built, new_dates = plan.built, plan.new_nights
    selects: list[tuple[str, tuple]] = []
    if new_dates:
        # The changed case notes are matched again, and bring their children in.
        _add_scope(conn, SCOPE_RECORDS, "record_id", *changed_records("case_notes", new_dates, built))
        selects += event_children(new_dates, built, {"case_notes": f"select record_id from {SCOPE_RECORDS}"})  # noqa: S608
    latest_built, latest = max(n[0] for n in built), max(n[0] for n in plan.nights)
    if latest != latest_built:
        latest_date = dt.date.fromisoformat(latest)
        for table, person in SNAPSHOT_FILES.items():
            selects.append((with_an_episode(snapshot_children(table, person)), night_pair(latest, latest_built)))
            selects.append((listed_twice(table, person), (latest_date, latest_date)))
    assert plan.built_as_of is not None  # a nightly build follows a completed one
    assert plan.as_of is not None
    selects += _standing_children(plan.built_as_of, plan.as_of)
    for sql, params in selects:
        _add_scope(conn, SCOPE, "person_id", sql, params)
    children = int(fetch_value(conn, f"select count(*) from {SCOPE}"))  # noqa: S608
    return dataclasses.replace(plan, reason=f"{len(new_dates)} new night(s)", children=children)


def _add_scope(conn: Connection, table: str, column: str, sql: str, params: tuple) -> None:
    """Add the ids `sql` lists to a scope table; what a build that did not finish had in scope
    stays, until a build completes."""
    execute(conn, f"insert into {table} ({column}) select distinct scoped.{column} "  # noqa: S608
                  f"from ({sql}) as scoped where scoped.{column} is not null "
                  f"and scoped.{column} not in (select {column} from {table})", params)


def _standing_children(built_as_of: dt.datetime, as_of: dt.datetime) -> list[tuple[str, tuple]]:
    """Children whose rows "now" moves from the last build's as_of to this one's (both ends
    taken in: a rule may compare either way), and those a programme manager reviewed. An
    evidence row's recorded or counted-from time is one of its record's kept times (a note's
    created, event or version time, a review's date), so the kept times cover the evidence too."""
    passed = (f"select person_id from {NOTIFICATIONS} where due_at is null or horizon_at is null "  # noqa: S608
              "or due_at between %s and %s or horizon_at between %s and %s")
    pending = f"select person_id from {PENDING} where pending_at between %s and %s"  # noqa: S608
    reviewed = (f"select person_id from {NOTIFICATIONS} where notification_key in "  # noqa: S608
                "(select notification_key from review.category_reviews)")
    window = (built_as_of, as_of)
    return [(passed, window * 2), (pending, window), (reviewed, ())]
