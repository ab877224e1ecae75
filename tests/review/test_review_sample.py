"""The quality sample: stratified per IRO and category, reproducible for a seed."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.review.sample import allocate, stratified_sample

MONTH = dt.date(2022, 2, 1)


def _candidates(counts: dict[str, tuple[int, int]]) -> list[dict]:
    rows = []
    for iro, (timely, late) in counts.items():
        for category, n in (("timely_footprint", timely), ("late_footprint", late)):
            rows += [{"notification_key": f"notification:{iro}-{category[:4]}-{i}", "iro_professional_id": iro,
                      "footprint_category": category} for i in range(n)]
    return rows


def test_each_iro_gets_its_draws_shared_between_timely_and_late():
    drawn = stratified_sample(_candidates({"P1": (8, 2), "P2": (1, 0), "P3": (0, 5)}), 3, seed=7, month=MONTH)
    by_iro = {}
    for row in drawn:
        by_iro.setdefault(row["iro_professional_id"], []).append(row["footprint_category"])
    assert sorted(by_iro["P1"]) == ["late_footprint", "timely_footprint", "timely_footprint"]
    assert by_iro["P2"] == ["timely_footprint"], "an IRO with fewer footprints than draws gives them all"
    assert by_iro["P3"] == ["late_footprint"] * 3


def test_the_same_seed_draws_the_same_whatever_the_row_order_and_another_seed_differs():
    rows = _candidates({"P1": (30, 10), "P2": (12, 12)})
    first = stratified_sample(rows, 4, seed=11, month=MONTH)
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    again = stratified_sample(shuffled, 4, seed=11, month=MONTH)
    assert [r["notification_key"] for r in first] == [r["notification_key"] for r in again]
    other = stratified_sample(rows, 4, seed=12, month=MONTH)
    assert {r["notification_key"] for r in other} != {r["notification_key"] for r in first}


@settings(max_examples=200, derandomize=True)
@given(st.integers(0, 20), st.dictionaries(st.sampled_from(["timely", "late"]), st.integers(0, 30)))
def test_allocation_never_overdraws_and_uses_every_draw_it_can(draws, sizes):
    out = allocate(draws, sizes)
    assert set(out) == set(sizes)
    assert all(0 <= out[k] <= sizes[k] for k in sizes)
    assert sum(out.values()) == min(draws, sum(sizes.values()))
    if draws >= len([s for s in sizes.values() if s]):
        assert all(out[k] >= 1 for k, n in sizes.items() if n), "every non-empty stratum is read"
