"""The layering check (footprint.devtools.dbt_checks): the real project passes, and
each rule catches a hand-made manifest that breaks it."""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from footprint.devtools import dbt_checks


@pytest.fixture(scope="module")
def dbt_target(tmp_path_factory):
    """dbt's target and log folders for this module, away from the shared tree."""
    base = tmp_path_factory.mktemp("dbt-checks")
    mp = pytest.MonkeyPatch()
    mp.setenv("DBT_TARGET_PATH", str(base / "target"))
    mp.setenv("DBT_LOG_PATH", str(base / "logs"))
    mp.setenv("FOOTPRINT_DUCKDB_PATH", str(base / "warehouse.duckdb"))
    yield base
    mp.undo()


@pytest.fixture(scope="module")
def project_manifest(dbt_target) -> dict:
    return dbt_checks.parsed_manifest()


def test_the_project_keeps_its_layering_rules(project_manifest):
    assert dbt_checks.check(project_manifest) == []
    names = {n["name"] for n in project_manifest["nodes"].values() if n["resource_type"] == "model"}
    assert {"base_pipeline__accepted_nights", "fct_footprint_evidence", "rpt_restricted_footprint_worklist"} <= names


def test_main_parses_the_project_when_given_no_manifest(dbt_target, capsys):
    assert dbt_checks.main([]) == 0
    assert "no finding(s)" in capsys.readouterr().out


def test_a_key_given_twice_in_a_model_file_fails_the_check(dbt_target, tmp_path, monkeypatch, capsys):
    """dbt keeps the later of two `columns:` keys and only warns: the earlier one's docs and
    tests would be dropped without a failure."""
    from footprint.settings import DBT_PROJECT_DIR
    from footprint.transform import dbt_runner

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    yml = project / "models" / "intermediate" / "int_pipeline__now.yml"
    yml.write_text(yml.read_text().replace("\n    columns:\n", "\n    columns: []\n    columns:\n", 1))
    monkeypatch.setattr(dbt_runner, "DBT_PROJECT_DIR", project)

    assert dbt_checks.main([]) == 1
    out = capsys.readouterr().out
    assert "Duplicate key" in out and "int_pipeline__now.yml" in out


def test_a_unit_test_that_pins_criteria_pins_them_all(project_manifest):
    """Unit tests of the rules keep testing them whatever config/criteria.yml says
    (dbt_project/README.md): one left out would be read from the file."""
    from footprint.settings import CONFIG_DIR
    from footprint.transform.criteria import criteria_vars

    criteria = set(criteria_vars(CONFIG_DIR / "criteria.yml"))
    unit_tests = list(project_manifest["unit_tests"].values())
    assert len(unit_tests) >= 53
    # Criteria, that is: a staging test may set the build's own var (build_scope) alone.
    pinned = [u for u in unit_tests if criteria & set((u.get("overrides") or {}).get("vars") or {})]
    # the staging models read no criteria: only theirs pin none
    assert {u["name"] for u in unit_tests if u not in pinned} == {
        u["name"] for u in unit_tests if u["model"].startswith(("stg_", "base_"))}
    for unit_test in pinned:
        assert criteria <= set(unit_test["overrides"]["vars"]), unit_test["name"]


def test_unit_test_names_fit_a_postgresql_relation_name(project_manifest):
    """dbt names the relation of a unit test's expected rows after the test: PostgreSQL
    refuses names over 63 bytes."""
    too_long = [u["name"] for u in project_manifest["unit_tests"].values() if len(u["name"].encode()) > 63]
    assert too_long == []


# --------------------------------------------------------- hand-made manifests


def _model(name: str, path: str, parents=(), contract: bool = False, columns=None) -> dict:
    return {
        "resource_type": "model", "name": name, "package_name": "footprint",
        "original_file_path": f"models/{path}/{name}.sql",
        "depends_on": {"nodes": list(parents)},
        "config": {"contract": {"enforced": contract}},
        "columns": columns if columns is not None else {"id": {"description": "The key."}},
    }


def _unique(model: str) -> dict:
    return {"resource_type": "test", "test_metadata": {"name": "unique"}, "attached_node": f"model.footprint.{model}",
            "depends_on": {"nodes": [f"model.footprint.{model}"]}}


GOOD = {
    "metadata": {"project_name": "footprint"},
    "nodes": {
        "model.footprint.base_lcs__nights": _model("base_lcs__nights", "staging/lcs/base", ["source.footprint.lcs.nights"]),
        "model.footprint.stg_lcs__persons": _model(
            "stg_lcs__persons", "staging/lcs", ["source.footprint.lcs.persons", "model.footprint.base_lcs__nights"]),
        "model.footprint.int_persons__ages": _model("int_persons__ages", "intermediate", ["model.footprint.stg_lcs__persons"]),
        "model.footprint.fct_children": _model("fct_children", "marts/children", ["model.footprint.int_persons__ages"],
                                               contract=True),
        "model.footprint.rpt_children": _model("rpt_children", "marts", ["model.footprint.fct_children"], contract=True),
        "test.footprint.unique_base": _unique("base_lcs__nights"),
        "test.footprint.unique_stg": _unique("stg_lcs__persons"),
        "test.footprint.combination_int": {
            "resource_type": "test", "test_metadata": {"name": "unique_combination_of_columns"},
            "attached_node": "model.footprint.int_persons__ages"},
        "test.footprint.one_row_fct": {"resource_type": "test", "test_metadata": {"name": "at_most_one_row"},
                                       "attached_node": "model.footprint.fct_children"},
        "test.footprint.not_null_rpt": {"resource_type": "test", "test_metadata": {"name": "not_null"},
                                        "attached_node": "model.footprint.rpt_children"},
    },
}
# rpt_children's grain is a primary key constraint rather than a test
GOOD["nodes"]["model.footprint.rpt_children"]["constraints"] = [{"type": "primary_key", "columns": ["id"]}]


def _broken(change) -> list[str]:
    manifest = copy.deepcopy(GOOD)
    change(manifest["nodes"])
    return dbt_checks.check(manifest)


def test_the_hand_made_project_passes():
    assert dbt_checks.check(GOOD) == []


def test_a_staging_model_reading_another_staging_model_is_caught():
    def change(nodes):
        nodes["model.footprint.stg_lcs__notes"] = _model(
            "stg_lcs__notes", "staging/lcs", ["model.footprint.stg_lcs__persons"])
        nodes["test.footprint.unique_notes"] = _unique("stg_lcs__notes")
    assert _broken(change) == ["models/staging/lcs/stg_lcs__notes.sql: staging model stg_lcs__notes depends on "
                               "stg_lcs__persons; staging reads sources and base_ models only"]


def test_a_mart_reading_staging_or_a_source_directly_is_caught():
    def change(nodes):
        nodes["model.footprint.fct_children"]["depends_on"]["nodes"] += [
            "model.footprint.stg_lcs__persons", "source.footprint.lcs.persons"]
    findings = _broken(change)
    assert len(findings) == 2 and all("mart fct_children depends on" in f for f in findings), findings
    assert "stg_lcs__persons directly" in findings[0] and "lcs.persons directly" in findings[1]


def test_a_model_without_a_uniqueness_test_on_its_grain_is_caught():
    def change(nodes):
        del nodes["test.footprint.combination_int"]
    assert _broken(change) == ["models/intermediate/int_persons__ages.sql: model int_persons__ages has no uniqueness "
                               "test on its grain (unique, unique_combination_of_columns or at_most_one_row)"]


def test_a_mart_without_an_enforced_contract_or_column_docs_is_caught():
    def change(nodes):
        nodes["model.footprint.fct_children"]["config"]["contract"]["enforced"] = False
        nodes["model.footprint.rpt_children"]["columns"]["age"] = {"description": " "}
    assert _broken(change) == [
        "models/marts/children/fct_children.sql: mart fct_children has no enforced contract",
        "models/marts/rpt_children.sql: mart rpt_children column age has no description",
    ]
    assert _broken(lambda nodes: nodes["model.footprint.rpt_children"].update(columns={})) == [
        "models/marts/rpt_children.sql: mart rpt_children documents no columns"]


@pytest.mark.parametrize("name, path, where", [
    ("stg_lcs__persons", "intermediate", "staging/lcs/"),
    ("stg_lcs__persons", "staging/other", "staging/lcs/"),
    ("stg_lcs__persons", "staging/lcs/base", "staging/lcs/"),
    ("base_lcs__nights", "staging/lcs", "staging/lcs/base/"),
    ("int_persons__ages", "marts", "intermediate/"),
    ("fct_children", "staging/lcs", "marts/"),
])
def test_a_model_outside_the_folder_its_prefix_names_is_caught(name, path, where):
    def change(nodes):
        nodes[f"model.footprint.{name}"]["original_file_path"] = f"models/{path}/{name}.sql"
    assert _broken(change) == [f"models/{path}/{name}.sql: model {name} belongs in {where}"]


def test_a_model_without_a_known_prefix_is_caught(tmp_path, capsys):
    def change(nodes):
        nodes["model.footprint.restricted_children"] = _model(
            "restricted_children", "restricted", ["model.footprint.rpt_children"], contract=True)
        nodes["test.footprint.unique_restricted"] = _unique("restricted_children")
    findings = _broken(change)
    assert findings == ["models/restricted/restricted_children.sql: model restricted_children has none of the "
                        "prefixes stg_, base_, int_, fct_, dim_, rpt_"]
    # the command line: a manifest path, the findings printed, exit code 1
    manifest = copy.deepcopy(GOOD)
    change(manifest["nodes"])
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert dbt_checks.main([str(path)]) == 1
    assert findings[0] in capsys.readouterr().out
