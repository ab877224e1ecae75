"""A reproducible stratified random sample of a month's footprints, per IRO, for quality reading.

Strata are the IRO and the category (timely and late footprints): each IRO's
`per_iro` draws are shared between its timely and late footprints in
proportion to how many it has (largest remainder, at least one from each
non-empty stratum when there are draws enough). The same month, size and seed
always draw the same notifications, whatever order the marts return them in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from footprint.errors import FootprintError
from footprint.review import store
from footprint.settings import Settings
from footprint.warehouse import connect_marts

FOOTPRINTS = ("timely_footprint", "late_footprint")

_CANDIDATES = (
    "select notification_key, notification_id, iro_professional_id, iro_name, footprint_category "
    "from marts.fct_missing_notifications where period_month = %s and is_notified "
    "and iro_professional_id is not null and footprint_category in ('timely_footprint', 'late_footprint')"
)


def allocate(draws: int, sizes: dict[str, int]) -> dict[str, int]:
    """Split `draws` across strata of the given sizes, proportionally, never more than a stratum holds."""
    total = sum(sizes.values())
    draws = min(draws, total)
    if draws == 0:
        return {name: 0 for name in sizes}
    share = {name: draws * size / total for name, size in sizes.items()}
    out = {name: int(value) for name, value in share.items()}
    for name in sizes:  # a stratum with footprints is never left out while draws allow
        if sizes[name] and not out[name] and sum(out.values()) < draws:
            out[name] = 1
    by_remainder = sorted(sizes, key=lambda n: (-(share[n] - int(share[n])), n))
    while sum(out.values()) < draws:
        name = next(n for n in by_remainder if out[n] < sizes[n])
        out[name] += 1
        by_remainder.remove(name)
        by_remainder.append(name)
    return out


def stratified_sample(candidates: list[dict[str, Any]], per_iro: int, seed: int,
                      month: dt.date) -> list[dict[str, Any]]:
    strata: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in sorted(candidates, key=lambda r: r["notification_key"]):
        strata[row["iro_professional_id"]][row["footprint_category"]].append(row)
    drawn = []
    for iro in sorted(strata):
        by_category = strata[iro]
        counts = allocate(per_iro, {c: len(by_category.get(c, [])) for c in FOOTPRINTS})
        for category in FOOTPRINTS:
            # A string seed is hashed by sha512: the same on every machine and Python run.
            rng = random.Random(f"{seed}|{month.isoformat()}|{iro}|{category}")
            drawn += rng.sample(by_category.get(category, []), counts[category])
    return drawn


def draw_sample(settings: Settings, month: dt.date, per_iro: int, seed: int, by: str | None) -> list[dict[str, Any]]:
    """Draw (or draw again: the same rows) and record the sample; return it."""
    if per_iro < 1:
        raise FootprintError("--per-iro must be 1 or more")
    with connect_marts(settings) as conn:
        candidates = store.rows(conn, _CANDIDATES, (month,))
    if not candidates:
        raise FootprintError(f"no timely or late footprint by an allocated IRO in {month:%B %Y} in the published marts")
    drawn = stratified_sample(candidates, per_iro, seed, month)
    sample_id = f"{month:%Y-%m}:{per_iro}:{seed}"
    with store.review_connection(settings) as conn:
        recorded = {r["notification_key"] for r in store.rows(
            conn, f"select notification_key from {store.QUALITY_SAMPLES} where sample_id = %s", (sample_id,))}
        for row in drawn:
            if row["notification_key"] not in recorded:
                store.append(conn, store.QUALITY_SAMPLES, {
                    "sample_id": sample_id, "notification_key": row["notification_key"],
                    "iro_key": row["iro_professional_id"], "period_month": month,
                    "footprint_category": row["footprint_category"], "drawn_by": by,
                    "drawn_at": store.now_utc(),
                })
    return drawn
