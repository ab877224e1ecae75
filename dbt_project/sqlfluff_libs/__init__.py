"""Stand-ins for dbt's Jinja context when sqlfluff lints the models with its
jinja templater (see ../.sqlfluff). Only rendering matters here, not meaning:
each function returns SQL of the same shape dbt would produce."""

from __future__ import annotations

from pathlib import Path

import yaml

_CRITERIA = Path(__file__).resolve().parents[2] / "config" / "criteria.yml"


def var(name, default=None):
    """The criteria file's value, as `footprint build` passes it to dbt."""
    criteria = yaml.safe_load(_CRITERIA.read_text(encoding="utf-8"))
    return criteria.get(name, default)


class _Exceptions:
    @staticmethod
    def raise_compiler_error(message):
        raise RuntimeError(message)


exceptions = _Exceptions()
