"""Reading the report back as a reader would: its tables, its counts, its text, its files."""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser
from pathlib import Path


class _Tables(HTMLParser):
    """Every table by id: its rows as (attributes of the tr, [(class of the cell, text)])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[tuple[dict, list[tuple[str, str]]]]] = {}
        self.counts: list[str] = []  # the text of every element of class "count"
        self._table: str | None = None
        self._row: tuple[dict, list[tuple[str, str]]] | None = None
        self._cell: list[str] | None = None
        self._cell_class = ""
        self._count_depth: list[str] | None = None
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._stack.append(tag)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = (a, [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._cell_class = [], a.get("class") or ""
        if "count" in (a.get("class") or "").split() and tag in ("td", "span"):
            self._count_depth = []

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row[1].append((self._cell_class, " ".join("".join(self._cell).split())))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        if tag in ("td", "span") and self._count_depth is not None:
            self.counts.append("".join(self._count_depth).strip())
            self._count_depth = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._count_depth is not None:
            self._count_depth.append(data)


def parse(path: Path) -> _Tables:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def table(path: Path, table_id: str) -> list[list[str]]:
    """The table's rows as cell texts (header row included)."""
    return [[text for _, text in cells] for _, cells in parse(path).tables[table_id]]


def keyed_rows(path: Path, table_id: str, attribute: str = "data-key") -> dict[str, list[str]]:
    return {attrs[attribute]: [text for _, text in cells] for attrs, cells in parse(path).tables[table_id]
            if attribute in attrs}


def number(text: str) -> int:
    return int(text.replace(",", ""))


def output_texts(out_dir: Path) -> dict[str, str]:
    """Every file of the report as text: the HTML pages, and each part of the xlsx (a zip of XML)."""
    texts = {}
    for path in sorted(out_dir.rglob("*")):
        if path.suffix == ".html":
            texts[str(path)] = path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    texts[f"{path}!{name}"] = book.read(name).decode("utf-8", "replace")
        elif path.is_file() and path.suffix != ".png":
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return texts
