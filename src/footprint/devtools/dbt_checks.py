"""The dbt project's layering rules, checked on dbt's parsed manifest.

    python -m footprint.devtools.dbt_checks                  # runs `dbt parse` first
    python -m footprint.devtools.dbt_checks target/manifest.json

Prints one line per finding and exits 1 when there is any:

* a staging model (stg_, base_) depending on a model other than a base_ one:
  staging reads sources and base models only;
* a mart (fct_, dim_, rpt_) depending on staging or a source directly: marts read
  intermediate models (and other marts);
* a model without a uniqueness test on its grain (unique on a column, or the
  project's unique_combination_of_columns or at_most_one_row, or a unique or
  primary_key constraint);
* a mart without an enforced contract, or with a column without a description;
* a model outside the folder its prefix names: stg_<source>__ in staging/<source>/,
  base_<source>__ in staging/<source>/base/, int_ in intermediate/, fct_, dim_, rpt_
  in marts/ (a model with none of these prefixes is a finding too).

Without a manifest it parses the project itself, in full, with dbt's deprecation
warnings as errors: dbt only warns of a key given twice in a YAML file and keeps
the later one, so a model's tests or docs can go missing without a failure.

dbt-project-evaluator does this and more, but needs the dbt package hub; this needs
nothing but the manifest.
"""

from __future__ import annotations

import json
import sys
from pathlib import PurePosixPath
from typing import Any

STAGING = ("stg_", "base_")
INTERMEDIATE = ("int_",)
MARTS = ("fct_", "dim_", "rpt_")
GRAIN_TESTS = {"unique", "unique_combination_of_columns", "at_most_one_row"}
GRAIN_CONSTRAINTS = {"unique", "primary_key"}

Node = dict[str, Any]


def _is(node: Node, prefixes: tuple[str, ...]) -> bool:
    return node.get("resource_type") == "model" and node["name"].startswith(prefixes)


def _misplaced(name: str, path: str) -> str | None:
    """Why a model's file is not in the folder its prefix names, or None."""
    folders = PurePosixPath(path).parts[1:-1]  # below the model path (models/)
    source = name.split("_", 1)[1].split("__", 1)[0] if "__" in name else "<source>"
    wanted = {  # the folders, and whether subfolders are allowed below them
        "stg_": (("staging", source), False),
        "base_": (("staging", source, "base"), False),
        "int_": (("intermediate",), True),
        "fct_": (("marts",), True),
        "dim_": (("marts",), True),
        "rpt_": (("marts",), True),
    }
    prefix = next((p for p in wanted if name.startswith(p)), None)
    if prefix is None:
        return f"{path}: model {name} has none of the prefixes {', '.join(wanted)}"
    folder, below = wanted[prefix]
    if folders == folder or (below and folders[:len(folder)] == folder):
        return None
    return f"{path}: model {name} belongs in {'/'.join(folder)}/"



def _grain_tested(nodes: dict[str, Node]) -> set[str]:
    """The models a uniqueness test is attached to."""
    tested: set[str] = set()
    for node in nodes.values():
        if node.get("resource_type") == "test" and (node.get("test_metadata") or {}).get("name") in GRAIN_TESTS:
            attached = node.get("attached_node") or next(iter(node.get("depends_on", {}).get("nodes", [])), None)
            if attached:
                tested.add(attached)
    return tested


def _parents(model: Node, nodes: dict[str, Node]) -> list[tuple[str, Node]]:
    return [(p, nodes.get(p, {"name": p.split(".")[-1], "resource_type": p.split(".")[0]}))
            for p in model.get("depends_on", {}).get("nodes", [])]


def _staging_findings(name: str, path: str, parents: list[tuple[str, Node]]) -> list[str]:
    return [f"{path}: staging model {name} depends on {parent['name']}; staging reads sources and base_ models only"
            for _, parent in parents
            if parent.get("resource_type") == "model" and not parent["name"].startswith("base_")]


def _mart_findings(name: str, path: str, model: Node, parents: list[tuple[str, Node]]) -> list[str]:
    found = [f"{path}: mart {name} depends on {parent_id.split('.', 2)[-1]} directly; marts read intermediate models"
             for parent_id, parent in parents if _is(parent, STAGING) or parent_id.startswith("source.")]
    if not (model.get("config", {}).get("contract") or {}).get("enforced"):
        found.append(f"{path}: mart {name} has no enforced contract")
    columns = model.get("columns", {})
    if not columns:
        found.append(f"{path}: mart {name} documents no columns")
    found += [f"{path}: mart {name} column {column} has no description"
              for column, spec in columns.items() if not (spec.get("description") or "").strip()]
    return found


def _has_grain_constraint(model: Node) -> bool:
    constraints = [c for spec in model.get("columns", {}).values() for c in spec.get("constraints", [])]
    constraints += model.get("constraints", [])
    return any(c.get("type") in GRAIN_CONSTRAINTS for c in constraints)


def check(manifest: dict[str, Any]) -> list[str]:
    """Every finding of the layering rules, as one line each."""
    project = manifest.get("metadata", {}).get("project_name")
    nodes = manifest.get("nodes", {})
    models = {uid: n for uid, n in nodes.items()
              if n.get("resource_type") == "model" and (project is None or n.get("package_name") == project)}
    unique_tested = _grain_tested(nodes)
    findings = []
    for uid, model in sorted(models.items(), key=lambda item: item[1]["original_file_path"]):
        name, path = model["name"], model["original_file_path"]
        parents = _parents(model, nodes)
        if name.startswith(STAGING):
            findings += _staging_findings(name, path, parents)
        if name.startswith(MARTS):
            findings += _mart_findings(name, path, model, parents)
        if uid not in unique_tested and not _has_grain_constraint(model):
            findings.append(f"{path}: model {name} has no uniqueness test on its grain "
                            "(unique, unique_combination_of_columns or at_most_one_row)")
        misplaced = _misplaced(name, path)
        if misplaced:
            findings.append(misplaced)
    return findings


# A partial parse reads only the files changed since the last one, and warns of nothing in the rest.
STRICT_PARSE = ["--no-partial-parse", "--warn-error-options", json.dumps({"error": ["Deprecations"]})]


def parsed_manifest() -> dict[str, Any]:
    """`dbt parse` through footprint's runner (the criteria as --vars), as a manifest dict; raises
    DbtFailure when dbt finds deprecated code in the project."""
    from footprint.transform.dbt_runner import run_dbt

    result = run_dbt(["parse", "--quiet", *STRICT_PARSE])
    return result.result.writable_manifest().to_dict()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        with open(args[0], encoding="utf-8") as fh:
            manifest = json.load(fh)
    else:
        from footprint.transform.dbt_runner import DbtFailure

        try:
            manifest = parsed_manifest()
        except DbtFailure as exc:
            print(exc)
            return 1
    findings = check(manifest)
    for finding in findings:
        print(finding)
    models = sum(1 for n in manifest.get("nodes", {}).values() if n.get("resource_type") == "model")
    print(f"dbt layering checks: {models} models, {len(findings) or 'no'} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
