"""`footprint warehouse init`: schemas and least-privilege roles on PostgreSQL.

Idempotent: run it at every deployment. It connects with the PG* variables of
an administrator (the database owner) and creates or updates four login roles
whose names and passwords come from the environment:

* loader      (FOOTPRINT_LOADER_USER):      writes `raw` only;
* transformer (FOOTPRINT_TRANSFORMER_USER): reads `raw`, builds every other schema, publishes;
* bi          (FOOTPRINT_BI_USER):          reads `marts` only;
* service     (FOOTPRINT_SERVICE_USER):     the IRO service's managers: `marts` and `restricted`,
                                            and the `review` schema (insert and read, never change).

Only the loader and the transformer can read case-note text. The `review`
schema (footprint.review.store) belongs to the administrator: the service role
appends to it, the transformer reads it, nobody else sees it. Grants on the
published schemas are default privileges of the transformer, so they cover
views created after the grant and by every later publish.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycopg2.extensions import connection as PgConnection

log = logging.getLogger(__name__)

RAW = "raw"
BUILT = ("seeds", "staging", "intermediate", "marts_build", "marts_versions", "restricted_build")
PUBLISHED = ("marts", "restricted")


@dataclass(frozen=True)
class Role:
    key: str
    default_name: str

    @property
    def name(self) -> str:
        return os.environ.get(f"FOOTPRINT_{self.key.upper()}_USER", self.default_name)

    @property
    def password(self) -> str | None:
        return os.environ.get(f"FOOTPRINT_{self.key.upper()}_PASSWORD")


LOADER = Role("loader", "footprint_loader")
TRANSFORMER = Role("transformer", "footprint_transformer")
BI = Role("bi", "footprint_bi")
SERVICE = Role("service", "footprint_service")
ROLES = (LOADER, TRANSFORMER, BI, SERVICE)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def init_warehouse(conn: PgConnection) -> list[str]:
    """Create schemas and roles and (re)apply every grant; return the statements run."""
    cur = conn.cursor()
    done: list[str] = []

    def run(sql: str, params: tuple = ()) -> None:
        cur.execute(sql, params)
        done.append(sql)

    cur.execute("select current_database()")
    row = cur.fetchone()
    assert row is not None
    database = _ident(row[0])
    loader, transformer, bi, service = (_ident(r.name) for r in ROLES)

    for role in ROLES:
        cur.execute("select 1 from pg_roles where rolname = %s", (role.name,))
        verb = "alter" if cur.fetchone() else "create"
        if role.password:
            run(f"{verb} role {_ident(role.name)} login password %s", (role.password,))
        else:
            run(f"{verb} role {_ident(role.name)} login")

    # Nobody gets anything by default: not the public schema, not the database.
    run(f"revoke all on database {database} from public")
    run("revoke create on schema public from public")
    for role in ROLES:
        run(f"grant connect on database {database} to {_ident(role.name)}")
    # COPY lands in a temporary table before the contract's columns are picked out of it.
    run(f"grant temporary on database {database} to {loader}, {transformer}")

    run(f"create schema if not exists {RAW} authorization {loader}")
    run(f"alter schema {RAW} owner to {loader}")
    run(f"grant usage on schema {RAW} to {transformer}")
    run(f"grant select on all tables in schema {RAW} to {transformer}")
    run(f"alter default privileges for role {loader} in schema {RAW} grant select on tables to {transformer}")
    # A night whose dbt build fails is set aside by the transformer (footprint.nightly.build).
    cur.execute("select 1 from information_schema.tables where table_schema = 'raw' and table_name = 'extract_nights'")
    if cur.fetchone():
        run(f"grant update on {RAW}.extract_nights to {transformer}")
    run(f"alter default privileges for role {loader} in schema {RAW} grant update on tables to {transformer}")

    for schema in (*BUILT, *PUBLISHED):
        run(f"create schema if not exists {schema} authorization {transformer}")
        run(f"alter schema {schema} owner to {transformer}")
    # dbt creates the schemas it misses; the transformer may do that, nobody else.
    run(f"grant create on database {database} to {transformer}")

    for schema, readers in (("marts", (bi, service)), ("restricted", (service,))):
        for reader in readers:
            run(f"grant usage on schema {schema} to {reader}")
            run(f"grant select on all tables in schema {schema} to {reader}")
            run(f"alter default privileges for role {transformer} in schema {schema} grant select on tables to {reader}")
    _review_grants(conn, run, service, transformer)
    conn.commit()
    return done


def _review_grants(conn: PgConnection, run: Callable[[str], None], service: str, transformer: str) -> None:
    """Append-only by privilege: the tables are the administrator's, the service may insert."""
    from footprint.review.store import SCHEMA, ensure_review_tables

    ensure_review_tables(conn)
    run(f"revoke all on schema {SCHEMA} from public")
    run(f"grant usage on schema {SCHEMA} to {service}, {transformer}")
    run(f"grant select, insert on all tables in schema {SCHEMA} to {service}")
    run(f"grant select on all tables in schema {SCHEMA} to {transformer}")


@contextlib.contextmanager
def acting_as(role: Role) -> Iterator[None]:
    """Connect as `role` inside the block: libpq (psycopg2) and dbt both read PGUSER/PGPASSWORD.

    Without FOOTPRINT_<ROLE>_USER set (a developer's single-user database) it changes nothing.
    """
    user_var = f"FOOTPRINT_{role.key.upper()}_USER"
    if user_var not in os.environ:
        yield
        return
    saved = {k: os.environ.get(k) for k in ("PGUSER", "PGPASSWORD")}
    os.environ["PGUSER"] = role.name
    if role.password is not None:
        os.environ["PGPASSWORD"] = role.password
    else:
        os.environ.pop("PGPASSWORD", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
