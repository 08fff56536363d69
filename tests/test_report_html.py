"""The HTML report shows one diff element per error item and escapes all text."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

from pipeline.report_html import render_html
from pipeline.scoring import error_items, evaluate

TEXT = ("<script>alert('x')</script> On 20 January 1990 Soviet troops killed 150 "
        "people in Baku & Sumgait.\nMore than 200,000 were expelled.")


def sp(s, e, **kw):
    return {"start": s, "end": e, "text": TEXT[s:e], **kw}


def find(sub, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(sub, i + 1)
    return i, i + len(sub)


D = find("20 January 1990")
SOV = find("Soviet")
N150 = find("150")
BAKU = find("Baku")
SUM = find("Sumgait")
N200 = find("More than 200,000")

GOLD = {
    "doc<1>": {
        "doc_id": "doc<1>", "text": TEXT,
        "doc_date": {"value": "1990-01-21", "start": D[0], "end": D[1]},
        "sentences": [{"start": 0, "end": 27}, {"start": 28, "end": find("Sumgait.")[1]},
                      {"start": N200[0], "end": len(TEXT)}],
        "entities": [sp(*D, label="DATE"), sp(*SOV, label="NORP"), sp(*N150, label="CARDINAL"),
                     sp(*BAKU, label="GPE"), sp(*SUM, label="GPE")],
        "dates": [sp(*D, value="1990-01-20", mod=None)],
        "numbers": [sp(*N150, value=150, kind="cardinal", unit=None, mod=None),
                    sp(*N200, value=200000, kind="cardinal", unit=None, mod="MORE_THAN")],
        "facts": [{"type": "killed", "value": 150, "mod": None,
                   "number": {"start": N150[0], "end": N150[1]}, "trigger": None},
                  {"type": "displaced", "value": 200000, "mod": "MORE_THAN",
                   "number": {"start": N200[0], "end": N200[1]}, "trigger": None}],
    },
    "missing-doc": {"doc_id": "missing-doc", "text": "Ganja <b>bold</b>",
                    "entities": [{"start": 0, "end": 5, "text": "Ganja", "label": "GPE"}],
                    "doc_date": None},
}
PRED = {
    "doc<1>": {
        "doc_id": "doc<1>", "text": TEXT,
        "doc_date": {"value": "1990-01-20", "start": D[0], "end": D[1]},          # wrong
        "sentences": [{"start": 0, "end": 27}, {"start": 28, "end": len(TEXT)}],  # 2 missed, 1 spurious
        "entities": [sp(*D, label="DATE"), sp(SOV[0], SOV[1] + 7, label="NORP"),  # wrong span
                     sp(*BAKU, label="GPE"), sp(0, 8, label="ORG")],              # 2 missed, 1 spurious
        "dates": [sp(D[0] + 3, D[1], value="1990-01", mod=None),                   # wrong value+span
                  sp(*N150, value="XXXX", mod=None)],                              # overlaps numbers only
        "numbers": [sp(*N150, value=150, kind="ordinal", unit=None, mod=None)],    # wrong kind; 1 missed
        "facts": [{"type": "killed", "value": 150, "mod": None, "number": None, "trigger": None},
                  {"type": "injured", "value": 5, "mod": None, "number": None, "trigger": None}],
    },
    "extra": {"doc_id": "extra", "text": "unpaired"},
}


class DiffCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.diffs = Counter()
        self.scripts = 0
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if key in a and not (a[key] or "").startswith("#"):
                self.external.append(a[key])
        for cls in (a.get("class") or "").split():
            if cls.startswith("diff-"):
                self.diffs[(a.get("data-layer"), cls[len("diff-"):])] += 1


def page():
    return render_html(GOLD, PRED, evaluate(GOLD, PRED))


def test_one_diff_element_per_error_item():
    expected = Counter((e["layer"], e["error"]) for e in error_items(GOLD, PRED))
    parser = DiffCounter()
    parser.feed(page())
    assert parser.diffs == expected
    # the case is rich enough to exercise every class
    by_class = Counter()
    for (layer, err), n in parser.diffs.items():
        by_class[err] += n
    assert set(by_class) == {"missed", "spurious", "wrong"}
    assert {layer for layer, _ in parser.diffs} == {
        "sentences", "entities", "dates", "numbers", "facts", "doc_date"}


def test_escapes_text_and_is_self_contained():
    html = page()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "doc&lt;1&gt;" in html and "doc<1>" not in html
    parser = DiffCounter()
    parser.feed(html)
    assert parser.scripts == 1          # only the inline script of the page
    assert parser.external == []        # no external resources
    assert "http://" not in html and "https://" not in html


def test_summary_table_present():
    html = page()
    assert "entities strict micro" in html and "doc_date accuracy" in html
    assert "missing-doc" in html and "extra" in html


def test_facts_show_their_event_part_of_and_attribution():
    gold = {"d": {"doc_id": "d", "text": TEXT,
                  "events": [{"id": "e1", "name": None, "date": {**sp(*D), "value": "1990-01-20"},
                              "place": sp(*BAKU)}],
                  "facts": [{"type": "killed", "value": 150, "mod": None,
                             "number": {"start": N150[0], "end": N150[1]}, "trigger": None, "event": "e1",
                             "part_of": None, "attribution": {"source": sp(*SOV), "cue": None}}]}}
    page = render_html(gold, {"d": {"doc_id": "d", "text": TEXT, "facts": []}}, evaluate(gold, {}))
    assert "event e1 · 20 January 1990 · Baku" in page
    assert "by: Soviet" in page


class PerDoc(HTMLParser):
    """Per document section: the error badge of each tab and the diff elements per layer."""

    def __init__(self):
        super().__init__()
        self.doc = None
        self.tab = None
        self.in_badge = False
        self.badges: dict = {}
        self.diffs: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "section" and "doc" in classes:
            self.doc = a["id"][len("doc-"):]
        if tag == "button" and "tab" in classes:
            self.tab = a["data-tab"]
            self.badges[(self.doc, self.tab)] = 0
        self.in_badge = tag == "span" and "errs" in classes
        for cls in classes:
            if cls.startswith("diff-"):
                self.diffs[(self.doc, a.get("data-layer"))] += 1

    def handle_data(self, data):
        if self.in_badge:
            self.badges[(self.doc, self.tab)] = int(data)
            self.in_badge = False


def test_tabs_and_diff_elements_show_the_rows_of_the_alignment_scored():
    from pipeline.scoring import align, errors_of, report_of

    alignment = align(GOLD, PRED)
    rows = Counter((e["doc_id"], e["layer"]) for e in errors_of(alignment))
    parser = PerDoc()
    parser.feed(render_html(GOLD, PRED, report_of(alignment), alignment))
    assert parser.diffs == rows
    # a tab's red number counts that layer's rows (doc_date sits in the header, not a tab)
    assert parser.badges == {(d, layer): rows[d, layer] for d in GOLD for layer in
                             ("entities", "dates", "numbers", "sentences", "facts")}
    assert sum(parser.badges.values()) > 0
    # the summary table carries the counts the same rows add up to
    report = report_of(alignment)
    assert rows["doc<1>", "sentences"] == report["sentences"]["fp"] + report["sentences"]["fn"]
