"""`python -m footprint.devtools.house_rules`: the sizes and boundaries the house keeps.

* a Python module under MAX_MODULE_LINES, a function under MAX_FUNCTION_LINES;
* a dbt model under MAX_MODEL_LINES;
* the nightly path never imports the development tools: only `footprint.cli`
  (the commands that run them) and `footprint.devtools` itself may;
* every source path the Markdown docs name in backticks (`tests/gate/test_quality.py`)
  exists, from the repository's root or the doc's own folder: files move, docs follow.

Complexity and statement counts are ruff's (C901, PLR0912, PLR0915, in
pyproject.toml); this adds what ruff does not measure. Exit code 1 on a finding.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_MODEL_LINES = 150
DEVTOOLS = "footprint.devtools"
# The repository's source folders; runtime ones (data/, landing/, reports) come and go.
SOURCE_FOLDERS = ("config", "dags", "dbt_project", "deploy", "docs", "expectations", "scripts", "src", "tests")
# A path in backticks; one with a placeholder (<table>.py, *.csv, {night}) is a pattern, not a path.
_DOC_PATH = re.compile(r"`((?:" + "|".join(SOURCE_FOLDERS) + r")/[\w./-]*)`")
_NOT_DOCS = {".venv", ".git", "target", "logs", "node_modules"}
MAY_IMPORT_DEVTOOLS = ("footprint.cli", DEVTOOLS)


def module_name(path: Path, package_root: Path) -> str:
    parts = path.relative_to(package_root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def python_findings(package_root: Path) -> list[str]:
    """Findings for every module of the package at `package_root` (src/footprint)."""
    found = []
    for path in sorted(package_root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = module_name(path, package_root)
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            found.append(f"{path}: {lines} lines (module limit {MAX_MODULE_LINES})")
        tree = ast.parse(text, filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path}:{node.lineno}: {node.name} is {length} lines "
                                 f"(function limit {MAX_FUNCTION_LINES})")
        if not name.startswith(MAY_IMPORT_DEVTOOLS):
            for lineno, imported in _imports(tree):
                if imported == DEVTOOLS or imported.startswith(DEVTOOLS + "."):
                    found.append(f"{path}:{lineno}: imports {imported}: the nightly path never "
                                 "imports the development tools")
    return found


def model_findings(models_dir: Path) -> list[str]:
    found = []
    for path in sorted(models_dir.rglob("*.sql")):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_MODEL_LINES:
            found.append(f"{path}: {lines} lines (dbt model limit {MAX_MODEL_LINES}: one rule per model)")
    return found


def doc_findings(root: Path) -> list[str]:
    """Paths named in the repository's Markdown that do not exist."""
    found = []
    for doc in sorted(root.rglob("*.md")):
        if _NOT_DOCS & set(doc.relative_to(root).parts):
            continue
        for lineno, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for named in _DOC_PATH.findall(line):
                if not ((root / named).exists() or (doc.parent / named).exists()):
                    found.append(f"{doc.relative_to(root)}:{lineno}: names {named}, which does not exist")
    return found


def main(argv: list[str] | None = None) -> int:
    from footprint.settings import DBT_PROJECT_DIR, PROJECT_ROOT

    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0]) if args else PROJECT_ROOT
    found = python_findings(root / "src" / "footprint") + model_findings(
        root / DBT_PROJECT_DIR.relative_to(PROJECT_ROOT) / "models") + doc_findings(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} house rule finding(s)", file=sys.stderr)
        return 1
    print("house rules: sizes, boundaries and the docs' paths kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
