"""One self-contained HTML page comparing gold and predicted records.

Why: a score table says *how much* is wrong; a reviewer needs to see *what*.
The page holds the summary table, then every gold document with its text twice
side by side (gold | predicted) for each layer, chosen with tabs.

Every missed / spurious / wrong item of :func:`pipeline.scoring.error_items` is
exactly ONE element with class ``diff-missed``, ``diff-spurious`` or
``diff-wrong`` and a ``data-layer`` attribute (a missed item sits in the gold
pane, a spurious or wrong one in the predicted pane, a doc_date error in the
document header), so a browser test can count them. Both read the rows of one
:class:`pipeline.scoring.Alignment` (the one the scores are counted from), so
they cannot drift apart. No other
element carries those classes (the legend uses ``legend-*``). All text is
HTML-escaped; no external resources are loaded.
"""

from __future__ import annotations

import html
from typing import Any

from .scoring import SPAN_LAYERS, Alignment, DocAlignment, align, layer_items

LAYER_TABS = ("entities", "dates", "numbers", "sentences", "facts")


def _e(x: Any) -> str:
    """Escape anything for text and attribute use (quotes included)."""
    return html.escape("" if x is None else str(x), quote=True)


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.3f}"
    return "–" if x is None else str(x)


# --------------------------------------------------------------- item labels
def _item_title(layer: str, item: dict) -> str:
    """Tooltip text of one item: its label and value, as the layer defines."""
    if layer == "entities":
        return str(item.get("label"))
    if layer == "dates":
        s = f"DATE {item.get('value')}"
        return s + (f" mod={item['mod']}" if item.get("mod") else "")
    if layer == "numbers":
        s = f"{item.get('kind')} {item.get('value')}"
        if item.get("unit"):
            s += f" {item['unit']}"
        return s + (f" mod={item['mod']}" if item.get("mod") else "")
    if layer == "sentences":
        return f"sentence {item.get('start')}–{item.get('end')}"
    if layer == "facts":
        s = f"{item.get('type')} {item.get('value')}"
        return s + (f" mod={item['mod']}" if item.get("mod") else "")
    return ""


def _short_label(layer: str, item: dict) -> str:
    if layer == "entities":
        return str(item.get("label"))
    if layer == "numbers":
        return str(item.get("kind"))
    return ""


def _tag(layer: str, item: dict) -> str:
    """What an error item says beside its text: label, kind/value, date value."""
    if layer == "entities":
        return str(item.get("label"))
    if layer == "dates":
        return str(item.get("value")) + (f" {item['mod']}" if item.get("mod") else "")
    if layer == "numbers":
        s = f"{item.get('kind')} {item.get('value')}"
        return s + (f" {item['mod']}" if item.get("mod") else "")
    return ""


def _diff_tag(layer: str, item: dict, row: dict) -> str:
    """Visible tag of an error element, so a reader need not hover to see why.

    A wrong item names what differs from its gold partner: the gold tag when a
    value/kind/mod differs, else just that the span differs.
    """
    tag = _tag(layer, item)
    gold = row.get("other")
    if row["error"] != "wrong" or gold is None:
        return tag
    if row["fields"] == ["span"]:
        return f"{tag}, span ≠ gold" if tag else "span ≠ gold"
    return f"{tag} ≠ gold {_tag(layer, gold)}"


# ------------------------------------------------------------ text rendering
def _render_text(text: str, spans: list[dict]) -> str:
    """Text with spans as nested <span> elements; one element per span always.

    Spans are laid out by (start, -end). A span crossing one still open is
    clipped to that one's end (title says so); an empty span becomes a small
    marker. So every item yields exactly one element, whatever the input.
    """
    n = len(text)
    order = sorted(range(len(spans)),
                   key=lambda i: (spans[i]["start"], -spans[i]["end"], i))
    out: list[str] = []
    pos = 0
    stack: list[int] = []

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= limit:
            end = stack.pop()
            out.append(_e(text[pos:end]))
            pos = end
            out.append("</span>")

    for i in order:
        sp = spans[i]
        s = max(0, min(int(sp["start"]), n))
        e = max(s, min(int(sp["end"]), n))
        close_until(s)
        s = max(s, pos)
        out.append(_e(text[pos:s]))
        pos = s
        title = sp.get("title", "")
        if stack and e > stack[-1]:
            e = stack[-1]
            title += " (clipped: crosses another span)"
        attrs = f' class="{_e(sp["cls"])}" title="{_e(title)}"'
        for k, v in sp.get("data", {}).items():
            attrs += f' data-{k}="{_e(v)}"'
        if e <= s:
            out.append(f'<span{attrs}><span class="empty">∅</span></span>')
        else:
            out.append(f"<span{attrs}>")
            stack.append(e)
    close_until(n)
    out.append(_e(text[pos:]))
    return "".join(out)


def _pane_spans(layer: str, items: list[dict], side: str, diffs: dict[int, dict],
                paired: frozenset[int] | set[int] = frozenset()) -> list[dict]:
    """Span descriptors for one pane.

    ``diffs`` maps item index -> error row (gets a diff-* class); ``paired`` are
    gold items of a wrong pair, only outlined (the diff element is the pred one).
    """
    spans = []
    for i, it in enumerate(items):
        if "start" not in it or "end" not in it:
            continue
        cls = ["hl", f"l-{layer}"]
        if layer == "sentences":
            cls.append(f"s{i % 2}")
        lab = _short_label(layer, it)
        if lab:
            cls.append("lab-" + "".join(c if c.isalnum() else "_" for c in lab))
        title = _item_title(layer, it)
        data: dict[str, Any] = {"side": side}
        row = diffs.get(i)
        if row is not None:
            cls.append(f"diff-{row['error']}")
            data["layer"] = layer
            data["error"] = row["error"]
            if row["fields"]:
                data["fields"] = ",".join(row["fields"])
            tag = _diff_tag(layer, it, row)
            if tag:
                data["tag"] = tag
            title = f"{row['error'].upper()}: {title}"
            if row.get("other") is not None:
                title += f" | gold: {_item_title(layer, row['other'])}"
                title += f" [{row['other'].get('start')}–{row['other'].get('end')}]"
        elif i in paired:
            cls.append("pair-wrong")
        spans.append({"start": it["start"], "end": it["end"], "cls": " ".join(cls),
                      "title": title, "data": data})
    return spans


def _event_label(event: dict | None) -> str:
    """"e1 Black January · 1990-01 · Baku" from an events entry (SPEC v2)."""
    if not event:
        return ""
    parts = [(event.get(k) or {}).get("text") for k in ("name", "date", "place")]
    return " · ".join([event.get("id", "")] + [p for p in parts if p])


def _fact_li(fact: dict, text: str, row: dict | None, events: dict | None = None) -> str:
    num = fact.get("number") or {}
    trig = fact.get("trigger") or {}
    try:
        num_txt = text[num["start"]:num["end"]] if num else ""
        trig_txt = text[trig["start"]:trig["end"]] if trig else ""
    except (KeyError, TypeError):
        num_txt = trig_txt = ""
    desc = f"{fact.get('type')} = {fact.get('value')}"
    if fact.get("mod"):
        desc += f" ({fact['mod']})"
    attrs = ""
    if row is not None:
        attrs = f' class="diff-{row["error"]}" data-layer="facts" data-error="{row["error"]}"'
    extra = ""
    if num_txt or trig_txt:
        extra = f' <span class="ctx">«{_e(num_txt)}» {_e(trig_txt)}</span>'
    links = []
    if fact.get("event"):
        links.append("event " + _event_label((events or {}).get(fact["event"]) or {"id": fact["event"]}))
    if fact.get("part_of") is not None:
        links.append(f"part of fact {fact['part_of']}")
    attribution = fact.get("attribution") or {}
    said = " ".join((attribution.get(k) or {}).get("text", "") for k in ("source", "cue")).strip()
    if said:
        links.append(f"by: {said}")
    if links:
        extra += f' <span class="ctx links">[{_e("; ".join(links))}]</span>'
    return f"<li{attrs}>{_e(desc)}{extra}</li>"


def _count_note(rows: list[dict], kinds: tuple[str, ...]) -> str:
    """' – 2 missed, 1 wrong' for a pane head; errors are easy to miss in a long text."""
    counts = [(k, sum(r["error"] == k for r in rows)) for k in kinds]
    parts = [f"{n} {k}" for k, n in counts if n]
    return " – " + ", ".join(parts) if parts else ""


def _layer_panel(layer: str, doc: DocAlignment) -> tuple[str, int]:
    """Two panes (gold | predicted) for one layer of one document, and its error count.

    A labelled layer shows the items and error rows of ``doc.layers[layer]``; an
    unlabelled one shows the predicted items unjudged.
    """
    g_rec, p_rec = doc.gold, doc.pred
    text = g_rec.get("text") or (p_rec or {}).get("text") or ""
    p_text = (p_rec or {}).get("text") or text
    aligned = doc.layers.get(layer)
    labelled = aligned is not None
    if labelled:
        g_items, p_items, rows = aligned.gold, aligned.pred, aligned.rows
    else:
        g_items, p_items, rows = None, layer_items(p_rec, layer) or [], []
    g_diff: dict[int, dict] = {}
    p_diff: dict[int, dict] = {}
    paired: set[int] = set()
    for r in rows:
        if r["error"] == "missed":
            g_diff[r["gold"]] = dict(r, other=None)
        elif r["error"] == "spurious":
            p_diff[r["pred"]] = dict(r, other=None)
        else:  # wrong: shown once, on the predicted item, with gold in the title
            p_diff[r["pred"]] = dict(r, other=g_items[r["gold"]])
            paired.add(r["gold"])

    note = "" if labelled else '<p class="note">Layer not labelled in gold: not scored.</p>'
    head_g = (f"Gold ({len(g_items)})" + _count_note(rows, ("missed",))
              if labelled else "Gold (not labelled)")
    head_p = (f"Predicted ({len(p_items)})" + _count_note(rows, ("spurious", "wrong"))
              if p_rec is not None else "Predicted (no record)")
    if layer == "facts":
        g_events = {e.get("id"): e for e in g_rec.get("events") or []}
        p_events = {e.get("id"): e for e in (p_rec or {}).get("events") or []}
        g_html = "<ul>" + "".join(_fact_li(f, text, g_diff.get(i), g_events)
                                  for i, f in enumerate(g_items or [])) + "</ul>"
        p_html = "<ul>" + "".join(_fact_li(f, p_text, p_diff.get(i), p_events)
                                  for i, f in enumerate(p_items)) + "</ul>"
    else:
        g_html = '<div class="text">' + _render_text(
            text, _pane_spans(layer, g_items or [], "gold", g_diff, paired)) + "</div>"
        p_html = '<div class="text">' + _render_text(
            p_text, _pane_spans(layer, p_items, "pred", p_diff)) + "</div>"
    hidden = "" if layer == LAYER_TABS[0] else " hidden"
    return (f'<div class="panel{hidden}" data-tab="{_e(layer)}">{note}'
            f'<div class="cols"><div class="col"><h4>{_e(head_g)}</h4>{g_html}</div>'
            f'<div class="col"><h4>{_e(head_p)}</h4>{p_html}</div></div></div>', len(rows))


def _doc_date_html(doc: DocAlignment) -> str:
    def val(x: Any) -> str:
        return str(x.get("value")) if isinstance(x, dict) else ("null" if x is None else str(x))
    g_rec, p_rec = doc.gold, doc.pred
    if not doc.doc_date_labelled:
        return '<span class="dd">doc_date: not labelled</span>'
    g = val(g_rec.get("doc_date"))
    p = val(p_rec.get("doc_date")) if p_rec is not None and "doc_date" in p_rec else "(none)"
    err = doc.doc_date
    body = f"gold {_e(g)} | predicted {_e(p)}"
    if err is None:
        return f'<span class="dd ok">doc_date: {body}</span>'
    return (f'<span class="dd diff-{err["error"]}" data-layer="doc_date" '
            f'data-error="{err["error"]}">doc_date: {body}</span>')


def _doc_section(doc: DocAlignment) -> str:
    doc_id = doc.doc_id
    built = [(l, *_layer_panel(l, doc)) for l in LAYER_TABS]
    tabs = "".join(
        f'<button type="button" class="tab{" active" if l == LAYER_TABS[0] else ""}" '
        f'data-tab="{l}">{l}'
        + (f' <span class="errs">{n}</span>' if n else "") + "</button>"
        for l, _, n in built)
    panels = "".join(panel for _, panel, _ in built)
    missing = ' <span class="warn">no prediction for this document</span>' if doc.pred is None else ""
    return (f'<section class="doc" id="doc-{_e(doc_id)}"><h3>{_e(doc_id)}{missing}</h3>'
            f"<p>{_doc_date_html(doc)}</p>"
            f'<div class="tabs">{tabs}</div>{panels}</section>')


# ---------------------------------------------------------------- summary
def _prf_cells(d: dict) -> str:
    return "".join(f"<td>{_e(_fmt(d.get(k)))}</td>"
                   for k in ("precision", "recall", "f1", "tp", "fp", "fn"))


def _summary(report: dict) -> str:
    rows = []

    def row(name: str, d: dict, cls: str = "") -> None:
        rows.append(f'<tr class="{cls}"><th>{_e(name)}</th>{_prf_cells(d)}</tr>')

    if "sentences" in report:
        row("sentences (exact)", report["sentences"])
    for layer in SPAN_LAYERS:
        r = report.get(layer)
        if not r:
            continue
        for mode in ("strict", "relaxed"):
            row(f"{layer} {mode} micro", r[mode]["micro"])
            for lab, d in r[mode]["per_label"].items():
                row(f"  {layer} {mode} {lab}", d, "sub")
    if "facts" in report:
        row("facts micro", report["facts"]["micro"])
        for t, d in report["facts"]["per_type"].items():
            row(f"  facts {t}", d, "sub")
    if (report.get("events") or {}).get("docs"):
        row("events: same-event pairs", report["events"]["pairs"])
        for role in ("source", "cue"):
            for mode in ("strict", "relaxed"):
                row(f"  attribution {role} {mode}", report["attribution"][role][mode], "sub")
    acc_rows = []
    for layer in ("dates", "numbers"):
        for key in ("value_accuracy", "kind_accuracy", "mod_accuracy"):
            a = (report.get(layer) or {}).get(key)
            if a:
                acc_rows.append((f"{layer} {key.replace('_', ' ')}", a))
    if "doc_date" in report:
        acc_rows.append(("doc_date accuracy", report["doc_date"]))
    if (report.get("events") or {}).get("docs"):
        acc_rows.append(("part_of accuracy", report["part_of"]))
    b3 = report.get("incidents") or {}
    if b3.get("items"):
        acc_rows.append(("incidents B-cubed F1 (P {:.3f}, R {:.3f})".format(b3["precision"], b3["recall"]),
                         {"accuracy": b3["f1"], "correct": "", "total": b3["items"]}))
    acc = "".join(f"<tr><th>{_e(n)}</th><td>{_e(_fmt(a.get('accuracy')))}</td>"
                  f"<td>{_e(a.get('correct'))}</td><td>{_e(a.get('total'))}</td></tr>"
                  for n, a in acc_rows)
    docs = (f"<p>gold docs {_e(report.get('n_gold_docs'))}, predicted docs "
            f"{_e(report.get('n_pred_docs'))}, paired {_e(report.get('n_paired_docs'))}; "
            f"missing predictions: {_e(', '.join(report.get('missing_docs', [])) or 'none')}; "
            f"predictions without gold: {_e(', '.join(report.get('unpaired_pred', [])) or 'none')}</p>")
    return (docs + '<label><input type="checkbox" id="show-sub"> show per-label rows</label>'
            '<table class="scores"><tr><th>layer</th><th>P</th><th>R</th><th>F1</th>'
            "<th>tp</th><th>fp</th><th>fn</th></tr>" + "".join(rows) + "</table>"
            '<table class="scores"><tr><th>accuracy</th><th>value</th><th>correct</th>'
            "<th>total</th></tr>" + acc + "</table>")


CSS = """
body{font-family:system-ui,sans-serif;margin:1em 2em;color:#222}
table.scores{border-collapse:collapse;margin:.5em 0 1em}
table.scores td,table.scores th{border:1px solid #ccc;padding:2px 8px;text-align:right;white-space:pre}
table.scores th:first-child{text-align:left}
table.scores tr.sub{display:none;color:#555}
body.show-sub table.scores tr.sub{display:table-row}
section.doc{border-top:2px solid #888;margin-top:1.5em}
.tabs button{border:1px solid #aaa;background:#eee;padding:2px 10px;cursor:pointer}
.tabs button.active{background:#fff;border-bottom-color:#fff;font-weight:bold}
.panel.hidden{display:none}
.cols{display:flex;gap:1em}.col{flex:1;min-width:0}
.text{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:13px;line-height:1.7;
 border:1px solid #ddd;padding:.5em;max-height:40em;overflow:auto}
.hl{background:#dbeafe;border-radius:2px}
.hl.l-dates{background:#fef3c7}.hl.l-numbers{background:#dcfce7}
.hl.l-sentences.s0{background:#f1f5f9}.hl.l-sentences.s1{background:#e0e7ff}
.pair-wrong{outline:1px dashed #d97706}
.diff-missed{background:#fecaca!important;outline:2px solid #dc2626}
.diff-spurious{background:#fde68a!important;outline:2px solid #b45309;text-decoration:underline wavy #b45309}
.diff-wrong{background:#e9d5ff!important;outline:2px solid #7c3aed}
li.diff-missed,li.diff-spurious,li.diff-wrong,.dd.diff-missed,.dd.diff-spurious,.dd.diff-wrong{padding:0 4px}
li.diff-missed,li.diff-spurious,li.diff-wrong{margin:4px 0}
[data-tag]::after{content:attr(data-tag);font:bold 10px system-ui,sans-serif;vertical-align:super;
 margin-left:2px;padding:0 2px;border-radius:2px;background:#fff;color:#444;white-space:nowrap}
.diff-missed[data-tag]::after{color:#b91c1c}.diff-spurious[data-tag]::after{color:#92400e}
.diff-wrong[data-tag]::after{color:#6d28d9}
.tabs .errs{background:#dc2626;color:#fff;border-radius:8px;padding:0 5px;font-size:80%}
.legend-missed{background:#fecaca;outline:2px solid #dc2626}
.legend-spurious{background:#fde68a;outline:2px solid #b45309}
.legend-wrong{background:#e9d5ff;outline:2px solid #7c3aed}
.empty{color:#999;font-size:80%}.ctx{color:#666}.warn{color:#b91c1c;font-size:80%}
.note{color:#666;font-style:italic}
"""

JS = """
document.addEventListener('click',function(ev){
  var b=ev.target.closest('.tabs button'); if(!b) return;
  var doc=b.closest('section.doc'), t=b.getAttribute('data-tab');
  doc.querySelectorAll('.tabs button').forEach(function(x){x.classList.toggle('active',x===b);});
  doc.querySelectorAll('.panel').forEach(function(p){p.classList.toggle('hidden',p.getAttribute('data-tab')!==t);});
});
document.getElementById('layer-all').addEventListener('change',function(ev){
  var t=ev.target.value; if(!t) return;
  document.querySelectorAll('section.doc .tabs button[data-tab="'+t+'"]').forEach(function(b){b.click();});
});
document.getElementById('show-sub').addEventListener('change',function(ev){
  document.body.classList.toggle('show-sub',ev.target.checked);
});
"""


def render_html(gold: dict[str, dict], pred: dict[str, dict], report: dict,
                alignment: Alignment | None = None) -> str:
    """The whole report page as one string (inline CSS/JS, nothing external).

    ``report`` fills the score tables; the document panes show ``alignment``
    (default ``align(gold, pred)``): pass the alignment ``report`` was derived
    from (``pipeline.scoring.report_of``) so nothing is matched twice.
    """
    if alignment is None:
        alignment = align(gold, pred)
    docs = "".join(_doc_section(doc) for doc in alignment.docs)
    toc = " ".join(f'<a href="#doc-{_e(doc.doc_id)}">{_e(doc.doc_id)}</a>' for doc in alignment.docs)
    select = ('<label>Show layer in all documents: <select id="layer-all"><option value="">–</option>'
              + "".join(f'<option value="{l}">{l}</option>' for l in LAYER_TABS)
              + "</select></label>")
    legend = ('<p>Legend: <span class="legend-missed">missed (gold only)</span> '
              '<span class="legend-spurious">spurious (predicted only)</span> '
              '<span class="legend-wrong">wrong span/value (predicted, gold in tooltip)</span> '
              "— the small tag after an error gives its label/value; hover any span for details; "
              'a red number on a tab counts that layer\'s errors.</p>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Recount evaluation</title><style>" + CSS + "</style></head><body>"
            "<h1>Recount evaluation</h1><h2>Scores</h2>" + _summary(report)
            + "<h2>Documents</h2><p>" + toc + "</p>" + legend + select + docs
            + "<script>" + JS + "</script></body></html>\n")
