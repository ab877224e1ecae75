"""Stage 2, the quality gate: Great Expectations suites (expectations/) on a loaded night.

A night is `accepted` (staging reads it) or `rejected` (kept aside in raw,
never read downstream); each night gets a report under FOOTPRINT_REPORTS_DIR.
"""
