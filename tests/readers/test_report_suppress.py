"""Suppression (the DfE convention) on random tables, and the report's periods."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.readers.report.periods import Period, choose_periods, default_period
from footprint.readers.report.suppress import (
    SUPPRESSED,
    Line,
    column_total,
    row_total,
    suppress_table,
    suppressed,
    table_lines,
)

counts = st.integers(min_value=0, max_value=40) | st.integers(min_value=0, max_value=6)


@st.composite
def tables(draw):
    rows = draw(st.integers(min_value=1, max_value=6))
    columns = draw(st.integers(min_value=1, max_value=6))
    cells = {(r, c): draw(counts) for r in range(rows) for c in range(columns)}
    return list(range(rows)), list(range(columns)), cells


def _recomputable(shown, lines):
    """Lines where exactly one member is hidden: that member is the total (or the sum) of the others."""
    return [line for line in lines if sum(shown[m] == SUPPRESSED for m in line.members) == 1]


@settings(max_examples=400, deadline=None)
@given(tables(), st.booleans())
def test_no_count_from_1_to_5_shows_and_no_hidden_cell_can_be_recomputed(table, column_totals):
    rows, columns, cells = table
    shown = suppress_table(cells, rows, columns, row_totals=True, column_totals=column_totals)
    for key, value in shown.items():
        assert value == SUPPRESSED or not 1 <= value <= 5, key
    lines = table_lines(rows, columns, row_totals=True, column_totals=column_totals)
    assert not _recomputable(shown, lines)
    for (r, c), value in cells.items():  # what shows is the true count
        assert shown[("cell", r, c)] in (value, SUPPRESSED)
    for r in rows:
        assert shown[row_total(r)] in (sum(cells[(r, c)] for c in columns), SUPPRESSED)
    if column_totals:
        for c in columns:
            assert shown[column_total(c)] in (sum(cells[(r, c)] for r in rows), SUPPRESSED)


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=1, max_size=5), st.lists(counts, min_size=1, max_size=7),
       st.lists(counts, min_size=1, max_size=3))
def test_lines_that_share_a_total_are_protected_together(sex, categories, services):
    """The audit table: sex, Get Safe and the categories each add up to the children, one shared total.
    The totals disagree in random data; suppression does not rely on them adding up."""
    values = {("sex", i): v for i, v in enumerate(sex)} | {("cat", i): v for i, v in enumerate(categories)}
    values |= {("service", i): v for i, v in enumerate(services)} | {"children": sum(categories)}
    lines = [Line(tuple(k for k in values if k[0] == group), "children") for group in ("sex", "cat", "service")]
    hidden = suppressed(values, lines)
    assert all(k in hidden for k, v in values.items() if 1 <= v <= 5)
    assert all(sum(m in hidden for m in line.members) != 1 for line in lines)


def test_the_smallest_other_count_of_the_line_is_hidden_beside_a_small_one():
    shown = suppress_table({(0, 0): 3, (0, 1): 40, (0, 2): 12, (0, 3): 0}, [0], [0, 1, 2, 3])
    assert [shown[("cell", 0, c)] for c in range(4)] == [SUPPRESSED, 40, SUPPRESSED, 0]
    assert shown[row_total(0)] == 55
    # the only other count is the total: it is hidden
    shown = suppress_table({(0, 0): 4, (0, 1): 0}, [0], [0, 1])
    assert shown[row_total(0)] == SUPPRESSED and shown[("cell", 0, 1)] == 0


def test_the_default_period_is_the_last_three_complete_months():
    period = default_period(dt.date(2022, 3, 2))
    assert (period.start, period.end) == (dt.date(2021, 12, 1), dt.date(2022, 2, 28))
    compare = period.before()
    assert (compare.start, compare.end) == (dt.date(2021, 9, 1), dt.date(2021, 11, 30))
    assert period.label == "Dec 2021 to Feb 2022"
    assert default_period(dt.date(2022, 4, 1)).end == dt.date(2022, 3, 31)


def test_a_period_of_days_is_compared_with_as_many_days_before():
    period, compare = choose_periods(dt.date(2022, 3, 2), dt.date(2022, 1, 10), dt.date(2022, 1, 19))
    assert (compare.start, compare.end) == (dt.date(2021, 12, 31), dt.date(2022, 1, 9))
    assert Period(dt.date(2022, 1, 1), dt.date(2022, 2, 28)).before() == Period(dt.date(2021, 11, 1),
                                                                                dt.date(2021, 12, 31))


def test_a_period_needs_both_ends():
    import pytest

    from footprint.errors import FootprintError

    with pytest.raises(FootprintError, match="both --from and --to"):
        choose_periods(dt.date(2022, 3, 2), dt.date(2022, 1, 1))
    with pytest.raises(FootprintError, match="after it ends"):
        Period(dt.date(2022, 2, 1), dt.date(2022, 1, 1))


def test_a_period_total_is_hidden_where_it_would_give_a_hidden_month_away():
    """Dec 20 and Jan 12 notifications shown, Feb 3 hidden: a period total of 35 would show Feb's 3."""
    from footprint.readers.report.figures import Counts, Headline
    from footprint.readers.report.view import MIX_COLUMNS, MonthView, headline_view

    def month(m: int, notifications):
        by_column = dict.fromkeys(MIX_COLUMNS, SUPPRESSED)
        return MonthView(dt.date(2022 if m < 12 else 2021, m, 1), "", True, "1", False, notifications,
                         by_column, None, None, None, None, None)

    period = Period(dt.date(2021, 12, 1), dt.date(2022, 2, 28))
    counts = Counts(notifications=35)
    counts.by_category["timely_footprint"] = 20
    h = Headline(dt.datetime(2022, 3, 2), "1", period, period.before(), counts, Counts(), 0, 0)
    shown = headline_view(h, [month(12, 20), month(1, 12), month(2, SUPPRESSED)], suppress=True)
    assert shown.period_notifications == SUPPRESSED and shown.period_rate == SUPPRESSED
    assert headline_view(h, [month(12, 20), month(1, 12), month(2, 3)], suppress=False).period_notifications == 35
