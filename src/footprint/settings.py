"""Runtime configuration, read from the environment (12-factor style)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("FOOTPRINT_HOME", Path(__file__).resolve().parents[2]))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
CONFIG_DIR = PROJECT_ROOT / "config"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

TARGETS = ("duckdb", "postgres")


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    target: str
    duckdb_path: Path
    marts_path: Path
    criteria_path: Path
    quality_path: Path
    reports_dir: Path

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
        )
