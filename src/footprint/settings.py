"""Runtime configuration, read from the environment (12-factor style)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("FOOTPRINT_HOME", Path(__file__).resolve().parents[2]))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
CONFIG_DIR = PROJECT_ROOT / "config"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

TARGETS = ("duckdb", "postgres")
DUCKDB_DEFAULT_MEMORY_LIMIT = "80%"
_MEMORY_LIMIT = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    target: str
    duckdb_path: Path
    marts_path: Path
    criteria_path: Path
    quality_path: Path
    reports_dir: Path
    # DuckDB's own default takes 80% of RAM and every core: a shared host or a national-sized
    # build sets a ceiling (FOOTPRINT_DUCKDB_MEMORY_LIMIT, e.g. 8GB; FOOTPRINT_DUCKDB_THREADS).
    duckdb_memory_limit: str = DUCKDB_DEFAULT_MEMORY_LIMIT
    duckdb_threads: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        target = env.get("FOOTPRINT_TARGET", "duckdb")
        if target not in TARGETS:
            raise ValueError(f"FOOTPRINT_TARGET must be one of {TARGETS}, not {target!r}")
        duckdb_path = Path(env.get("FOOTPRINT_DUCKDB_PATH", PROJECT_ROOT / "data" / "warehouse.duckdb"))
        marts_path = Path(env.get("FOOTPRINT_MARTS_PATH", duckdb_path.with_name("marts.duckdb")))
        return cls(
            landing_dir=Path(env.get("FOOTPRINT_LANDING_DIR", PROJECT_ROOT / "landing")),
            target=target,
            duckdb_path=duckdb_path,
            marts_path=marts_path,
            criteria_path=Path(env.get("FOOTPRINT_CRITERIA_PATH", CONFIG_DIR / "criteria.yml")),
            quality_path=Path(env.get("FOOTPRINT_QUALITY_PATH", CONFIG_DIR / "quality.yml")),
            reports_dir=Path(env.get("FOOTPRINT_REPORTS_DIR", duckdb_path.parent / "reports")),
            duckdb_memory_limit=_memory_limit(env.get("FOOTPRINT_DUCKDB_MEMORY_LIMIT")),
            duckdb_threads=_threads(env.get("FOOTPRINT_DUCKDB_THREADS")),
        )

    @property
    def duckdb_config(self) -> dict[str, str | bool | int | float | list[str]]:
        """The settings every DuckDB connection of the pipeline opens with (dbt's too)."""
        return {"memory_limit": self.duckdb_memory_limit, "threads": self.duckdb_threads or os.cpu_count() or 1}


def _memory_limit(value: str | None) -> str:
    if value is None or not value.strip():
        return DUCKDB_DEFAULT_MEMORY_LIMIT
    if not _MEMORY_LIMIT.match(value):
        raise ValueError(f"FOOTPRINT_DUCKDB_MEMORY_LIMIT must be a size such as 8GB, 512MB or 50%, not {value!r}")
    return value.strip()


def _threads(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"FOOTPRINT_DUCKDB_THREADS must be a whole number of threads >= 1, not {value!r}")
    return int(value)
