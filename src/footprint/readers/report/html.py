"""The report's pages as HTML: Jinja2 templates (templates/), autoescaped, everything inline.

A page loads nothing: its style sheet is inlined, its charts are inline SVG,
it has no script, and its Content-Security-Policy forbids any request, so it
opens the same from a file share, an email attachment or a printer queue.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from footprint.readers.report.figures import MIN_DECIDED_FOR_SPREAD
from footprint.readers.report.labels import (
    AWAITING_LABEL,
    CATEGORY_COLOURS,
    CATEGORY_LABELS,
    EVIDENCE_LABELS,
    SHORT_LABELS,
)
from footprint.readers.report.pages import IndexPage, PackPage
from footprint.readers.report.suppress import SUPPRESSED

TEMPLATES = Path(__file__).with_name("templates")
DASH = "\u2013"
MINUS = "\u2212"


def count(value: Any) -> str:
    if value is None:
        return DASH
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"{int(value):,}"


def percent(value: Any) -> str:
    if value is None:
        return DASH
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"{float(value) * 100:.0f}%"


def points(value: Any) -> str:
    """A change of rate in percentage points."""
    if value is None or value == SUPPRESSED:
        return "" if value is None else SUPPRESSED
    pp = round(float(value) * 100)
    return f"+{pp} pp" if pp > 0 else (f"{MINUS}{-pp} pp" if pp < 0 else "0 pp")


def spread(value: Any) -> str:
    """A difference of rates (such as the inter-quartile range) in percentage points, unsigned."""
    return DASH if value is None else f"{round(float(value) * 100)} pp"


def hours(value: Any) -> str:
    if value is None:
        return DASH
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"{float(value):,.1f}"


def when(value: Any) -> str:
    if not isinstance(value, dt.datetime):
        return day(value)
    return f"{value.day} {value:%b %Y %H:%M}"


def due(value: Any) -> str:
    """A due time (exclusive: the first moment after it) in words: "end of 4 Jan 2022"."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return "end of " + day(value - dt.timedelta(days=1))
    return when(value)


def day(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {value:%b %Y}" if isinstance(value, dt.date) else str(value)


KEY_CHARACTERS = 12


def key(value: Any) -> str:
    """A child_key by its first characters, as a commit is named by the start of its hash."""
    text = str(value or "")
    return text if len(text) <= KEY_CHARACTERS else text[:KEY_CHARACTERS] + "\u2026"


def category(value: Any) -> str:
    return CATEGORY_LABELS.get(str(value), AWAITING_LABEL if value is None else str(value))


def evidence(row: dict[str, Any]) -> str:
    """What counted, in words: the kind of record and why it was (or was not) about the episode."""
    source = EVIDENCE_LABELS.get(row.get("evidence_source") or "", "")
    basis = row.get("evidence_basis") or ""
    if not source:
        return "nothing from the IRO on the child's file" if row.get("footprint_category") else DASH
    return f"{source} ({basis})" if basis else source


@functools.cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(count=count, percent=percent, points=points, spread=spread, hours=hours, when=when,
                       due=due, day=day, key=key, category=category, evidence=evidence)
    env.globals.update(CATEGORY_LABELS=CATEGORY_LABELS, SHORT_LABELS=SHORT_LABELS,
                       CATEGORY_COLOURS=CATEGORY_COLOURS, AWAITING_LABEL=AWAITING_LABEL, svg=_svg,
                       min_decided=MIN_DECIDED_FOR_SPREAD)
    return env


def _svg(markup: str) -> Any:
    """A chart rendered by vl-convert: its text is already escaped, so it is inlined as it is."""
    from markupsafe import Markup

    return Markup(markup)  # noqa: S704 - SVG from vl-convert, whose text nodes and attributes it escapes


def render_index(page: IndexPage) -> str:
    return environment().get_template("index.html").render(page=page)


def render_pack(page: PackPage) -> str:
    return environment().get_template("pack.html").render(page=page)
