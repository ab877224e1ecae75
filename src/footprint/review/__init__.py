"""The programme manager's judgement, recorded: reviewed categories with a reason, quality
grades of a sampled footprint.

Stored append-only in the warehouse's own `review` schema (never in `raw`,
never touched by a night's load); dbt reads the latest entry per notification
and every figure follows. The optional note of a review is free text and
sensitive: it is stored, and never read by dbt, a log or the report.
"""
