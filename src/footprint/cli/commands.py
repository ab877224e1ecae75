"""The sub-commands of `footprint`, one module each in this package.

Each module exposes `add_arguments(parser)` and `run(args) -> int` and imports
the stage it drives only when it runs, so `footprint --help` and the DAG file
stay cheap. The module is named after its command (`run-night` → `run_night`).
"""

from __future__ import annotations

import argparse
import importlib

from footprint.errors import FootprintError as UserError

# command name -> one-line help, in the order data flows, then readers, then tools
COMMANDS: dict[str, str] = {
    "load": "verify a night against its manifest and load it into raw",
    "validate": "run the quality gate on a loaded night",
    "build": "run dbt with the audit criteria (build, test, …)",
    "criteria": "compare other criteria with the live ones before they go live",
    "publish": "publish the built marts to readers atomically",
    "run-night": "load, gate, build and publish one night (what the DAG does)",
    "audit": "the hand audit's table for any period, from the marts",
    "compliance": "per-IRO compliance for a month, from the published marts",
    "explain": "why a notification got its footprint category",
    "report": "the audit report (HTML pages, learning packs, workbook) from the published marts",
    "status": "the pipeline's health in one line (exit 1 when stale or a night is pending)",
    "show": "print what the warehouse holds: nights, row counts, marts",
    "review": "the PM's judgement: reviewed categories with reasons, quality grading of a sample",
    "warehouse": "initialise the warehouse: schemas and roles",
    "airflow": "Airflow's own command line, pointed at this project's DAGs and Airflow home",
    "generate": "write realistic nightly extracts into a landing folder",
    "fixture": "write a hand-made fixture landing folder (e.g. the hand audit)",
    "calendar": "generate the working-day calendar seed",
}


def module_name(command: str) -> str:
    return "footprint.cli." + command.replace("-", "_")


def register(subparsers: argparse._SubParsersAction) -> None:
    for name, help_text in COMMANDS.items():
        parser = subparsers.add_parser(name, help=help_text)
        module = importlib.import_module(module_name(name))
        parser.set_defaults(func=module.run)
        module.add_arguments(parser)



__all__ = ["COMMANDS", "UserError", "module_name", "register"]
