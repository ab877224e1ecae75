"""The random draws the model needs beyond `random.Random`'s own.

Each takes the stream to draw from: a child's record is drawn from the
child's own stream, in a fixed order, so the same seed gives the same bytes.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from typing import NamedTuple


class Weights(NamedTuple):
    """Items and their cumulative weights, for `weighted`."""

    items: list[str]
    cumulative: list[float]
    total: float


def weights(pairs: tuple[tuple[str, float], ...]) -> Weights:
    items: list[str] = []
    cum: list[float] = []
    acc: float = 0
    for item, weight in pairs:
        acc += weight
        items.append(item)
        cum.append(acc)
    return Weights(items, cum, acc)


def weighted(rng: random.Random, table: Weights) -> str:
    """One item, with probability proportional to its weight (one draw)."""
    return table.items[bisect_right(table.cumulative, rng.random() * table.total)]


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson count: Knuth's product of uniforms, a normal approximation above 40."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
