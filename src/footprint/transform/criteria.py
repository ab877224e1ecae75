"""The audit criteria (config/criteria.yml, or FOOTPRINT_CRITERIA_PATH): read and checked.

The criteria are the only source of the rules' parameters: they reach dbt as
`--vars` (footprint.transform.dbt_runner), and model SQL reads them through
`var()`. Every criterion must be present and well-formed before dbt starts,
so a typo fails at once instead of silently measuring something else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from footprint.errors import FootprintError

# The criteria every rule needs, and how each is checked.
CHOICES = {
    "footprint_author_scope": ("allocated_iro", "any_iro"),
    "footprint_time_field": ("created", "event"),
}
COUNTS = ("footprint_due_working_days", "evidence_horizon_days", "activity_lookback_days")
LISTS = ("footprint_note_types", "missing_keywords", "missing_keyword_exclusions", "episode_types")
STRINGS = ("criteria_version", "iro_role_description", "get_safe_service_name")
CRITERIA_KEYS = frozenset((*CHOICES, *COUNTS, *LISTS, *STRINGS))


def validate_criteria(criteria: dict[str, Any], origin: str = "criteria") -> dict[str, Any]:
    """Check every criterion is present and well-formed; return a normalised copy."""
    if not isinstance(criteria, dict):
        raise FootprintError(f"{origin}: expected a mapping of criteria")
    unknown = sorted(set(criteria) - CRITERIA_KEYS)
    missing = sorted(CRITERIA_KEYS - set(criteria))
    if unknown:
        raise FootprintError(f"{origin}: unknown criteria {', '.join(unknown)} (a typo?)")
    if missing:
        raise FootprintError(f"{origin}: missing criteria {', '.join(missing)}")
    out = dict(criteria)
    for key, allowed in CHOICES.items():
        if out[key] not in allowed:
            raise FootprintError(f"{origin}: {key} must be one of {', '.join(allowed)}, not {out[key]!r}")
    for key in COUNTS:
        _check_count(origin, key, out[key])
    for key in LISTS:
        _check_list(origin, key, out[key])
    for key in STRINGS:
        out[key] = _checked_string(origin, key, out[key])
    if not out["footprint_note_types"]:
        raise FootprintError(f"{origin}: footprint_note_types must name at least one note type")
    if not out["episode_types"]:
        raise FootprintError(f"{origin}: episode_types must name at least one episode type")
    return out


def _check_count(origin: str, key: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FootprintError(f"{origin}: {key} must be a whole number >= 0, not {value!r}")


def _check_list(origin: str, key: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FootprintError(f"{origin}: {key} must be a list of non-empty strings")


def _checked_string(origin: str, key: str, value: Any) -> str:
    if value is None or isinstance(value, (list, dict)) or not str(value).strip():
        raise FootprintError(f"{origin}: {key} must be a non-empty string")
    return str(value)


def criteria_vars(path: Path | str) -> dict[str, Any]:
    """The criteria file as dbt vars (validated)."""
    import yaml

    path = Path(path)
    if not path.exists():
        raise FootprintError(f"criteria file not found: {path}")
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FootprintError(f"{path}: not valid YAML ({exc.__class__.__name__})") from exc
    return validate_criteria(loaded or {}, origin=str(path))


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """`CRITERION=VALUE` pairs (YAML values) as a mapping, for trying a criterion without editing the file."""
    import yaml

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise FootprintError(f"--set expects CRITERION=VALUE, not {pair!r}")
        out[key.strip()] = yaml.safe_load(value)
    return out
