"""The contract's dates and times, parsed strictly from a night's text.

Each form is tried strictly (whole value, real calendar: 31/02/2022 fails); a value written
exactly in a form is parsed by arrow, the few others by pandas.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def parse_temporal(series: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Parse text in any of the given strftime forms; NaT where empty or not a real date/time.

    Each form is tried strictly (whole value, real calendar: 31/02/2022 fails). A value written
    exactly in a form (`_exactly_in`) means one date/time whichever form reads it, so arrow
    parses those first, and pandas, which also takes single-digit days and months, the few left:
    the same result, at a fraction of pandas' cost per value.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    text = pa.array(series.astype("str"), from_pandas=True)
    out = np.full(len(series), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = series.notna().to_numpy(dtype=bool, copy=True)
    # Arrow's intermediate arrays (matches, stamps, the written days) are a slice's, not the
    # column's: England's initial case notes held 2.6 GB more per date column parsed whole.
    for start in range(0, len(series), _PARSE_SLICE):
        part = slice(start, start + _PARSE_SLICE)
        _parse_exact(text.slice(start, _PARSE_SLICE), formats, out[part], todo[part])
    for fmt in formats:
        at = np.flatnonzero(todo)
        if not len(at):
            break
        out[at] = pd.to_datetime(series.iloc[at], format=fmt, errors="coerce").to_numpy(dtype="datetime64[us]")
        todo[at] = np.isnat(out[at])
    return pd.Series(out, index=series.index)


_PARSE_SLICE = 1 << 20  # values parsed by arrow at a time


def _parse_exact(text: Any, formats: tuple[str, ...], out: Any, todo: Any) -> None:
    """Into `out`, the values of `text` written exactly in a form; clears their `todo` (both
    numpy views of the slice `text` is)."""
    import numpy as np

    for fmt in formats:
        at = np.flatnonzero(todo)
        if not len(at):
            return
        exact, values = _exactly_in(text.take(at), fmt)
        out[at[exact]] = values[exact]
        todo[at[exact]] = False


# Fields as a form writes them in full: a 19xx or 20xx year, two digits for the others.
_FULL_FIELDS = {"%Y": "(19|20)[0-9]{2}", "%m": "[0-9]{2}", "%d": "[0-9]{2}", "%H": "[0-9]{2}", "%M": "[0-9]{2}",
                "%S": "[0-9]{2}"}


def _exactly_in(text: Any, fmt: str) -> tuple[Any, Any]:
    """Which values (an arrow array) are written exactly in the form (every field in full) and
    are a real date/time, and the values parsed, as numpy arrays; the others are left to pandas.
    Arrow refuses a month, hour or minute out of range but rolls a day past the month's end over
    (31/02 to 03/03): the day it read must be the day written."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = re.findall("%.|.", fmt)
    # A field without a full form (%b, %y...) matches nothing here: pandas reads those values.
    shaped = pc.match_substring_regex(text, "^" + "".join(_FULL_FIELDS.get(f, re.escape(f)) for f in fields) + "$")
    stamps = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    exact = pc.and_kleene(shaped, pc.is_valid(stamps))
    if "%d" in fields:
        day_at = sum(4 if f == "%Y" else 2 if f.startswith("%") else 1 for f in fields[:fields.index("%d")])
        written_day = pc.cast(pc.utf8_slice_codeunits(pc.if_else(shaped, text, None), day_at, day_at + 2), pa.int64())
        exact = pc.and_kleene(exact, pc.equal(pc.day(stamps), written_day))
    exact = exact.fill_null(False)
    return (exact.to_numpy(zero_copy_only=False),
            stamps.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False))
