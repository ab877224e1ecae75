"""`footprint warehouse init`: schemas, least-privilege roles and grants on PostgreSQL."""

from __future__ import annotations

import argparse

from footprint.errors import FootprintError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["init"], help="init: create schemas and roles, apply grants")


def run(args: argparse.Namespace) -> int:
    from footprint.publish.roles import ROLES, init_warehouse
    from footprint.settings import Settings
    from footprint.warehouse.postgres import PostgresTarget

    settings = Settings.from_env()
    if settings.target != "postgres":
        raise FootprintError("roles exist on PostgreSQL only (FOOTPRINT_TARGET=postgres); DuckDB is a local file")
    conn = PostgresTarget().connect(settings)
    try:
        statements = init_warehouse(conn)
    finally:
        conn.close()
    print(f"warehouse initialised: {len(statements)} statements; roles " + ", ".join(r.name for r in ROLES))
    return 0
