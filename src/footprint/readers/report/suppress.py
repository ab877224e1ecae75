"""Statistical disclosure control for the `--suppress` edition (the DfE convention).

* Primary suppression: a count from 1 to 5 is shown as `c`. Zero is shown.
* Secondary suppression: a table's counts are tied by totals (the cells of a
  row add up to the row's total, and so on). Wherever exactly one member of
  such a line is hidden it could be recomputed from the others, so another
  member is hidden too: the smallest non-zero cell of the line, else its
  total, else a zero cell. This repeats until no line has exactly one hidden
  member (every line has either none or at least two).
* Rates are hidden (`c`) wherever a count they are computed from is hidden.

A "line" is any set of counts that add up to a total shown beside them, so
the same function serves a plain table with row and column totals and the
audit table, where sex, Get Safe and the categories each add up to the
number of children.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

SUPPRESSED = "c"
LOWEST, HIGHEST = 1, 5

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def is_low(value: int | None) -> bool:
    return value is not None and LOWEST <= value <= HIGHEST


@dataclass(frozen=True)
class Line(Generic[K]):
    """Counts (`parts`) that add up to a count shown beside them (`total`)."""

    parts: tuple[K, ...]
    total: K

    @property
    def members(self) -> tuple[K, ...]:
        return (*self.parts, self.total)


def suppressed(values: Mapping[K, int], lines: Iterable[Line[K]] = (), hide: Iterable[K] = ()) -> set[K]:
    """The keys of `values` to show as `c`: primary, then secondary along `lines`. `hide` are keys
    hidden for a reason outside the table (another table would give them away)."""
    order = {key: i for i, key in enumerate(values)}
    hidden = {key for key, value in values.items() if is_low(value)} | set(hide)
    lines = list(lines)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(member in hidden for member in line.members) == 1:
                hidden.add(_complement(values, line, hidden, order))
                changed = True
    return hidden


def _complement(values: Mapping[K, int], line: Line[K], hidden: set[K], order: Mapping[K, int]) -> K:
    """The member to hide beside the line's one hidden member."""
    open_parts = [part for part in line.parts if part not in hidden]
    nonzero = [part for part in open_parts if values[part] > 0]
    if nonzero:
        return min(nonzero, key=lambda part: (values[part], order[part]))
    if line.total not in hidden:
        return line.total
    return open_parts[0]


def shown(value: int | None, key: K, hidden: set[K]) -> int | str | None:
    return SUPPRESSED if key in hidden else value


def primary(value: int | None) -> int | str | None:
    """A count standing on its own (no total beside it): `c` from 1 to 5."""
    return SUPPRESSED if is_low(value) else value


def rate_or_hidden(rate: float | None, counts: Sequence[K], hidden: set[K]) -> float | str | None:
    """A rate, or `c` where any count it is computed from is hidden."""
    return SUPPRESSED if any(key in hidden for key in counts) else rate


# tables ------------------------------------------------------------------------------

Cell = tuple[str, Hashable, Hashable]  # ("cell", row, column) | ("row", row, "") | ("column", "", column)
GRAND: Cell = ("grand", "", "")


def cell(row: Hashable, column: Hashable) -> Cell:
    return ("cell", row, column)


def row_total(row: Hashable) -> Cell:
    return ("row", row, "")


def column_total(column: Hashable) -> Cell:
    return ("column", "", column)


def table_lines(rows: Sequence[R], columns: Sequence[C], *, row_totals: bool = True,
                column_totals: bool = False) -> list[Line[Cell]]:
    """The lines of a table whose rows (and columns) end in a total."""
    lines: list[Line[Cell]] = []
    if row_totals:
        lines += [Line(tuple(cell(r, c) for c in columns), row_total(r)) for r in rows]
    if column_totals:
        lines += [Line(tuple(cell(r, c) for r in rows), column_total(c)) for c in columns]
    if row_totals and column_totals:
        lines.append(Line(tuple(row_total(r) for r in rows), GRAND))
        lines.append(Line(tuple(column_total(c) for c in columns), GRAND))
    return lines


def table_values(cells: Mapping[tuple[R, C], int], rows: Sequence[R], columns: Sequence[C], *,
                 row_totals: bool = True, column_totals: bool = False) -> dict[Cell, int]:
    """Every count of the table, its totals computed from its cells."""
    values: dict[Cell, int] = {cell(r, c): cells.get((r, c), 0) for r in rows for c in columns}
    if row_totals:
        values.update({row_total(r): sum(cells.get((r, c), 0) for c in columns) for r in rows})
    if column_totals:
        values.update({column_total(c): sum(cells.get((r, c), 0) for r in rows) for c in columns})
    if row_totals and column_totals:
        values[GRAND] = sum(cells.get((r, c), 0) for r in rows for c in columns)
    return values


def suppress_table(cells: Mapping[tuple[R, C], int], rows: Sequence[R], columns: Sequence[C], *,
                   row_totals: bool = True, column_totals: bool = False) -> dict[Cell, int | str]:
    """The table's counts and totals as shown in the suppressed edition."""
    values = table_values(cells, rows, columns, row_totals=row_totals, column_totals=column_totals)
    lines = table_lines(rows, columns, row_totals=row_totals, column_totals=column_totals)
    hidden = suppressed(values, lines)
    return {key: (SUPPRESSED if key in hidden else value) for key, value in values.items()}
