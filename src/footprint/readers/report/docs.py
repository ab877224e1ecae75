"""The marts' column descriptions, from the dbt project's own documentation.

Read from every yml file under dbt_project/models (wherever a model's file
lives, the per-model yml files included) for the published marts (fct_ and
rpt_ models); dbt's target/manifest.json fills in what the yml files lack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MART_PREFIXES = ("fct_", "rpt_")

Docs = dict[str, dict[str, str]]  # model -> column -> description


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def _from_yml(models_dir: Path) -> Docs:
    import yaml

    docs: Docs = {}
    for path in sorted(models_dir.rglob("*.yml")):
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for model in loaded.get("models", []) if isinstance(loaded, dict) else []:
            name = str(model.get("name", ""))
            if not name.startswith(MART_PREFIXES):
                continue
            columns = docs.setdefault(name, {})
            for column in model.get("columns") or []:
                if column.get("description"):
                    columns[str(column["name"])] = _clean(column["description"])
    return docs


def _from_manifest(manifest: Path) -> Docs:
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    except (OSError, ValueError):
        return {}
    docs: Docs = {}
    for node in nodes.values():
        name = str(node.get("name", ""))
        if node.get("resource_type") == "model" and name.startswith(MART_PREFIXES):
            docs[name] = {c: _clean(v.get("description")) for c, v in (node.get("columns") or {}).items()
                          if v.get("description")}
    return docs


def column_docs(project_dir: Path) -> Docs:
    docs = _from_manifest(project_dir / "target" / "manifest.json")
    for model, columns in _from_yml(project_dir / "models").items():
        docs.setdefault(model, {}).update(columns)
    return docs
