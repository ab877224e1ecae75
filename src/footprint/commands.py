"""Sub-commands of `footprint`. Each lives in its own module exposing
`add_arguments(parser)` and `run(args) -> int`; imports are lazy so that
`footprint --help` and the DAG file stay cheap."""

from __future__ import annotations

import importlib

from footprint.errors import FootprintError as UserError

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("footprint.generate", "write realistic nightly extracts into a landing folder"),
    "fixture": ("footprint.fixtures", "write a hand-made fixture landing folder (e.g. the hand audit)"),
    "load": ("footprint.load", "verify a night against its manifest and load it into raw"),
    "validate": ("footprint.quality", "run the quality gate on a loaded night"),
    "build": ("footprint.dbt_runner", "run dbt with the audit criteria (build, test, …)"),
    "publish": ("footprint.publish", "publish the built marts to readers atomically"),
    "run-night": ("footprint.nightly", "load, gate, build and publish one night (what the DAG does)"),
    "compliance": ("footprint.reports", "per-IRO compliance for a month, from the published marts"),
    "audit": ("footprint.audit", "the hand audit's table for any period, from the marts"),
    "explain": ("footprint.explain", "why a notification got its footprint category"),
    "calendar": ("footprint.calendar", "generate the working-day calendar seed"),
    "warehouse": ("footprint.roles", "initialise the warehouse: schemas and roles"),
    "show": ("footprint.show", "print what the warehouse holds: nights, row counts, marts"),
}


def register(subparsers) -> None:
    for name, (module_name, help_text) in COMMANDS.items():
        parser = subparsers.add_parser(name, help=help_text)
        parser.set_defaults(func=_lazy_run(module_name), _module=module_name)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            parser.set_defaults(func=_missing(name))
            continue
        module.add_arguments(parser)


def _lazy_run(module_name: str):
    def run(args) -> int:
        return importlib.import_module(module_name).run(args)

    return run


def _missing(name: str):
    def run(args) -> int:
        raise UserError(f"'{name}' is not available in this version")

    return run


__all__ = ["UserError", "register"]
