"""Score predicted records against gold records (SPEC.md, "Scoring").

Every labelled layer of every document is matched ONCE, by :func:`align`; the
resulting :class:`Alignment` (per document and layer: the matched pairs and the
error rows) is the single source of the report (:func:`report_of`, which
:func:`evaluate` wraps), of the error list (:func:`errors_of`, behind
:func:`error_items` and ``recount evaluate --errors``), of the per-genre scores
(:func:`by_genre`) and of the HTML report's panes (``pipeline.report_html``).

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

Error rows come from the very pairs the scores count, so per document and layer:
missed = relaxed fn and spurious = relaxed fp (sentences, entities, dates; facts
per type), missed + wrong rows naming "span" = strict fn and spurious + those =
strict fp (entities, dates); for dates and numbers the wrong rows naming a field
(value, kind, mod) = that accuracy's total - correct. Numbers' missed/spurious
rows belong to the overlap pairs of the accuracies, not to the kind-labelled P/R/F1.
Facts are paired by :func:`match_facts`, so a missed fact is the one the event,
part_of and attribution scores left unpaired.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field
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


def _fact_key(f: dict) -> tuple:
    return (f.get("type"), _norm_value(f.get("value")), f.get("mod"))


def match_facts(gold_items: list[dict], pred_items: list[dict]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs of facts with the same (type, value, mod).

    Within one key, pairs whose number spans are identical go first, then the
    nearest number start, then list order, so that the pairs the event, part_of
    and attribution scores judge are the facts a reader would pair. The number of
    pairs per key is min(gold, pred) of that key, so their count per type is the
    facts tp of :func:`evaluate`, and the facts error rows are the items left out.
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


def _exact_pairs(gold_items: list[dict], pred_items: list[dict],
                 key: Callable[[dict], Any]) -> list[tuple[int, int]]:
    """Multiset matching on ``key``: each gold item, in list order, takes the first
    unused pred item with the same key. Sorted (gold index, pred index) pairs;
    their number is sum over keys of min(gold count, pred count)."""
    free: dict[Any, deque[int]] = {}
    for pi, p in enumerate(pred_items):
        free.setdefault(key(p), deque()).append(pi)
    pairs = []
    for gi, g in enumerate(gold_items):
        waiting = free.get(key(g))
        if waiting:
            pairs.append((gi, waiting.popleft()))
    return pairs


def fact_link_counts(gold_items: list[dict], pred_items: list[dict]) -> dict:
    """SPEC v2 scores of one document's matched facts (:func:`match_facts`), as counts.

    See :func:`link_counts` for what is counted.
    """
    return link_counts(gold_items, pred_items, match_facts(gold_items, pred_items))


def link_counts(gold_items: list[dict], pred_items: list[dict],
                pairs: list[tuple[int, int]]) -> dict:
    """SPEC v2 scores of one document's matched fact ``pairs`` (gold index, pred index).

    * ``events``: over unordered pairs of matched facts, tp/fp/fn of "same event"
      (both facts carry one non-null event id) in gold vs prediction.
    * ``part_of``: [correct, judged]: a matched fact is right when both are null or
      the predicted total is the match of the gold total.
    * ``source`` / ``cue``: tp/fp/fn of attribution spans, strict (same offsets) and
      relaxed (overlapping); a null on both sides is not counted; a predicted span
      where gold has another one counts as fp and fn.
    """
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
    `compare` formed (facts with no event are their document's own incident).
    The facts are paired by :func:`align`, as everywhere else."""
    return _incident_items(align(gold, pred).docs, incident_of)


def _incident_items(docs: Iterable["DocAlignment"],
                    incident_of: dict[tuple[str, Any], str]) -> list[tuple[Any, Any]]:
    items = []
    for doc in docs:
        facts = doc.layers.get("facts")
        if not doc.v2 or doc.pred is None or facts is None:
            continue
        incident_by_event = {e["id"]: e.get("incident") for e in doc.gold["events"]}
        for gi, pi in facts.pairs:
            g_inc = incident_by_event.get(facts.gold[gi].get("event"))
            if g_inc is None:
                continue
            p_event = facts.pred[pi].get("event")
            items.append((g_inc, incident_of.get((doc.doc_id, p_event), f"unassigned-{doc.doc_id}")))
    return items


def _v2_labelled(record: dict | None) -> bool:
    """Gold of SPEC version 2 labels events (and with them part_of and attribution)."""
    return bool(record) and record.get("events") is not None and record.get("facts") is not None


# ----------------------------------------------------------------- alignment
def _differences(layer: str, g: dict, p: dict) -> list[str]:
    """Fields in which a matched (gold, pred) pair differs, in a fixed order.

    sentences and facts pairs are equal by construction (same span / same key);
    entities: span; dates: span, value, mod; numbers: span, value, kind, mod
    (values compared with :func:`numbers_equal`).
    """
    if layer in ("sentences", "facts"):
        return []
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
    return fields


#: the label P/R/F1 are counted under, per layer (sentences: one unnamed label)
SCORE_LABEL: dict[str, Callable[[dict], Any]] = {
    "sentences": lambda item: None,
    **LABEL_OF,
    "facts": lambda item: item.get("type"),
}
#: the accuracies reported beside P/R/F1, judged over the layer's matched pairs
ACCURACY_FIELDS = {"dates": ("value", "mod"), "numbers": ("value", "kind", "mod")}


@dataclass(frozen=True)
class LayerAlignment:
    """One labelled layer of one document, matched once.

    ``gold`` / ``pred``: the items (``pred`` is [] when the document or the layer
    has no prediction). ``pairs``: sorted (gold index, pred index) pairs that the
    error ``rows`` and the accuracies judge; ``scored_pairs``: the pairs P/R/F1
    count. They are the same list except for numbers, whose P/R/F1 match with
    ``kind`` as the label while value/kind/mod accuracy and the rows match on
    overlap only (module docstring). ``rows``: ``{"error": "missed"|"spurious"|
    "wrong", "gold": gi|None, "pred": pi|None, "fields": [...]}``: every pair
    that differs (wrong, fields from :func:`_differences`), then unpaired gold
    (missed), then unpaired pred (spurious), each in index order.
    """

    layer: str
    gold: list[dict]
    pred: list[dict]
    pairs: list[tuple[int, int]]
    scored_pairs: list[tuple[int, int]]
    rows: list[dict]

    def counts(self) -> tuple[dict[Any, list[int]], dict[Any, list[int]]]:
        """(strict, relaxed): {label: [tp, fp, fn]} over ``scored_pairs``.

        Every label of either side is a key of both. A pair is strict when its
        spans are identical (sentences and facts pairs always are): since
        :func:`match_relaxed` takes exact pairs first, that equals the multiset
        count of same (start, end, label).
        """
        label_of = SCORE_LABEL[self.layer]
        strict: dict[Any, list[int]] = {}
        relaxed: dict[Any, list[int]] = {}
        for side, items in ((2, self.gold), (1, self.pred)):
            for item in items:
                lab = label_of(item)
                strict.setdefault(lab, [0, 0, 0])[side] += 1
                relaxed.setdefault(lab, [0, 0, 0])[side] += 1
        exact_always = self.layer in ("sentences", "facts")
        for gi, pi in self.scored_pairs:
            g, p = self.gold[gi], self.pred[pi]
            lab = label_of(g)
            targets = [relaxed[lab]]
            if exact_always or _span(g) == _span(p):
                targets.append(strict[lab])
            for c in targets:
                c[0] += 1
                c[1] -= 1
                c[2] -= 1
        return strict, relaxed

    def accuracies(self) -> dict[str, list[int]]:
        """{field: [correct, total]} for the layer's ACCURACY_FIELDS: total is the
        number of ``pairs``, correct those whose wrong row does not name the field."""
        total = len(self.pairs)
        out = {f: [total, total] for f in ACCURACY_FIELDS.get(self.layer, ())}
        for row in self.rows:
            for f in row["fields"]:
                if f in out:
                    out[f][0] -= 1
        return out


def align_layer(layer: str, gold_items: list[dict], pred_items: list[dict]) -> LayerAlignment:
    """Match one layer of one document once (the single source of its scores and errors).

    * sentences: exact (start, end), multiset (:func:`_exact_pairs`).
    * entities: :func:`match_relaxed` with the label.
    * dates: :func:`match_relaxed` (all dates share one label).
    * numbers: :func:`match_relaxed` on overlap only for rows and accuracies, and
      with ``kind`` as the label for P/R/F1.
    * facts: :func:`match_facts` (same type, value, mod).
    """
    if layer == "sentences":
        pairs = scored = _exact_pairs(gold_items, pred_items, _span)
    elif layer == "facts":
        pairs = scored = match_facts(gold_items, pred_items)
    elif layer == "entities":
        pairs = scored = match_relaxed(gold_items, pred_items, _entity_label)
    elif layer == "dates":
        pairs = scored = match_relaxed(gold_items, pred_items, None)
    elif layer == "numbers":
        pairs = match_relaxed(gold_items, pred_items, None)
        scored = match_relaxed(gold_items, pred_items, _number_label)
    else:
        raise ValueError(f"unknown layer {layer!r}; expected one of {LIST_LAYERS}")
    rows: list[dict] = []
    for gi, pi in pairs:
        fields = _differences(layer, gold_items[gi], pred_items[pi])
        if fields:
            rows.append({"error": "wrong", "gold": gi, "pred": pi, "fields": fields})
    matched_g = {gi for gi, _ in pairs}
    matched_p = {pi for _, pi in pairs}
    rows += [{"error": "missed", "gold": gi, "pred": None, "fields": []}
             for gi in range(len(gold_items)) if gi not in matched_g]
    rows += [{"error": "spurious", "gold": None, "pred": pi, "fields": []}
             for pi in range(len(pred_items)) if pi not in matched_p]
    return LayerAlignment(layer, gold_items, pred_items, pairs, scored, rows)


def layer_alignment(layer: str, gold_items: list[dict], pred_items: list[dict]) -> list[dict]:
    """The error rows of one layer in one document (``align_layer(...).rows``)."""
    return align_layer(layer, gold_items, pred_items).rows


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


@dataclass(frozen=True)
class DocAlignment:
    """One gold document matched once: ``layers`` holds its labelled list layers
    (LIST_LAYERS order), ``doc_date_labelled`` / ``doc_date`` its doc_date and
    that one's error (None when right or not labelled), ``v2`` whether the gold
    labels events (so event, part_of and attribution scores judge it)."""

    doc_id: str
    gold: dict
    pred: dict | None
    layers: dict[str, LayerAlignment]
    doc_date_labelled: bool
    doc_date: dict | None
    v2: bool


@dataclass
class Alignment:
    """Every gold document matched once, in gold order; with the predictions.

    :func:`report_of` derives every count and score from it, :func:`errors_of`
    lists its error rows and ``pipeline.report_html`` renders its panes, so the
    table, ``--errors`` and the HTML cannot disagree. ``missing_docs``: gold
    doc_ids with no prediction; ``unpaired_pred``: predicted doc_ids with no gold.
    """

    docs: list[DocAlignment]
    pred: dict[str, dict]
    _incidents: dict = field(default_factory=dict, repr=False)

    @property
    def missing_docs(self) -> list[str]:
        """Gold doc_ids with no prediction, in gold order (all their items missed)."""
        return [d.doc_id for d in self.docs if d.doc_id not in self.pred]

    @property
    def unpaired_pred(self) -> list[str]:
        """Predicted doc_ids with no gold document here, in prediction order (not scored)."""
        gold_ids = {d.doc_id for d in self.docs}
        return [d for d in self.pred if d not in gold_ids]

    def incident_of(self) -> dict[tuple[str, Any], str]:
        """(doc_id, event id) -> incident `compare` forms over ALL predictions;
        computed once and shared with :meth:`subset` alignments."""
        if "map" not in self._incidents:
            from .compare import compare, incident_of_events

            self._incidents["map"] = incident_of_events(compare(list(self.pred.values())))
        return self._incidents["map"]

    def subset(self, doc_ids: Iterable[str]) -> "Alignment":
        """The alignment of some gold documents (same predictions, same incidents)."""
        keep = set(doc_ids)
        return Alignment([d for d in self.docs if d.doc_id in keep], self.pred, self._incidents)


def align(gold: dict[str, dict], pred: dict[str, dict]) -> Alignment:
    """Match every labelled layer of every gold document once (see :func:`align_layer`).

    ``gold`` and ``pred`` are records keyed by doc_id. A layer missing (or null)
    in gold is not labelled and gets no entry; a labelled layer of a document
    with no prediction is matched against [] (all missed).
    """
    docs = []
    for doc_id, g_rec in gold.items():
        p_rec = pred.get(doc_id)
        layers = {}
        for layer in LIST_LAYERS:
            g_items = layer_items(g_rec, layer)
            if g_items is not None:
                layers[layer] = align_layer(layer, g_items, layer_items(p_rec, layer) or [])
        docs.append(DocAlignment(doc_id, g_rec, p_rec, layers, "doc_date" in g_rec,
                                 doc_date_error(g_rec, p_rec), _v2_labelled(g_rec)))
    return Alignment(docs, pred)


# ------------------------------------------------------------------- scoring
def _add(acc: dict, part: dict) -> None:
    for k, v in part.items():
        a = acc.setdefault(k, [0, 0, 0])
        for i in range(3):
            a[i] += v[i]


def _add_list(acc: list[int], part: list[int]) -> None:
    for i, v in enumerate(part):
        acc[i] += v


def _scores(counts: dict) -> dict:
    """{"micro": prf, "per_label": {label: prf}} from per-label [tp, fp, fn]."""
    per = {str(k): prf(*v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}
    tot = [sum(v[i] for v in counts.values()) for i in range(3)]
    return {"micro": prf(*tot), "per_label": per}


def report_of(alignment: Alignment, incident_of: dict[tuple[str, Any], str] | None = None) -> dict:
    """The report of :func:`evaluate`, derived from ``alignment`` without matching again.

    ``incident_of`` maps (doc_id, event id) of the predictions to incidents; by
    default `compare` forms them once from all predictions
    (:meth:`Alignment.incident_of`).
    """
    missing = alignment.missing_docs
    report: dict[str, Any] = {
        "n_gold_docs": len(alignment.docs),
        "n_pred_docs": len(alignment.pred),
        "n_paired_docs": len(alignment.docs) - len(missing),
        "missing_docs": missing,
        "unpaired_pred": alignment.unpaired_pred,
    }
    docs = {layer: 0 for layer in LIST_LAYERS}
    strict: dict[str, dict] = {layer: {} for layer in LIST_LAYERS}
    relaxed: dict[str, dict] = {layer: {} for layer in LIST_LAYERS}
    acc = {layer: {f: [0, 0] for f in fs} for layer, fs in ACCURACY_FIELDS.items()}
    dd = [0, 0]
    links = {"docs": 0, "events": [0, 0, 0], "part_of": [0, 0],
             "source": {"strict": [0, 0, 0], "relaxed": [0, 0, 0]},
             "cue": {"strict": [0, 0, 0], "relaxed": [0, 0, 0]}}

    for doc in alignment.docs:
        for layer, la in doc.layers.items():
            docs[layer] += 1
            s, r = la.counts()
            _add(strict[layer], s)
            _add(relaxed[layer], r)
            for f, c in la.accuracies().items():
                _add_list(acc[layer][f], c)
        facts = doc.layers.get("facts")
        if facts is not None and doc.v2:
            links["docs"] += 1
            counts = link_counts(facts.gold, facts.pred, facts.pairs)
            for k in ("events", "part_of"):
                _add_list(links[k], counts[k])
            for role in ("source", "cue"):
                for mode in ("strict", "relaxed"):
                    _add_list(links[role][mode], counts[role][mode])
        if doc.doc_date_labelled:
            dd[1] += 1
            dd[0] += doc.doc_date is None

    sentences = [sum(c[i] for c in strict["sentences"].values()) for i in range(3)]
    report["sentences"] = {**prf(*sentences), "docs": docs["sentences"]}
    for layer in SPAN_LAYERS:
        entry = {"docs": docs[layer],
                 "strict": _scores(strict[layer]),
                 "relaxed": _scores(relaxed[layer])}
        for f, (c, t) in acc.get(layer, {}).items():
            entry[f"{f}_accuracy"] = accuracy(c, t)
        report[layer] = entry
    fs = _scores(relaxed["facts"])
    report["facts"] = {"docs": docs["facts"], "micro": fs["micro"], "per_type": fs["per_label"]}
    report["doc_date"] = accuracy(*dd)
    report["events"] = {"docs": links["docs"], "pairs": prf(*links["events"])}
    report["part_of"] = accuracy(*links["part_of"])
    if incident_of is None:
        incident_of = alignment.incident_of()
    report["incidents"] = bcubed(_incident_items(alignment.docs, incident_of))
    report["attribution"] = {role: {mode: prf(*links[role][mode]) for mode in ("strict", "relaxed")}
                             for role in ("source", "cue")}
    return report


def evaluate(gold: dict[str, dict], pred: dict[str, dict],
             incident_of: dict[tuple[str, Any], str] | None = None) -> dict:
    """Score ``pred`` against ``gold`` (both keyed by doc_id); JSON-serialisable.

    ``report_of(align(gold, pred), incident_of)``. ``incident_of`` maps (doc_id,
    event id) of the predictions to incidents; by default `compare` forms them
    from ``pred`` (pipeline/compare.py).

    See the module docstring for the conventions on missing docs, empty layers,
    0/0 and the one-to-one relaxed matching rule.
    """
    return report_of(align(gold, pred), incident_of)


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


def _extent(x: Any) -> tuple[int, int] | None:
    """(start, end) of a span dict, or None when it has no offsets (or null ones,
    as a doc_date taken from metadata has)."""
    if isinstance(x, dict) and x.get("start") is not None and x.get("end") is not None:
        return _span(x)
    return None


def _item_extent(layer: str, item: dict | None) -> tuple[int, int] | None:
    if item is None:
        return None
    if layer == "facts":
        return _extent(item.get("number") or item.get("trigger"))
    return _extent(item)


def errors_of(alignment: Alignment) -> list[dict]:
    """Every missed / spurious / wrong item of ``alignment``, in gold doc order
    then layer order (LIST_LAYERS, then doc_date); see :func:`error_items`."""
    out: list[dict] = []
    for doc in alignment.docs:
        g_rec, p_rec = doc.gold, doc.pred
        g_text = g_rec.get("text") or (p_rec or {}).get("text") or ""
        p_text = (p_rec or {}).get("text") or g_text
        for layer, la in doc.layers.items():
            for row in la.rows:
                gi = la.gold[row["gold"]] if row["gold"] is not None else None
                pi = la.pred[row["pred"]] if row["pred"] is not None else None
                exts = [e for e in (_item_extent(layer, gi), _item_extent(layer, pi)) if e]
                text = g_text if gi is not None else p_text
                ctx = context(text, min(e[0] for e in exts), max(e[1] for e in exts)) if exts else ""
                out.append({"layer": layer, "doc_id": doc.doc_id, "error": row["error"],
                            "fields": row["fields"], "gold": gi, "pred": pi, "context": ctx})
        if doc.doc_date is not None:
            g_dd = g_rec.get("doc_date")
            p_dd = (p_rec or {}).get("doc_date")
            exts = [e for e in (_extent(g_dd), _extent(p_dd)) if e]
            ctx = context(g_text, min(e[0] for e in exts), max(e[1] for e in exts)) if exts else ""
            out.append({"layer": "doc_date", "doc_id": doc.doc_id, "error": doc.doc_date["error"],
                        "fields": doc.doc_date["fields"], "gold": g_dd, "pred": p_dd, "context": ctx})
    return out


def error_items(gold: dict[str, dict], pred: dict[str, dict]) -> list[dict]:
    """Every missed / spurious / wrong item, in gold doc order then layer order.

    Each: ``{"layer", "doc_id", "error", "fields", "gold", "pred", "context"}``;
    ``gold``/``pred`` are the items themselves (None on the side that has
    none); ``context`` shows the union of both spans in the gold text (pred
    text for spurious items). ``errors_of(align(gold, pred))``: the rows of the
    alignment the scores are counted from, so per layer e.g. entities missed =
    relaxed fn, missed + wrong(span) = strict fn; dates/numbers wrong rows
    naming "value" = value accuracy total - correct; facts missed = fn.
    """
    return errors_of(align(gold, pred))


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


def by_genre(alignment: Alignment) -> dict[str, dict]:
    """{genre: headline scores} over the gold documents of each genre, plus "all",
    all derived from ``alignment`` (no document is matched again).

    Incidents are formed once over all predictions, so a genre's B-cubed judges the
    same grouping the whole set gets.
    """
    genres: dict[str, list[str]] = {}
    for doc in alignment.docs:
        genres.setdefault(genre_of(doc.doc_id), []).append(doc.doc_id)
    out = {g: headline(report_of(alignment.subset(ids))) for g, ids in sorted(genres.items())}
    out["all"] = headline(report_of(alignment))
    return out


def evaluate_by_genre(gold: dict[str, dict], pred: dict[str, dict]) -> dict[str, dict]:
    """{genre: headline scores} over the gold documents of each genre, plus "all"
    (``by_genre(align(gold, pred))``)."""
    return by_genre(align(gold, pred))
