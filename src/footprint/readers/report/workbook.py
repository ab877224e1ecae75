"""The report's tables as an Excel workbook (footprint.xlsx), written with XlsxWriter.

Cells are typed (dates as dates, rates as numbers formatted as percentages,
flags as booleans), every sheet's header row is frozen and filtered, and each
column's description (the marts' dbt docs) is the header cell's comment and a
line of the "Columns" sheet. Text is always written as text: XlsxWriter is told
never to turn a string into a formula, a number or a link, and a text that
begins with =, +, - or @ also carries Excel's quote prefix, so editing the cell
does not turn it into a formula either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")
RATE_COLUMNS = frozenset({"timely_rate", "period_rate", "compare_rate"})


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: Sequence[Sequence[Any]]
    descriptions: dict[str, str] = field(default_factory=dict)
    widths: dict[str, int] = field(default_factory=dict)


class _Formats:
    def __init__(self, book: Any):
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.rate = book.add_format({"num_format": "0.0%"})
        self.number = book.add_format({"num_format": "#,##0.##"})
        self.text = book.add_format({})
        self.quoted = book.add_format({"quote_prefix": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def write_cell(ws: Any, row: int, col: int, value: Any, column: str, f: _Formats) -> None:
    """One typed cell: never a formula."""
    if value is None:
        ws.write_blank(row, col, None)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, f.moment)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), f.date)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, f.rate if column in RATE_COLUMNS else f.number)
    else:
        text = str(value)
        ws.write_string(row, col, text, f.quoted if text.startswith(FORMULA_STARTS) else f.text)


def _width(column: str, sheet: Sheet) -> int:
    if column in sheet.widths:
        return sheet.widths[column]
    sample = [len(str(r[i])) for r in sheet.rows[:200] for i in [sheet.columns.index(column)] if r[i] is not None]
    return max(10, min(40, max([len(column), *sample]) + 2))


def _write_sheet(book: Any, sheet: Sheet, f: _Formats) -> None:
    ws = book.add_worksheet(sheet.name)
    for col, name in enumerate(sheet.columns):
        ws.write_string(0, col, name, f.header)
        ws.set_column(col, col, _width(name, sheet))
        if sheet.descriptions.get(name):
            ws.write_comment(0, col, sheet.descriptions[name], {"x_scale": 2.2, "y_scale": 1.6})
    for r, values in enumerate(sheet.rows, start=1):
        for col, (name, value) in enumerate(zip(sheet.columns, values, strict=True)):
            write_cell(ws, r, col, value, name, f)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.columns) - 1)


def _write_about(book: Any, about: list[tuple[str, Any]], f: _Formats) -> None:
    ws = book.add_worksheet("About")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "IRO footprint on missing notifications", f.title)
    for r, (label, value) in enumerate(about, start=2):
        ws.write_string(r, 0, label, f.header)
        write_cell(ws, r, 1, value, label, f)
    ws.freeze_panes(1, 0)


def _columns_sheet(sheets: Sequence[Sheet]) -> Sheet:
    rows = [(s.name, c, s.descriptions.get(c, "")) for s in sheets for c in s.columns]
    return Sheet("Columns", ["sheet", "column", "description"], rows, widths={"description": 100})


def write_workbook(path: Path, about: list[tuple[str, Any]], sheets: Sequence[Sheet]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                           "strings_to_urls": False, "remove_timezone": True})
    f = _Formats(book)
    _write_about(book, about, f)
    for sheet in [*sheets, _columns_sheet(sheets)]:
        _write_sheet(book, sheet, f)
    book.close()
    return path
