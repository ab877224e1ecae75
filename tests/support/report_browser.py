"""The report in a real browser: Debian's Chromium, headless, driven by Playwright.

`visit(page, screenshot)` opens one page of the report with every request
intercepted (only the page's own file:// URL may load), and returns what the
browser saw: console messages, the requests it was asked for, each chart's
drawn marks, and where the screenshot went.

    python -m tests.support.report_browser docs/report.png

regenerates the README's screenshot from the hand-audit fixture (January and
February 2022, the hand audit's period) in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Each chart's SVG: its size, and how many marks (bars, lines, dots) it drew with a real shape.
_CHARTS_JS = """() => Array.from(document.querySelectorAll('figure.chart svg, td.spark svg')).map(svg => {
  const box = svg.getBoundingClientRect();
  const marks = Array.from(svg.querySelectorAll('g.role-mark path, g.role-mark line, g.role-mark rect'))
    .filter(el => (el.getAttribute('d') || '').length > 2 || el.tagName !== 'path');
  return {width: box.width, height: box.height, marks: marks.length,
          label: svg.getAttribute('aria-label') || ''};
})"""


def chromium() -> str:
    for candidate in (os.environ.get("FOOTPRINT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Chromium not found: run scripts/ensure-chromium.sh or set FOOTPRINT_CHROMIUM")


@dataclass
class Visit:
    url: str
    console: list[str] = field(default_factory=list)  # "type: text" of every console message and page error
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    blocked: list[str] = field(default_factory=list)  # the ones refused (anything but the page itself)
    charts: list[dict] = field(default_factory=list)
    resources: int = 0  # resources the page loaded besides itself (Performance API)
    screenshot: Path | None = None

    @property
    def errors(self) -> list[str]:
        return [m for m in self.console if m.startswith(("error", "pageerror"))]


def visit(page_path: Path, screenshot: Path, *, width: int = 1200, height: int = 1500,
          full_page: bool = True) -> Visit:
    from playwright.sync_api import sync_playwright

    url = Path(page_path).resolve().as_uri()
    seen = Visit(url)

    def route(r):
        seen.requests.append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            seen.blocked.append(r.request.url)
            r.abort()

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium(), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height}, offline=True)
        try:
            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: seen.console.append(f"pageerror: {e}"))
            page.goto(url, wait_until="load")
            seen.charts = page.evaluate(_CHARTS_JS)
            seen.resources = page.evaluate("() => performance.getEntriesByType('resource').length")
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=full_page)
            seen.screenshot = screenshot
        finally:
            context.close()
    return seen


def _readme_screenshot(out: Path) -> None:
    """The hand-audit fixture through the pipeline in a temporary folder, its report, the top of index.html."""
    import datetime as dt

    from footprint.readers.report import Options, build_report
    from tests.support.report_fixture import run_fixture

    with tempfile.TemporaryDirectory() as base:
        os.environ.update(
            FOOTPRINT_TARGET="duckdb", FOOTPRINT_LANDING_DIR=f"{base}/landing",
            FOOTPRINT_DUCKDB_PATH=f"{base}/warehouse.duckdb", FOOTPRINT_MARTS_PATH=f"{base}/marts.duckdb",
            FOOTPRINT_REPORTS_DIR=f"{base}/reports", FOOTPRINT_PSEUDONYM_KEY="readme-screenshot-key-0123456789",
        )
        run_fixture(Path(base) / "landing")
        result = build_report(Path(base) / "report", options=Options(dt.date(2022, 1, 1), dt.date(2022, 2, 28)))
        seen = visit(result.index, out, width=1000, height=1640, full_page=False)
    assert not seen.errors and not seen.blocked, (seen.errors, seen.blocked)
    print(f"{out}: {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    _readme_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/report.png"))
