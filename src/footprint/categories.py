"""The six footprint categories of ../shared/spec/audit-rules.md, best first.

The order is the spec's "best category" order, the one a child takes among
its notifications in an audit period. dbt spells the same list once, in
`dbt_project/macros/categories.sql`; a test keeps the two equal.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "timely_footprint",
    "late_footprint",
    "discussed_at_review",
    "discussed_with_child",
    "contact_not_about_missing",
    "no_footprint",
)

RANK: dict[str, int] = {category: i for i, category in enumerate(CATEGORIES)}
