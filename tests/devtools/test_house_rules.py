"""The house rules check finds what it should, and the project keeps them."""

from __future__ import annotations

from pathlib import Path

from footprint.devtools import house_rules
from footprint.settings import PROJECT_ROOT


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "src" / "footprint"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_project_keeps_its_house_rules():
    assert house_rules.python_findings(PROJECT_ROOT / "src" / "footprint") == []
    assert house_rules.model_findings(PROJECT_ROOT / "dbt_project" / "models") == []
    assert house_rules.doc_findings(PROJECT_ROOT) == []


def test_a_long_function_a_long_module_and_a_nightly_import_of_devtools_are_found(tmp_path):
    long_body = "\n".join(f"    x{i} = {i}" for i in range(61))
    root = _package(tmp_path, {
        "ingest/load.py": "from footprint.devtools.generate import generate\n",
        "gate/big.py": "x = 1\n" * 401,
        "readers/long.py": f"def long():\n{long_body}\n",
        "cli/generate.py": "from footprint.devtools import generate\n",
        "devtools/bench.py": "import footprint.devtools.generate\n",
    })
    found = "\n".join(house_rules.python_findings(root))
    assert "ingest/load.py:1: imports footprint.devtools.generate" in found
    assert "gate/big.py: 401 lines" in found
    assert "readers/long.py:1: long is 62 lines" in found
    assert "cli/generate.py" not in found and "devtools/bench.py" not in found


def test_a_dbt_model_over_the_limit_is_found(tmp_path):
    models = tmp_path / "models" / "intermediate"
    models.mkdir(parents=True)
    (models / "int_ok.sql").write_text("select 1\n" * 150, encoding="utf-8")
    (models / "int_big.sql").write_text("select 1\n" * 151, encoding="utf-8")
    found = house_rules.model_findings(tmp_path / "models")
    assert len(found) == 1 and "int_big.sql: 151 lines" in found[0]


def test_a_doc_naming_a_file_that_moved_is_found(tmp_path):
    (tmp_path / "tests" / "gate").mkdir(parents=True)
    (tmp_path / "tests" / "gate" / "test_quality.py").write_text("", encoding="utf-8")
    (tmp_path / "dbt_project" / "tests" / "generic").mkdir(parents=True)
    (tmp_path / "README.md").write_text(
        "Cases in `tests/gate/test_quality.py`, once `tests/test_quality.py`;\n"
        "one per `<table>.py` in `expectations/`.\n", encoding="utf-8")
    # a path from the doc's own folder
    (tmp_path / "dbt_project" / "README.md").write_text("Generic tests: `tests/generic/`.\n", encoding="utf-8")
    assert house_rules.doc_findings(tmp_path) == [
        "README.md:1: names tests/test_quality.py, which does not exist",
        "README.md:2: names expectations/, which does not exist",
    ]
    (tmp_path / "expectations").mkdir()
    assert len(house_rules.doc_findings(tmp_path)) == 1
