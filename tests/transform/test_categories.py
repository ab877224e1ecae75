"""The six footprint categories are spelled once for Python (footprint.categories) and
once for dbt (macros/categories.sql); this keeps the two the same list in the same order,
reading the dbt list as dbt itself renders it."""

from __future__ import annotations

import json

import pytest

from footprint.categories import CATEGORIES, RANK

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    """Render a Jinja expression with the dbt project's macros (`dbt compile --inline`)."""
    from footprint.transform.dbt_runner import run_dbt

    base = tmp_path_factory.mktemp("dbt-categories")
    mp = pytest.MonkeyPatch()
    mp.setenv("DBT_TARGET_PATH", str(base / "target"))
    mp.setenv("DBT_LOG_PATH", str(base / "logs"))
    mp.setenv("FOOTPRINT_DUCKDB_PATH", str(base / "warehouse.duckdb"))

    def rendered(expression: str):
        result = run_dbt(["compile", "--quiet", "--inline", "{{ " + expression + " | tojson }}"])
        return json.loads(result.result.results[0].node.compiled_code)

    yield rendered
    mp.undo()


def test_dbt_and_python_name_the_same_categories_in_the_same_order(render):
    assert tuple(render("footprint_categories()")) == CATEGORIES
    assert [RANK[c] for c in CATEGORIES] == list(range(6))


def test_the_decision_order_takes_each_category_once_in_the_spec_steps(render):
    order = render("footprint_decision_order()")
    assert sorted(name for name, _ in order) == sorted(CATEGORIES)
    # step 1 timely; step 2 at one moment: review, child seen, other note; step 3 activity; else none
    assert order == [["timely_footprint", 1], ["discussed_at_review", 2], ["discussed_with_child", 2],
                     ["late_footprint", 2], ["contact_not_about_missing", 3], ["no_footprint", 4]]
