"""The report's charts: Vega-Lite specifications (Altair) rendered to inline SVG by vl-convert.

Every chart is drawn from the figures its table prints (in the suppressed
edition a hidden figure is left out of the chart too), with the Okabe-Ito
palette (footprint.readers.report.labels), a text alternative (`aria-label`)
and no external resource: vl-convert is given no base URL to fetch from, and
the SVG carries only shapes and text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from footprint.readers.report.labels import (
    ACCENT_COLOUR,
    AWAITING_COLOUR,
    AWAITING_LABEL,
    CATEGORY_COLOURS,
    IRO_COLOUR,
    SERVICE_COLOUR,
    SHORT_LABELS,
)
from footprint.readers.report.view import MIX_COLUMNS, MonthView, SpreadView

WIDTH = 620
HEIGHT = 190
MIX_LABELS = {**SHORT_LABELS, "awaiting_footprint": AWAITING_LABEL}
MIX_COLOURS = {**CATEGORY_COLOURS, "awaiting_footprint": AWAITING_COLOUR}
_IDS = itertools.count(1)
_ID = re.compile(r'\bid="([^"]+)"')


def _alt() -> Any:
    import altair as alt

    return alt


_SPECS: dict[tuple[Any, ...], dict[str, Any]] = {}


def spec(key: tuple[Any, ...], build: Callable[[], Any]) -> dict[str, Any]:
    """The Vega-Lite spec of a chart's shape (its data named, not inlined), built once per shape:
    the learning packs draw the same two charts a hundred times over different figures."""
    if key not in _SPECS:
        _SPECS[key] = build().to_dict(validate=False)
    return _SPECS[key]


def render(shape: dict[str, Any], datasets: dict[str, list[dict[str, Any]]], description: str) -> str:
    """The chart as an SVG element to inline: ids made unique in the page, a text alternative."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg({**shape, "datasets": datasets}, allowed_base_urls=[],
                                     format_locale="en-GB", time_format_locale="en-GB")
    prefix = f"c{next(_IDS)}-"
    for old in set(_ID.findall(svg)):
        svg = svg.replace(f'id="{old}"', f'id="{prefix}{old}"').replace(f"#{old})", f"#{prefix}{old})")
    svg = svg.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "")
    label = (description.replace("&", "&amp;").replace('"', "&quot;")
             .replace("<", "&lt;").replace(">", "&gt;"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _base(name: str = "main", height: int = HEIGHT, width: int = WIDTH) -> Any:
    alt = _alt()
    return alt.Chart(alt.NamedData(name)).properties(width=width, height=height)


def _month_axis(labels: Sequence[str], title: str | None = None) -> Any:
    alt = _alt()
    return alt.X("label:O", sort=list(labels), title=title,
                 axis=alt.Axis(labelAngle=-90 if len(labels) > 12 else 0, labelFontSize=9))


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _configured(chart: Any) -> Any:
    return (chart.configure_view(stroke=None).configure_axis(labelFont="sans-serif", titleFont="sans-serif",
                                                              titleFontWeight="normal")
            .configure_legend(labelFont="sans-serif", titleFont="sans-serif", orient="bottom"))


def _trend_shape(labels: tuple[str, ...], changes: bool) -> Any:
    alt = _alt()
    bars = _base().mark_bar(color="#BBBBBB").encode(
        x=_month_axis(labels),
        y=alt.Y("notifications:Q", title="notifications", axis=alt.Axis(orient="right", grid=False)),
        opacity=alt.Opacity("period:N", scale=alt.Scale(domain=["in the period", "other months"], range=[1, 0.45]),
                            legend=alt.Legend(title=None)),
    )
    line = _base().mark_line(color=SERVICE_COLOUR, point=alt.OverlayMarkDef(color=SERVICE_COLOUR, size=18)).encode(
        x=_month_axis(labels),
        y=alt.Y("rate:Q", title="timely rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
    )
    layers = [bars, line]
    if changes:
        rule = _base("changes").mark_rule(color=ACCENT_COLOUR, strokeDash=[4, 3], strokeWidth=2)
        layers.append(rule.encode(x=_month_axis(labels)))
    return _configured(alt.layer(*layers).resolve_scale(y="independent"))


def trend_chart(months: Sequence[MonthView]) -> str:
    """Monthly timely rate (line, left axis) over the notifications (bars, right axis)."""
    labels = tuple(m.label for m in months)
    values = [{"label": m.label, "rate": _num(m.timely_rate), "notifications": _num(m.notifications),
               "period": "in the period" if m.in_period else "other months"} for m in months]
    changes = [{"label": m.label} for m in months if m.criteria_changed]
    shape = spec(("trend", labels, bool(changes)), lambda: _trend_shape(labels, bool(changes)))
    return render(shape, {"main": values, "changes": changes},
                  "Service timely rate and notifications by month; figures in the table beside.")


def _mix_shape(labels: tuple[str, ...], title: str, legend: bool) -> Any:
    alt = _alt()
    names = [MIX_LABELS[c] for c in MIX_COLUMNS]
    colour = alt.Color("category:N", title=None, sort=names,
                       scale=alt.Scale(domain=names, range=[MIX_COLOURS[c] for c in MIX_COLUMNS]),
                       legend=alt.Legend(columns=4, symbolType="square") if legend else None)
    chart = _base().mark_bar().encode(
        x=_month_axis(labels),
        y=alt.Y("sum(count):Q", title=title, stack="zero"),
        color=colour,
        order=alt.Order("order:Q", sort="ascending"),
    )
    return _configured(chart)


def mix_chart(months: Sequence[MonthView], title: str = "notifications", legend: bool = True) -> str:
    """Notifications by category and month, stacked, best category at the bottom. Without a legend,
    the table beside carries the colour key."""
    labels = tuple(m.label for m in months)
    values = [{"label": m.label, "category": MIX_LABELS[c], "order": i, "count": m.by_column[c]}
              for m in months for i, c in enumerate(MIX_COLUMNS) if isinstance(m.by_column[c], int)]
    shape = spec(("mix", labels, title, legend), lambda: _mix_shape(labels, title, legend))
    return render(shape, {"main": values}, "Footprint categories by month, stacked; figures in the table beside.")


def _consistency_shape(labels: tuple[str, ...]) -> Any:
    alt = _alt()
    x = _month_axis(labels)
    y = alt.Y("rate:Q", title="IRO timely rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    boxes = _base().mark_boxplot(extent="min-max", size=12, color="#56B4E9", opacity=0.55,
                                 median=alt.MarkConfig(color=SERVICE_COLOUR)).encode(x=x, y=y)
    dots = _base().mark_circle(size=14, color=IRO_COLOUR, opacity=0.6).encode(x=x, y=y)
    line = _base("service").mark_line(color=ACCENT_COLOUR, strokeDash=[5, 3]).encode(x=x, y=y)
    return _configured(alt.layer(boxes, dots, line))


def consistency_chart(spreads: Sequence[SpreadView]) -> str:
    """Each month's IRO timely rates: a box (quartiles, whiskers to the extremes), every IRO as a dot,
    and the service's rate as a dashed line."""
    labels = tuple(s.label for s in spreads)
    points = [{"label": s.label, "rate": r} for s in spreads for r in s.spread.rates]
    service = [{"label": s.label, "rate": s.spread.service_rate} for s in spreads]
    shape = spec(("consistency", labels), lambda: _consistency_shape(labels))
    return render(shape, {"main": points, "service": service},
                  "Spread of IRO timely rates by month, with the service rate; figures in the table beside.")


def _delay_shape(labels: tuple[str, ...]) -> Any:
    alt = _alt()
    base = _base(height=150)
    bars = base.mark_bar(color=ACCENT_COLOUR, opacity=0.6).encode(
        x=_month_axis(labels),
        y=alt.Y("never:Q", title="episodes never notified", axis=alt.Axis(orient="right", grid=False)))
    line = base.mark_line(color=SERVICE_COLOUR, point=True).encode(
        x=_month_axis(labels), y=alt.Y("delay:Q", title="median hours to notification"))
    return _configured(alt.layer(bars, line).resolve_scale(y="independent"))


def delay_chart(months: Sequence[MonthView]) -> str:
    """Median hours from episode start to notification (line) and episodes never notified (bars)."""
    labels = tuple(m.label for m in months)
    values = [{"label": m.label, "delay": _num(m.median_delay_hours), "never": _num(m.not_notified)}
              for m in months]
    shape = spec(("delay", labels), lambda: _delay_shape(labels))
    return render(shape, {"main": values}, "Median notification delay and episodes never notified, by month; "
                                           "figures in the table beside.")


def _spark_shape(labels: tuple[str, ...]) -> Any:
    alt = _alt()
    chart = _base(height=20, width=96).mark_line(color=IRO_COLOUR, point=alt.OverlayMarkDef(size=8)).encode(
        x=alt.X("label:O", sort=list(labels), axis=None),
        y=alt.Y("rate:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
    )
    return chart.configure_view(stroke=None)


def sparkline(rates: Sequence[tuple[str, float | None]]) -> str:
    """An IRO's timely rate over the last year, as a small line (scale 0 to 100%)."""
    labels = tuple(label for label, _ in rates)
    shape = spec(("spark", labels), lambda: _spark_shape(labels))
    shown = [f"{r:.0%}" for _, r in rates if r is not None]
    text = "Timely rate by month: " + (", ".join(shown) if shown else "no decided notifications")
    return render(shape, {"main": [{"label": label, "rate": rate} for label, rate in rates]}, text)


def _pack_rate_shape(labels: tuple[str, ...]) -> Any:
    alt = _alt()
    who = ["you", "the service"]
    chart = _base(height=170).mark_line(point=True).encode(
        x=_month_axis(labels),
        y=alt.Y("rate:Q", title="timely rate", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("who:N", title=None, scale=alt.Scale(domain=who, range=[IRO_COLOUR, SERVICE_COLOUR]),
                        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2)),
        strokeDash=alt.StrokeDash("who:N", title=None, scale=alt.Scale(domain=who, range=[[1, 0], [5, 3]])),
    )
    return _configured(chart)


def pack_rate_chart(rows: Sequence[dict[str, Any]]) -> str:
    """The IRO's monthly timely rate beside the service's (rows: label, iro, service)."""
    labels = tuple(r["label"] for r in rows)
    values = [{"label": r["label"], "who": who, "rate": r[key]}
              for r in rows for who, key in (("you", "iro"), ("the service", "service"))]
    shape = spec(("pack_rate", labels), lambda: _pack_rate_shape(labels))
    return render(shape, {"main": values}, "Your timely rate by month beside the service's; figures in the table.")
