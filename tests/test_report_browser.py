"""The HTML report as headless Chromium builds it, for the real gold and a real run.

Why: test_report_html.py parses the markup string; a browser's DOM is what a
reviewer sees (its parser repairs bad nesting, the script may throw). Here the
diff elements in the browser's DOM must match error_items() per layer and
error, the page script must run without errors and switch tabs, and a
screenshot must render the styles. Chromium is installed when missing (CI is
a fresh Debian machine, run as root); a failed install fails the test.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

import browser
from pipeline.api import load_records
from pipeline.report_html import LAYER_TABS, render_html
from pipeline.scoring import error_items, evaluate

pytestmark = [pytest.mark.browser, pytest.mark.model]

ROOT = Path(__file__).resolve().parent.parent

# Appended to a copy of the page: uses the page's own controls as a user would.
DRIVE_JS = """<script>
var sel=document.getElementById('layer-all'); sel.value='dates';
sel.dispatchEvent(new Event('change'));
var box=document.getElementById('show-sub'); box.click();
</script></body>"""


class Dom(HTMLParser):
    """What the assertions need from a serialised DOM."""

    def __init__(self, markup: str):
        super().__init__()
        self.title = ""
        self._in_title = False
        self.body_classes: set[str] = set()
        self.score_tables = 0
        self.sections = 0
        self.diffs: Counter = Counter()
        self.active_tabs: Counter = Counter()
        self.shown_panels: Counter = Counter()
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "title":
            self._in_title = True
        if tag == "body":
            self.body_classes = classes
        if tag == "table" and "scores" in classes:
            self.score_tables += 1
        if tag == "section" and "doc" in classes:
            self.sections += 1
        if tag == "button" and "active" in classes:
            self.active_tabs[a.get("data-tab")] += 1
        if tag == "div" and "panel" in classes and "hidden" not in classes:
            self.shown_panels[a.get("data-tab")] += 1
        for cls in classes:
            if cls.startswith("diff-"):
                self.diffs[(a.get("data-layer"), cls[len("diff-"):])] += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def chromium():
    try:
        return browser.ensure_chromium()
    except browser.BrowserError as exc:  # fail loudly: never skip
        pytest.fail(f"Chromium unavailable: {exc}")


@pytest.fixture(scope="module")
def report_page(seed_records, tmp_path_factory, chromium):
    """(html path, gold, pred) for tests/gold against the pipeline's run of inputs/."""
    _, pred = seed_records
    gold = load_records(ROOT / "tests" / "gold")
    out = tmp_path_factory.mktemp("report") / "report.html"
    out.write_text(render_html(gold, pred, evaluate(gold, pred)), encoding="utf-8")
    return out, gold, pred


def test_browser_dom_has_one_diff_element_per_error_item(report_page):
    path, gold, pred = report_page
    markup, log = browser.dump_dom(path)
    dom = Dom(markup)
    assert dom.title == "Recount evaluation"
    assert dom.score_tables == 2
    assert dom.sections == len(gold)
    expected = Counter((e["layer"], e["error"]) for e in error_items(gold, pred))
    assert sum(expected.values()) > 0, "no errors at all: the count check would be vacuous"
    assert dom.diffs == expected
    assert browser.console_errors(log) == []
    # before any click: the first tab of every document is the one shown
    assert dom.active_tabs == Counter({LAYER_TABS[0]: len(gold)})
    assert dom.shown_panels == Counter({LAYER_TABS[0]: len(gold)})


def test_page_script_switches_tabs_in_browser(report_page, tmp_path):
    path, gold, _ = report_page
    driven = tmp_path / "driven.html"
    driven.write_text(path.read_text(encoding="utf-8").replace("</body>", DRIVE_JS, 1),
                      encoding="utf-8")
    markup, log = browser.dump_dom(driven)
    dom = Dom(markup)
    assert browser.console_errors(log) == []
    assert dom.active_tabs == Counter({"dates": len(gold)})
    assert dom.shown_panels == Counter({"dates": len(gold)})
    assert "show-sub" in dom.body_classes


def test_screenshot_renders_styles(report_page, tmp_path):
    from PIL import Image

    path, _, _ = report_page
    png = browser.screenshot(path, tmp_path / "report.png", (1400, 2000))
    with Image.open(png) as im:
        assert im.size == (1400, 2000)
        colours = {c for _, c in im.convert("RGB").getcolors(maxcolors=1 << 20)}
    # outline colours of the missed / spurious / wrong legend (same as the diff CSS)
    for hex_ in ("dc2626", "b45309", "7c3aed"):
        assert tuple(bytes.fromhex(hex_)) in colours, f"#{hex_} not rendered"
