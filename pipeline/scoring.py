"""Score predicted records against gold records (SPEC.md, "Scoring").

Records are plain dicts keyed by doc_id. A gold record holds only the layers that
were labelled: a missing key (or ``null`` for a list layer) means "not labelled",
so that layer is skipped for that document; an empty list means "labelled,
nothing there" and every prediction in it is spurious.

Conventions (chosen so every number in the report can be re-derived by hand):

* Counts ``tp``/``fp``/``fn`` are reported beside every P/R/F1, and micro scores are
  computed from the summed counts, so ``micro.tp == sum(per_label.tp)``.
* P/R/F1 when nothing was there at all (tp = fp = fn = 0) is 1.0/1.0/1.0: a layer
  that was labelled empty and predicted empty is a perfect answer. Otherwise any
  0/0 ratio is 0.0 (gold items but no predictions -> P = 0.0, R = 0.0).
* An accuracy over zero pairs is ``None`` (JSON null): there was nothing to judge.
* A gold doc with no prediction counts all of its items as missed (and its labelled
  doc_date as wrong); it is listed in ``report["missing_docs"]``. Predicted docs
  with no gold are ignored and listed in ``report["unpaired_pred"]``.

Relaxed matching is ONE-TO-ONE (see :func:`match_relaxed`): candidate pairs are
(gold, pred) items with the same label whose spans share at least one character
(or are the identical empty span). They are taken greedily in this order: exact
same span first, then larger overlap, then earlier gold (start, end), then
earlier pred (start, end), then list position. Each item is used at most once.
Exact pairs going first makes relaxed tp >= strict tp always, and the matched
pairs with differing spans are exactly the strict errors that relaxed forgives.

Numbers: strict/relaxed P/R/F1 use ``kind`` as the label, but the pairs for value,
kind and mod accuracy are matched on overlap ONLY (kind ignored), so a number
found with the wrong kind shows up in kind accuracy instead of vanishing as a
missed + spurious pair.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import Any, Callable, Iterable

SPAN_LAYERS = ("entities", "dates", "numbers")
LIST_LAYERS = ("sentences",) + SPAN_LAYERS + ("facts",)
CONTEXT_CHARS = 40
NUM_REL_TOL = 1e-9
NUM_ABS_TOL = 1e-6


def _entity_label(item: dict) -> Any:
    return item.get("label")


def _date_label(item: dict) -> Any:
    """All dates share one label, so only the span (and value) matters."""
    return "DATE"


def _number_label(item: dict) -> Any:
    return item.get("kind")


LABEL_OF: dict[str, Callable[[dict], Any]] = {
    "entities": _entity_label,
    "dates": _date_label,
    "numbers": _number_label,
}


# --------------------------------------------------------------------- basics
def prf(tp: int, fp: int, fn: int) -> dict:
    """P/R/F1 with the counts beside them, so sums can be checked.

    tp = fp = fn = 0 scores 1.0 (empty gold, empty prediction: nothing wrong);
    any other 0/0 ratio is 0.0.
    """
    if tp == 0 and fp == 0 and fn == 0:
        p = r = f = 1.0
    else:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def accuracy(correct: int, total: int) -> dict:
    """An accuracy with its counts; None when there was nothing to judge."""
    return {"correct": correct, "total": total,
            "accuracy": (correct / total) if total else None}


def _span(item: dict) -> tuple[int, int]:
    return int(item["start"]), int(item["end"])


def _overlap(a: dict, b: dict) -> int | None:
    """Shared characters of two half-open spans; None when they do not overlap.

    Identical empty spans count as overlapping (overlap 0) so that a degenerate
    item can still be matched to itself.
    """
    (s1, e1), (s2, e2) = _span(a), _span(b)
    if (s1, e1) == (s2, e2):
        return e1 - s1
    ov = min(e1, e2) - max(s1, s2)
    return ov if ov > 0 else None


def numbers_equal(a: Any, b: Any) -> bool:
    """Numeric equality with a tiny tolerance (2e6 == 2000000.0, 0.1+0.2 == 0.3)."""
    if _is_num(a) and _is_num(b):
        return math.isclose(float(a), float(b), rel_tol=NUM_REL_TOL, abs_tol=NUM_ABS_TOL)
    return a == b


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _norm_value(v: Any) -> Any:
    """Hashable, tolerance-free form of a fact value for multiset matching."""
    if _is_num(v):
        v = float(v)
        if math.isfinite(v) and v.is_integer():
            return int(v)
        return round(v, 9)
    return v


def layer_items(record: dict | None, layer: str) -> list[dict] | None:
    """Items of a labelled layer, or None when the layer is not labelled."""
    if record is None:
        return None
    items = record.get(layer)
    return None if items is None else list(items)


def _doc_date_value(dd: Any) -> Any:
    if isinstance(dd, dict):
        return dd.get("value")
    return dd


# ------------------------------------------------------------------ matching
def match_relaxed(gold_items: list[dict], pred_items: list[dict],
                  label_of: Callable[[dict], Any] | None = None) -> list[tuple[int, int]]:
    """One-to-one relaxed matching; returns (gold index, pred index) pairs.

    Candidates are overlapping pairs (same label when ``label_of`` is given),
    taken greedily by: exact span first, larger overlap, earlier gold
    (start, end), earlier pred (start, end), list position. Deterministic, and
    a predicted span overlapping two gold spans goes to the one it covers more
    (the earlier one on a tie).
    """
    cands = []
    order = sorted(range(len(pred_items)), key=lambda i: _span(pred_items[i]))
    starts = [_span(pred_items[i])[0] for i in order]
    maxlen = max((e - s for s, e in map(_span, pred_items)), default=0)
    for gi, g in enumerate(gold_items):
        gs, ge = _span(g)
        # only preds starting in [gs - maxlen, ge] can overlap g
        for k in range(bisect_left(starts, gs - maxlen), bisect_right(starts, ge)):
            pi = order[k]
            p = pred_items[pi]
            if label_of is not None and label_of(g) != label_of(p):
                continue
            ov = _overlap(g, p)
            if ov is None:
                continue
            exact = _span(g) == _span(p)
            cands.append((0 if exact else 1, -ov, *_span(g), *_span(p), gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for *_, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    pairs.sort()
    return pairs


def _strict_keys(items: Iterable[dict], label_of: Callable[[dict], Any] | None) -> Counter:
    return Counter((*_span(it), label_of(it) if label_of else None) for it in items)


def _fact_key(f: dict) -> tuple:
    return (f.get("type"), _norm_value(f.get("value")), f.get("mod"))


def match_facts(gold_items: list[dict], pred_items: list[dict]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs of facts with the same (type, value, mod).

    Within one key, pairs whose number spans are identical go first, then the
    nearest number start, then list order, so that the pairs the event, part_of
    and attribution scores judge are the facts a reader would pair. The number of
    pairs equals the facts tp of :func:`evaluate`.
    """
    candidates = []
    for gi, g in enumerate(gold_items):
        for pi, p in enumerate(pred_items):
            if _fact_key(g) == _fact_key(p):
                gs, ps = g.get("number") or {}, p.get("number") or {}
                same = (gs.get("start"), gs.get("end")) == (ps.get("start"), ps.get("end"))
                distance = abs((gs.get("start") or 0) - (ps.get("start") or 0))
                candidates.append((not same, distance, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return sorted(pairs)


def fact_link_counts(gold_items: list[dict], pred_items: list[dict]) -> dict:
    """SPEC v2 scores of one document's matched facts, as counts.

    * ``events``: over unordered pairs of matched facts, tp/fp/fn of "same event"
      (both facts carry one non-null event id) in gold vs prediction.
    * ``part_of``: [correct, judged]: a matched fact is right when both are null or
      the predicted total is the match of the gold total.
    * ``source`` / ``cue``: tp/fp/fn of attribution spans, strict (same offsets) and
      relaxed (overlapping); a null on both sides is not counted; a predicted span
      where gold has another one counts as fp and fn.
    """
    pairs = match_facts(gold_items, pred_items)
    g2p = dict(pairs)
    out: dict[str, Any] = {"events": [0, 0, 0], "part_of": [0, 0]}
    for role in ("source", "cue"):
        out[role] = {"strict": [0, 0, 0], "relaxed": [0, 0, 0]}
    for a in range(len(pairs)):
        for b in range(a + 1, len(pairs)):
            (ga, pa), (gb, pb) = pairs[a], pairs[b]
            ge, pe = gold_items[ga].get("event"), pred_items[pa].get("event")
            gold_same = ge is not None and ge == gold_items[gb].get("event")
            pred_same = pe is not None and pe == pred_items[pb].get("event")
            out["events"][0] += gold_same and pred_same
            out["events"][1] += pred_same and not gold_same
            out["events"][2] += gold_same and not pred_same
    for gi, pi in pairs:
        g, p = gold_items[gi], pred_items[pi]
        g_total, p_total = g.get("part_of"), p.get("part_of")
        out["part_of"][1] += 1
        out["part_of"][0] += (g_total is None and p_total is None) or (
            g_total is not None and p_total is not None and g2p.get(g_total) == p_total)
        for role in ("source", "cue"):
            gs = (g.get("attribution") or {}).get(role)
            ps = (p.get("attribution") or {}).get(role)
            if gs is None and ps is None:
                continue
            for mode in ("strict", "relaxed"):
                if gs is not None and ps is not None:
                    hit = _span(gs) == _span(ps) if mode == "strict" else _overlap(gs, ps) is not None
                else:
                    hit = False
                c = out[role][mode]
                c[0] += hit
                c[1] += ps is not None and not hit
                c[2] += gs is not None and not hit
    return out


def bcubed(items: list[tuple[Any, Any]]) -> dict:
    """B-cubed precision/recall/F1 of a clustering: ``items`` are (gold cluster,
    predicted cluster) per item. Source: Bagga & Baldwin (1998), "Algorithms for
    scoring coreference chains"; every item weighs the same. No items -> None."""
    if not items:
        return {"items": 0, "precision": None, "recall": None, "f1": None}
    both = Counter(items)
    gold = Counter(g for g, _ in items)
    pred = Counter(p for _, p in items)
    precision = sum(both[(g, p)] / pred[p] for g, p in items) / len(items)
    recall = sum(both[(g, p)] / gold[g] for g, p in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"items": len(items), "precision": precision, "recall": recall, "f1": f1}


def incident_items(gold: dict[str, dict], pred: dict[str, dict],
                   incident_of: dict[tuple[str, Any], str]) -> list[tuple[Any, Any]]:
    """(gold incident, predicted incident) of every matched fact whose gold event
    names an incident; ``incident_of`` maps (doc_id, event id) to the incident
    `compare` formed (facts with no event are their document's own incident)."""
    items = []
    for doc_id, g_rec in gold.items():
        p_rec = pred.get(doc_id)
        if not _v2_labelled(g_rec) or p_rec is None:
            continue
        g_facts, p_facts = g_rec["facts"], p_rec.get("facts") or []
        incident_by_event = {e["id"]: e.get("incident") for e in g_rec["events"]}
        for gi, pi in match_facts(g_facts, p_facts):
            g_inc = incident_by_event.get(g_facts[gi].get("event"))
            if g_inc is None:
                continue
            p_event = p_facts[pi].get("event")
            items.append((g_inc, incident_of.get((doc_id, p_event), f"unassigned-{doc_id}")))
    return items


def _v2_labelled(record: dict | None) -> bool:
    """Gold of SPEC version 2 labels events (and with them part_of and attribution)."""
    return bool(record) and record.get("events") is not None and record.get("facts") is not None


# ---------------------------------------------------------- per-layer errors
def layer_alignment(layer: str, gold_items: list[dict], pred_items: list[dict]) -> list[dict]:
    """Every error of one layer in one document, as index-based rows.

    Rows: ``{"error": "missed"|"spurious"|"wrong", "gold": gi|None,
    "pred": pi|None, "fields": [...]}``. Shared by :func:`error_items` and the
    HTML report so both always show the same errors.

    * sentences: exact (start, end); unmatched gold -> missed, pred -> spurious.
    * entities: relaxed matching with label; a matched pair whose span differs
      -> wrong (fields ["span"]). missed + wrong = strict fn.
    * dates / numbers: overlap matching (dates: one label; numbers: kind
      ignored, as for value accuracy); a matched pair differing in span,
      value, mod (numbers also kind) -> one wrong row listing those fields.
    * facts: multiset of (type, value, mod); leftovers are missed / spurious.
    """
    rows: list[dict] = []
    if layer == "sentences":
        pred_left = Counter(_span(p) for p in pred_items)
        gold_left = Counter(_span(g) for g in gold_items)
        for gi, g in enumerate(gold_items):
            if pred_left[_span(g)] > 0:
                pred_left[_span(g)] -= 1
            else:
                rows.append({"error": "missed", "gold": gi, "pred": None, "fields": []})
        for pi, p in enumerate(pred_items):
            if gold_left[_span(p)] > 0:
                gold_left[_span(p)] -= 1
            else:
                rows.append({"error": "spurious", "gold": None, "pred": pi, "fields": []})
        return rows
    if layer == "facts":
        pred_left = Counter(_fact_key(p) for p in pred_items)
        gold_left = Counter(_fact_key(g) for g in gold_items)
        for gi, g in enumerate(gold_items):
            if pred_left[_fact_key(g)] > 0:
                pred_left[_fact_key(g)] -= 1
            else:
                rows.append({"error": "missed", "gold": gi, "pred": None, "fields": []})
        for pi, p in enumerate(pred_items):
            if gold_left[_fact_key(p)] > 0:
                gold_left[_fact_key(p)] -= 1
            else:
                rows.append({"error": "spurious", "gold": None, "pred": pi, "fields": []})
        return rows

    label_of = _entity_label if layer == "entities" else None
    pairs = match_relaxed(gold_items, pred_items, label_of)
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    for gi, pi in pairs:
        g, p = gold_items[gi], pred_items[pi]
        fields = []
        if _span(g) != _span(p):
            fields.append("span")
        if layer == "dates":
            if g.get("value") != p.get("value"):
                fields.append("value")
            if g.get("mod") != p.get("mod"):
                fields.append("mod")
        elif layer == "numbers":
            if not numbers_equal(g.get("value"), p.get("value")):
                fields.append("value")
            if g.get("kind") != p.get("kind"):
                fields.append("kind")
            if g.get("mod") != p.get("mod"):
                fields.append("mod")
        if fields:
            rows.append({"error": "wrong", "gold": gi, "pred": pi, "fields": fields})
    for gi in range(len(gold_items)):
        if gi not in matched_g:
            rows.append({"error": "missed", "gold": gi, "pred": None, "fields": []})
    for pi in range(len(pred_items)):
        if pi not in matched_p:
            rows.append({"error": "spurious", "gold": None, "pred": pi, "fields": []})
    return rows


def doc_date_error(gold_rec: dict, pred_rec: dict | None) -> dict | None:
    """The doc_date error of one doc, or None (also None when not labelled).

    gold value, pred null -> missed; gold null, pred value -> spurious; both
    set and different -> wrong; no prediction record at all -> missed.
    """
    if "doc_date" not in gold_rec:
        return None
    g = _doc_date_value(gold_rec.get("doc_date"))
    if pred_rec is None or "doc_date" not in pred_rec:
        return {"error": "missed", "fields": ["value"]}
    p = _doc_date_value(pred_rec.get("doc_date"))
    if g == p:
        return None
    if p is None:
        return {"error": "missed", "fields": ["value"]}
    if g is None:
        return {"error": "spurious", "fields": ["value"]}
    return {"error": "wrong", "fields": ["value"]}


# ------------------------------------------------------------------- scoring
def _span_layer_counts(gold_items, pred_items, label_of):
    """Strict and relaxed tp/fp/fn per label for one document."""
    strict: dict[Any, list[int]] = {}
    relaxed: dict[Any, list[int]] = {}
    gk, pk = _strict_keys(gold_items, label_of), _strict_keys(pred_items, label_of)
    for key in gk.keys() | pk.keys():
        c = strict.setdefault(key[2], [0, 0, 0])
        tp = min(gk[key], pk[key])
        c[0] += tp
        c[1] += pk[key] - tp
        c[2] += gk[key] - tp
    pairs = match_relaxed(gold_items, pred_items, label_of)
    for lab in {label_of(x) for x in gold_items} | {label_of(x) for x in pred_items}:
        relaxed[lab] = [0,
                        sum(1 for p in pred_items if label_of(p) == lab),
                        sum(1 for g in gold_items if label_of(g) == lab)]
        strict.setdefault(lab, [0, 0, 0])
    for gi, _ in pairs:
        c = relaxed[label_of(gold_items[gi])]
        c[0] += 1
        c[1] -= 1
        c[2] -= 1
    return strict, relaxed


def _add(acc: dict, part: dict) -> None:
    for k, v in part.items():
        a = acc.setdefault(k, [0, 0, 0])
        for i in range(3):
            a[i] += v[i]


def _scores(counts: dict) -> dict:
    """{"micro": prf, "per_label": {label: prf}} from per-label [tp, fp, fn]."""
    per = {str(k): prf(*v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}
    tot = [sum(v[i] for v in counts.values()) for i in range(3)]
    return {"micro": prf(*tot), "per_label": per}


def evaluate(gold: dict[str, dict], pred: dict[str, dict],
             incident_of: dict[tuple[str, Any], str] | None = None) -> dict:
    """Score ``pred`` against ``gold`` (both keyed by doc_id); JSON-serialisable.

    ``incident_of`` maps (doc_id, event id) of the predictions to incidents; by
    default `compare` forms them from ``pred`` (pipeline/compare.py).

    See the module docstring for the conventions on missing docs, empty layers,
    0/0 and the one-to-one relaxed matching rule.
    """
    missing = [d for d in gold if d not in pred]
    unpaired = [d for d in pred if d not in gold]
    report: dict[str, Any] = {
        "n_gold_docs": len(gold),
        "n_pred_docs": len(pred),
        "n_paired_docs": len(gold) - len(missing),
        "missing_docs": missing,
        "unpaired_pred": unpaired,
    }

    sent = [0, 0, 0]
    sent_docs = 0
    span_strict = {l: {} for l in SPAN_LAYERS}
    span_relaxed = {l: {} for l in SPAN_LAYERS}
    span_docs = {l: 0 for l in SPAN_LAYERS}
    val = {"dates": {"value": [0, 0], "mod": [0, 0]},
           "numbers": {"value": [0, 0], "kind": [0, 0], "mod": [0, 0]}}
    facts: dict[Any, list[int]] = {}
    facts_docs = 0
    dd = [0, 0]
    links = {"docs": 0, "events": [0, 0, 0], "part_of": [0, 0],
             "source": {"strict": [0, 0, 0], "relaxed": [0, 0, 0]},
             "cue": {"strict": [0, 0, 0], "relaxed": [0, 0, 0]}}

    for doc_id, g_rec in gold.items():
        p_rec = pred.get(doc_id)

        g_items = layer_items(g_rec, "sentences")
        if g_items is not None:
            sent_docs += 1
            p_items = layer_items(p_rec, "sentences") or []
            gk, pk = Counter(map(_span, g_items)), Counter(map(_span, p_items))
            tp = sum((gk & pk).values())
            sent[0] += tp
            sent[1] += len(p_items) - tp
            sent[2] += len(g_items) - tp

        for layer in SPAN_LAYERS:
            g_items = layer_items(g_rec, layer)
            if g_items is None:
                continue
            span_docs[layer] += 1
            p_items = layer_items(p_rec, layer) or []
            s, r = _span_layer_counts(g_items, p_items, LABEL_OF[layer])
            _add(span_strict[layer], s)
            _add(span_relaxed[layer], r)
            if layer not in val:
                continue
            acc = val[layer]
            # overlap only, label ignored: a wrong kind must show in kind accuracy
            for gi, pi in match_relaxed(g_items, p_items, None):
                g, p = g_items[gi], p_items[pi]
                if layer == "dates":
                    acc["value"][0] += g.get("value") == p.get("value")
                else:
                    acc["value"][0] += numbers_equal(g.get("value"), p.get("value"))
                    acc["kind"][0] += g.get("kind") == p.get("kind")
                acc["mod"][0] += g.get("mod") == p.get("mod")
                for k in acc:
                    acc[k][1] += 1

        g_items = layer_items(g_rec, "facts")
        if g_items is not None:
            facts_docs += 1
            p_items = layer_items(p_rec, "facts") or []
            gk = Counter(map(_fact_key, g_items))
            pk = Counter(map(_fact_key, p_items))
            for key in gk.keys() | pk.keys():
                c = facts.setdefault(key[0], [0, 0, 0])
                tp = min(gk[key], pk[key])
                c[0] += tp
                c[1] += pk[key] - tp
                c[2] += gk[key] - tp
            if _v2_labelled(g_rec):
                links["docs"] += 1
                counts = fact_link_counts(g_items, p_items)
                for k in ("events", "part_of"):
                    links[k] = [x + y for x, y in zip(links[k], counts[k])]
                for role in ("source", "cue"):
                    for mode in ("strict", "relaxed"):
                        links[role][mode] = [x + y for x, y in zip(links[role][mode], counts[role][mode])]

        if "doc_date" in g_rec:
            dd[1] += 1
            dd[0] += doc_date_error(g_rec, p_rec) is None

    report["sentences"] = {**prf(*sent), "docs": sent_docs}
    for layer in SPAN_LAYERS:
        entry = {"docs": span_docs[layer],
                 "strict": _scores(span_strict[layer]),
                 "relaxed": _scores(span_relaxed[layer])}
        if layer in val:
            for k, (c, t) in val[layer].items():
                entry[f"{k}_accuracy"] = accuracy(c, t)
        report[layer] = entry
    fs = _scores(facts)
    report["facts"] = {"docs": facts_docs, "micro": fs["micro"], "per_type": fs["per_label"]}
    report["doc_date"] = accuracy(*dd)
    report["events"] = {"docs": links["docs"], "pairs": prf(*links["events"])}
    report["part_of"] = accuracy(*links["part_of"])
    if incident_of is None:
        from .compare import compare, incident_of_events

        incident_of = incident_of_events(compare(list(pred.values())))
    report["incidents"] = bcubed(incident_items(gold, pred, incident_of))
    report["attribution"] = {role: {mode: prf(*links[role][mode]) for mode in ("strict", "relaxed")}
                             for role in ("source", "cue")}
    return report


# -------------------------------------------------------------- error items
def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """``left⟦span⟧right`` with ~``width`` chars each side, newlines as ⏎."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    s = ("…" if start > width else "") + left + "⟦" + text[start:end] + "⟧" + right \
        + ("…" if end + width < len(text) else "")
    return s.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _item_extent(layer: str, item: dict | None) -> tuple[int, int] | None:
    if item is None:
        return None
    if layer == "facts":
        num = item.get("number") or item.get("trigger")
        return _span(num) if num else None
    if "start" in item and "end" in item:
        return _span(item)
    return None


def error_items(gold: dict[str, dict], pred: dict[str, dict]) -> list[dict]:
    """Every missed / spurious / wrong item, in gold doc order then layer order.

    Each: ``{"layer", "doc_id", "error", "fields", "gold", "pred", "context"}``;
    ``gold``/``pred`` are the items themselves (None on the side that has
    none); ``context`` shows the union of both spans in the gold text (pred
    text for spurious items). The count per layer and error equals the
    evaluate() counts: e.g. entities missed + wrong(span) = strict fn.
    """
    out: list[dict] = []
    for doc_id, g_rec in gold.items():
        p_rec = pred.get(doc_id)
        g_text = g_rec.get("text") or (p_rec or {}).get("text") or ""
        p_text = (p_rec or {}).get("text") or g_text
        for layer in LIST_LAYERS:
            g_items = layer_items(g_rec, layer)
            if g_items is None:
                continue
            p_items = layer_items(p_rec, layer) or []
            for row in layer_alignment(layer, g_items, p_items):
                gi = g_items[row["gold"]] if row["gold"] is not None else None
                pi = p_items[row["pred"]] if row["pred"] is not None else None
                exts = [e for e in (_item_extent(layer, gi), _item_extent(layer, pi)) if e]
                text = g_text if gi is not None else p_text
                ctx = context(text, min(e[0] for e in exts), max(e[1] for e in exts)) if exts else ""
                out.append({"layer": layer, "doc_id": doc_id, "error": row["error"],
                            "fields": row["fields"], "gold": gi, "pred": pi, "context": ctx})
        err = doc_date_error(g_rec, p_rec)
        if err is not None:
            g_dd = g_rec.get("doc_date")
            p_dd = (p_rec or {}).get("doc_date")
            exts = [_span(x) for x in (g_dd, p_dd)
                    if isinstance(x, dict) and "start" in x and "end" in x]
            ctx = context(g_text, min(e[0] for e in exts), max(e[1] for e in exts)) if exts else ""
            out.append({"layer": "doc_date", "doc_id": doc_id, "error": err["error"],
                        "fields": err["fields"], "gold": g_dd, "pred": p_dd, "context": ctx})
    return out


# ------------------------------------------------------------- by genre
HEADLINE = ("sentences_f1", "entities_strict_f1", "dates_relaxed_f1", "dates_value_accuracy",
            "numbers_strict_f1", "numbers_value_accuracy", "facts_f1", "doc_date_accuracy",
            "event_pairs_f1", "part_of_accuracy", "attribution_source_f1", "attribution_cue_f1",
            "incidents_bcubed_f1")


def headline(report: dict) -> dict[str, float | None]:
    """The scores the quality gate and the per-genre table show, by name (see HEADLINE).

    Attribution source is relaxed (overlap) as SPEC says; cue is strict (same span).
    A score with nothing to judge is None.
    """
    links = report.get("events", {}).get("docs")
    return {
        "sentences_f1": report["sentences"]["f1"],
        "entities_strict_f1": report["entities"]["strict"]["micro"]["f1"],
        "dates_relaxed_f1": report["dates"]["relaxed"]["micro"]["f1"],
        "dates_value_accuracy": report["dates"]["value_accuracy"]["accuracy"],
        "numbers_strict_f1": report["numbers"]["strict"]["micro"]["f1"],
        "numbers_value_accuracy": report["numbers"]["value_accuracy"]["accuracy"],
        "facts_f1": report["facts"]["micro"]["f1"],
        "doc_date_accuracy": report["doc_date"]["accuracy"],
        "event_pairs_f1": report["events"]["pairs"]["f1"] if links else None,
        "part_of_accuracy": report["part_of"]["accuracy"] if links else None,
        "attribution_source_f1": report["attribution"]["source"]["relaxed"]["f1"] if links else None,
        "attribution_cue_f1": report["attribution"]["cue"]["strict"]["f1"] if links else None,
        "incidents_bcubed_f1": (report.get("incidents") or {}).get("f1"),
    }


def genre_of(doc_id: str) -> str:
    """The genre a dev-set doc_id names (``dev_<genre>_<slug>``), else "other"."""
    parts = doc_id.split("_")
    return parts[1] if len(parts) > 2 and parts[0] == "dev" else "other"


def evaluate_by_genre(gold: dict[str, dict], pred: dict[str, dict]) -> dict[str, dict]:
    """{genre: headline scores} over the gold documents of each genre, plus "all".

    Incidents are formed once over all predictions, so a genre's B-cubed judges the
    same grouping the whole set gets.
    """
    from .compare import compare, incident_of_events

    incident_of = incident_of_events(compare(list(pred.values())))
    genres: dict[str, dict[str, dict]] = {}
    for doc_id, record in gold.items():
        genres.setdefault(genre_of(doc_id), {})[doc_id] = record
    out = {g: headline(evaluate(docs, pred, incident_of)) for g, docs in sorted(genres.items())}
    out["all"] = headline(evaluate(gold, pred, incident_of))
    return out
