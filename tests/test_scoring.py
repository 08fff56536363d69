"""Hand-computed cases for pipeline.scoring (expected numbers worked out by hand)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.scoring import error_items, evaluate, match_relaxed, prf

TEXT = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu"  # 66 chars


def ent(s, e, label="GPE"):
    return {"start": s, "end": e, "text": TEXT[s:e], "label": label}


def date(s, e, value, mod=None):
    return {"start": s, "end": e, "text": TEXT[s:e], "value": value, "mod": mod}


def num(s, e, value, kind="cardinal", mod=None):
    return {"start": s, "end": e, "text": TEXT[s:e], "value": value, "kind": kind,
            "unit": None, "mod": mod}


def fact(type_, value, mod=None):
    return {"type": type_, "value": value, "mod": mod, "number": None, "trigger": None}


def counts(d):
    return (d["tp"], d["fp"], d["fn"])


def scores(d):
    return (d["precision"], d["recall"], d["f1"])


def test_prf_conventions():
    assert scores(prf(0, 0, 0)) == (1.0, 1.0, 1.0)   # empty gold, empty pred
    assert scores(prf(0, 0, 3)) == (0.0, 0.0, 0.0)   # gold items, no predictions
    assert scores(prf(0, 2, 0)) == (0.0, 0.0, 0.0)   # predictions, empty gold
    assert scores(prf(1, 1, 2)) == pytest.approx((0.5, 1 / 3, 0.4))


def test_sentences_exact():
    gold = {"d": {"text": TEXT, "sentences": [{"start": 0, "end": 10}, {"start": 11, "end": 20},
                                              {"start": 21, "end": 30}]}}
    pred = {"d": {"text": TEXT, "sentences": [{"start": 0, "end": 10}, {"start": 11, "end": 25}]}}
    r = evaluate(gold, pred)["sentences"]
    assert counts(r) == (1, 1, 2)
    # P = 1/2, R = 1/3, F1 = 2*(1/6)/(5/6) = 0.4
    assert scores(r) == pytest.approx((0.5, 0.3333333333, 0.4))
    errs = Counter(e["error"] for e in error_items(gold, pred))
    assert errs == {"missed": 2, "spurious": 1}


def test_relaxed_tie_one_pred_overlaps_two_gold_equally():
    # gold Alpha [0,5], Beta [6,10]; pred [3,8] overlaps each by 2 chars -> earlier gold wins
    gold = {"d": {"text": TEXT, "entities": [ent(0, 5), ent(6, 10)]}}
    pred = {"d": {"text": TEXT, "entities": [ent(3, 8)]}}
    r = evaluate(gold, pred)["entities"]
    assert counts(r["strict"]["micro"]) == (0, 1, 2)
    assert scores(r["strict"]["micro"]) == (0.0, 0.0, 0.0)
    assert counts(r["relaxed"]["micro"]) == (1, 0, 1)
    assert scores(r["relaxed"]["micro"]) == pytest.approx((1.0, 0.5, 0.6666666667))
    errs = error_items(gold, pred)
    assert [(e["error"], e["gold"]["start"] if e["gold"] else None) for e in errs] == [
        ("wrong", 0), ("missed", 6)]
    assert errs[0]["fields"] == ["span"]


def test_relaxed_larger_overlap_wins():
    # pred [3,9] overlaps Alpha by 2, Beta by 3 -> matched to Beta
    assert match_relaxed([ent(0, 5), ent(6, 10)], [ent(3, 9)]) == [(1, 0)]
    # two preds on one gold [0,10]: [6,10] and [0,4] both cover 4 chars -> tie -> earlier pred start
    assert match_relaxed([ent(0, 10)], [ent(6, 10), ent(0, 4)]) == [(0, 1)]
    # exact match goes before a bigger overlap
    assert match_relaxed([ent(0, 10), ent(0, 3)], [ent(0, 3), ent(0, 12)]) == [(0, 1), (1, 0)]


def test_relaxed_needs_same_label_and_per_label_sums():
    gold = {"d": {"text": TEXT, "entities": [ent(0, 5, "GPE"), ent(6, 10, "ORG"), ent(11, 16, "PERSON")]}}
    pred = {"d": {"text": TEXT, "entities": [ent(0, 5, "ORG"), ent(6, 12, "ORG"), ent(11, 16, "PERSON")]}}
    r = evaluate(gold, pred)["entities"]
    # strict: PERSON tp; GPE fn; ORG [0,5] fp, [6,12] fp, [6,10] fn
    assert counts(r["strict"]["micro"]) == (1, 2, 2)
    assert counts(r["strict"]["per_label"]["GPE"]) == (0, 0, 1)
    assert counts(r["strict"]["per_label"]["ORG"]) == (0, 2, 1)
    assert counts(r["strict"]["per_label"]["PERSON"]) == (1, 0, 0)
    # relaxed: ORG [6,12] matches ORG [6,10]; [6,12] also overlaps PERSON [11,16] but label differs
    assert counts(r["relaxed"]["micro"]) == (2, 1, 1)
    assert scores(r["relaxed"]["micro"]) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert counts(r["relaxed"]["per_label"]["ORG"]) == (1, 1, 0)


def test_empty_layers():
    gold = {"a": {"text": TEXT, "entities": []}, "b": {"text": TEXT, "dates": []},
            "c": {"text": TEXT, "numbers": [num(0, 5, 1)]}}
    pred = {"a": {"text": TEXT, "entities": []},
            "b": {"text": TEXT, "dates": [date(0, 5, "1990")]},
            "c": {"text": TEXT, "numbers": []}}
    r = evaluate(gold, pred)
    assert counts(r["entities"]["strict"]["micro"]) == (0, 0, 0)
    assert scores(r["entities"]["strict"]["micro"]) == (1.0, 1.0, 1.0)
    assert scores(r["entities"]["relaxed"]["micro"]) == (1.0, 1.0, 1.0)
    assert counts(r["dates"]["relaxed"]["micro"]) == (0, 1, 0)
    assert scores(r["dates"]["relaxed"]["micro"]) == (0.0, 0.0, 0.0)
    assert counts(r["numbers"]["strict"]["micro"]) == (0, 0, 1)
    assert scores(r["numbers"]["strict"]["micro"]) == (0.0, 0.0, 0.0)
    assert r["dates"]["value_accuracy"] == {"correct": 0, "total": 0, "accuracy": None}


def test_layer_missing_in_gold_is_skipped():
    gold = {"d": {"text": TEXT, "entities": [ent(0, 5)]}}      # no dates, no numbers labelled
    pred = {"d": {"text": TEXT, "entities": [ent(0, 5)], "dates": [date(6, 10, "1990")],
                  "numbers": [num(11, 16, 3)], "facts": [fact("killed", 3)],
                  "sentences": [{"start": 0, "end": 66}], "doc_date": None}}
    r = evaluate(gold, pred)
    assert r["dates"]["docs"] == 0 and counts(r["dates"]["strict"]["micro"]) == (0, 0, 0)
    assert r["numbers"]["docs"] == 0 and r["sentences"]["docs"] == 0 and r["facts"]["docs"] == 0
    assert counts(r["facts"]["micro"]) == (0, 0, 0)
    assert r["doc_date"] == {"correct": 0, "total": 0, "accuracy": None}
    assert counts(r["entities"]["strict"]["micro"]) == (1, 0, 0)
    assert error_items(gold, pred) == []


def test_wrong_value_dates():
    gold = {"d": {"text": TEXT, "dates": [date(0, 10, "1990-01-20"), date(20, 30, "1990")]}}
    pred = {"d": {"text": TEXT, "dates": [date(0, 10, "1990-01-19"),
                                          date(22, 30, "1990", "APPROX"),
                                          date(40, 44, "2020")]}}
    r = evaluate(gold, pred)["dates"]
    # strict: only [0,10] -> tp1 fp2 fn1; P=1/3 R=1/2 F1=0.4
    assert counts(r["strict"]["micro"]) == (1, 2, 1)
    assert scores(r["strict"]["micro"]) == pytest.approx((1 / 3, 0.5, 0.4))
    # relaxed: [0,10] and [20,30]~[22,30] -> tp2 fp1 fn0; P=2/3 R=1 F1=0.8
    assert counts(r["relaxed"]["micro"]) == (2, 1, 0)
    assert scores(r["relaxed"]["micro"]) == pytest.approx((2 / 3, 1.0, 0.8))
    assert r["value_accuracy"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert r["mod_accuracy"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    errs = [(e["error"], e["fields"]) for e in error_items(gold, pred)]
    assert errs == [("wrong", ["value"]), ("wrong", ["span", "mod"]), ("spurious", [])]


def test_numbers_kind_ignored_for_value_pairs():
    gold = {"d": {"text": TEXT, "numbers": [num(0, 5, 150), num(6, 10, 2000000, mod="MORE_THAN")]}}
    pred = {"d": {"text": TEXT, "numbers": [num(0, 5, 150.0000000001, "ordinal"),
                                            num(6, 10, 2e6, mod=None)]}}
    r = evaluate(gold, pred)["numbers"]
    assert counts(r["strict"]["micro"]) == (1, 1, 1)
    assert counts(r["strict"]["per_label"]["cardinal"]) == (1, 0, 1)
    assert counts(r["strict"]["per_label"]["ordinal"]) == (0, 1, 0)
    assert counts(r["relaxed"]["micro"]) == (1, 1, 1)
    assert r["value_accuracy"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert r["kind_accuracy"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert r["mod_accuracy"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    errs = [(e["error"], e["fields"]) for e in error_items(gold, pred)]
    assert errs == [("wrong", ["kind"]), ("wrong", ["mod"])]


def test_facts_multiset_micro_and_per_type():
    gold = {"a": {"text": TEXT, "facts": [fact("killed", 150), fact("killed", 150), fact("injured", 20)]},
            "b": {"text": TEXT, "facts": [fact("detained", 7)]}}
    pred = {"a": {"text": TEXT, "facts": [fact("killed", 150.0), fact("injured", 20, "APPROX"),
                                          fact("missing", 5)]},
            "b": {"text": TEXT, "facts": [fact("detained", 7)]}}
    r = evaluate(gold, pred)["facts"]
    # a: tp1 fp2 fn2; b: tp1 -> tp2 fp2 fn2: P=R=F1=0.5
    assert counts(r["micro"]) == (2, 2, 2)
    assert scores(r["micro"]) == pytest.approx((0.5, 0.5, 0.5))
    assert counts(r["per_type"]["killed"]) == (1, 0, 1)
    assert scores(r["per_type"]["killed"]) == pytest.approx((1.0, 0.5, 0.6666666667))
    assert counts(r["per_type"]["injured"]) == (0, 1, 1)
    assert counts(r["per_type"]["missing"]) == (0, 1, 0)
    assert counts(r["per_type"]["detained"]) == (1, 0, 0)


def test_doc_date_missing_docs_and_unpaired():
    gold = {"a": {"text": TEXT, "doc_date": {"value": "2020-01-17", "start": 0, "end": 5}},
            "b": {"text": TEXT, "doc_date": None},
            "c": {"text": TEXT, "doc_date": {"value": "2024-01-22", "start": 6, "end": 10}},
            "d": {"text": TEXT},
            "e": {"text": TEXT, "doc_date": None, "entities": [ent(0, 5), ent(6, 10)]}}
    pred = {"a": {"text": TEXT, "doc_date": {"value": "2020-01-17", "start": 0, "end": 5}},
            "b": {"text": TEXT, "doc_date": None},
            "c": {"text": TEXT, "doc_date": {"value": "2024-01-20", "start": 6, "end": 10}},
            "d": {"text": TEXT, "doc_date": None},
            "x": {"text": TEXT, "doc_date": None}}
    r = evaluate(gold, pred)
    # a, b right; c wrong; e has no prediction -> wrong; d not labelled
    assert r["doc_date"] == {"correct": 2, "total": 4, "accuracy": 0.5}
    assert r["missing_docs"] == ["e"] and r["unpaired_pred"] == ["x"]
    assert counts(r["entities"]["strict"]["micro"]) == (0, 0, 2)
    assert (r["n_gold_docs"], r["n_pred_docs"], r["n_paired_docs"]) == (5, 5, 4)
    errs = [(e["layer"], e["doc_id"], e["error"]) for e in error_items(gold, pred)]
    assert errs == [("doc_date", "c", "wrong"), ("entities", "e", "missed"),
                    ("entities", "e", "missed"), ("doc_date", "e", "missed")]
    json.dumps(r)  # JSON-serialisable


def test_error_context():
    text = "x" * 50 + "Baku\nBeta" + "y" * 50
    gold = {"d": {"text": text, "entities": [{"start": 50, "end": 59, "label": "GPE"}]}}
    (item,) = error_items(gold, {"d": {"text": text, "entities": []}})
    assert item["context"] == "…" + "x" * 40 + "⟦Baku⏎Beta⟧" + "y" * 40 + "…"
    assert item["gold"]["start"] == 50 and item["pred"] is None


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from("AB")),
                 max_size=8)


@settings(max_examples=200, deadline=None)
@given(spans, spans)
def test_micro_equals_label_sums_and_errors_add_up(g, p):
    mk = lambda xs: [{"start": s, "end": s + n, "label": lab} for s, n, lab in xs]
    gold = {"d": {"text": "z" * 40, "entities": mk(g)}}
    pred = {"d": {"text": "z" * 40, "entities": mk(p)}}
    r = evaluate(gold, pred)["entities"]
    for mode in ("strict", "relaxed"):
        tot = [sum(v[k] for v in r[mode]["per_label"].values()) for k in ("tp", "fp", "fn")]
        assert tot == list(counts(r[mode]["micro"]))
    assert r["relaxed"]["micro"]["tp"] >= r["strict"]["micro"]["tp"]
    errs = Counter(e["error"] for e in error_items(gold, pred))
    assert errs["missed"] == r["relaxed"]["micro"]["fn"]
    assert errs["spurious"] == r["relaxed"]["micro"]["fp"]
    assert errs["missed"] + errs["wrong"] == r["strict"]["micro"]["fn"]
    assert errs["spurious"] + errs["wrong"] == r["strict"]["micro"]["fp"]


def _brute_match(gold_items, pred_items):
    """Reference: the documented greedy rule over all pairs, no pruning."""
    cands = []
    for gi, g in enumerate(gold_items):
        for pi, p in enumerate(pred_items):
            if g["label"] != p["label"]:
                continue
            same = (g["start"], g["end"]) == (p["start"], p["end"])
            ov = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if not same and ov <= 0:
                continue
            cands.append((not same, -ov, g["start"], g["end"], p["start"], p["end"], gi, pi))
    used_g, used_p, pairs = set(), set(), []
    for *_, gi, pi in sorted(cands):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi), used_p.add(pi), pairs.append((gi, pi))
    return sorted(pairs)


@settings(max_examples=200, deadline=None)
@given(spans, spans)
def test_match_relaxed_equals_reference(g, p):
    mk = lambda xs: [{"start": s, "end": s + n, "label": lab} for s, n, lab in xs]
    assert match_relaxed(mk(g), mk(p), lambda x: x["label"]) == _brute_match(mk(g), mk(p))


# ------------------------------------------------- SPEC v2: events, part_of, attribution
def _fact(value, start, event=None, part_of=None, source=None, cue=None, ftype="killed"):
    attribution = None
    if source or cue:
        attribution = {"source": source and {"start": source[0], "end": source[1], "text": "s"},
                       "cue": cue and {"start": cue[0], "end": cue[1], "text": "c"}}
    return {"type": ftype, "value": value, "mod": None, "number": {"start": start, "end": start + 2},
            "trigger": None, "event": event, "part_of": part_of, "attribution": attribution}


def test_matched_facts_pair_by_key_then_nearest_number():
    from pipeline.scoring import match_facts
    gold = [_fact(10, 0), _fact(10, 50), _fact(3, 90)]
    pred = [_fact(10, 48), _fact(10, 2), _fact(4, 90)]
    assert match_facts(gold, pred) == [(0, 1), (1, 0)]


@pytest.mark.parametrize("gold, pred, events, part_of", [
    # same grouping, other ids: all right
    ([_fact(1, 0, "e1"), _fact(2, 10, "e1"), _fact(3, 20, "e2")],
     [_fact(1, 0, "e2"), _fact(2, 10, "e2"), _fact(3, 20, "e1")], [1, 0, 0], [3, 3]),
    # everything lumped into one event: 2 spurious pairs
    ([_fact(1, 0, "e1"), _fact(2, 10, "e1"), _fact(3, 20, "e2")],
     [_fact(1, 0, "e1"), _fact(2, 10, "e1"), _fact(3, 20, "e1")], [1, 2, 0], [3, 3]),
    # null events are never "same"; a missed total link is wrong part_of
    ([_fact(9, 0, "e1"), _fact(4, 10, "e1", part_of=0)],
     [_fact(9, 0), _fact(4, 10)], [0, 0, 1], [1, 2]),
    # part_of points at the match of the gold total, whatever its index
    ([_fact(9, 0, "e1"), _fact(4, 10, "e1", part_of=0)],
     [_fact(4, 10, "e1", part_of=1), _fact(9, 0, "e1")], [1, 0, 0], [2, 2]),
])
def test_event_pairs_and_part_of(gold, pred, events, part_of):
    from pipeline.scoring import fact_link_counts
    counts = fact_link_counts(gold, pred)
    assert counts["events"] == events
    assert counts["part_of"] == part_of


@pytest.mark.parametrize("gold_src, pred_src, strict, relaxed", [
    (None, None, [0, 0, 0], [0, 0, 0]),        # null on both sides: not counted
    ((30, 45), (30, 45), [1, 0, 0], [1, 0, 0]),
    ((30, 45), (34, 45), [0, 1, 1], [1, 0, 0]),  # "the health ministry" vs "health ministry"
    ((30, 45), None, [0, 0, 1], [0, 0, 1]),
    (None, (30, 45), [0, 1, 0], [0, 1, 0]),
    ((30, 45), (60, 70), [0, 1, 1], [0, 1, 1]),
])
def test_attribution_source_counts(gold_src, pred_src, strict, relaxed):
    from pipeline.scoring import fact_link_counts
    counts = fact_link_counts([_fact(5, 0, source=gold_src)], [_fact(5, 0, source=pred_src)])
    assert counts["source"] == {"strict": strict, "relaxed": relaxed}
    assert counts["cue"] == {"strict": [0, 0, 0], "relaxed": [0, 0, 0]}


def test_v1_gold_has_no_link_scores():
    from pipeline.scoring import evaluate
    text = "x" * 30
    gold = {"d": {"doc_id": "d", "text": text, "facts": [_fact(5, 0)]}}
    pred = {"d": {"doc_id": "d", "text": text, "facts": [_fact(5, 0)], "events": []}}
    report = evaluate(gold, pred)
    assert report["events"]["docs"] == 0 and report["part_of"]["accuracy"] is None
    gold["d"]["events"] = []
    assert evaluate(gold, pred)["events"]["docs"] == 1


@pytest.mark.parametrize("items, p, r", [
    ([("a", 1), ("a", 1), ("b", 2)], 1.0, 1.0),
    ([("a", 1), ("a", 1), ("b", 1)], 5 / 9, 1.0),  # lumped: (2/3 + 2/3 + 1/3) / 3
    ([("a", 1), ("a", 2)], 1.0, 0.5),  # split
])
def test_bcubed(items, p, r):
    from pipeline.scoring import bcubed
    result = bcubed(items)
    assert result["precision"] == pytest.approx(p) and result["recall"] == pytest.approx(r)


def test_bcubed_of_nothing_is_none():
    from pipeline.scoring import bcubed
    assert bcubed([])["f1"] is None


# ------------------------------------- one alignment: report, --errors and HTML agree
from pipeline import scoring  # noqa: E402
from pipeline.scoring import align, by_genre, errors_of, headline, report_of  # noqa: E402


def _rows_agree_with_counts(report: dict, rows: list[dict], gold: dict, pred: dict) -> None:
    """The relations of the module docstring between error rows and report counts."""
    by = Counter((r["layer"], r["error"]) for r in rows)
    named = Counter((r["layer"], f) for r in rows if r["error"] == "wrong" for f in r["fields"])
    s = report["sentences"]
    assert (by["sentences", "missed"], by["sentences", "spurious"]) == (s["fn"], s["fp"])
    assert by["sentences", "wrong"] == 0
    for layer in ("entities", "dates"):
        strict, relaxed = report[layer]["strict"]["micro"], report[layer]["relaxed"]["micro"]
        assert by[layer, "missed"] == relaxed["fn"] and by[layer, "spurious"] == relaxed["fp"]
        assert by[layer, "missed"] + named[layer, "span"] == strict["fn"]
        assert by[layer, "spurious"] + named[layer, "span"] == strict["fp"]
    for layer, fields in (("dates", ("value", "mod")), ("numbers", ("value", "kind", "mod"))):
        for f in fields:
            a = report[layer][f"{f}_accuracy"]
            assert a["total"] - a["correct"] == named[layer, f]
    n_gold = sum(len(r.get("numbers") or []) for r in gold.values())
    n_pred = sum(len((pred.get(d) or {}).get("numbers") or []) for d, r in gold.items()
                 if r.get("numbers") is not None)
    judged = report["numbers"]["value_accuracy"]["total"]
    assert (by["numbers", "missed"], by["numbers", "spurious"]) == (n_gold - judged, n_pred - judged)
    per_type = report["facts"]["per_type"]
    missed = Counter(r["gold"]["type"] for r in rows if r["layer"] == "facts" and r["error"] == "missed")
    spurious = Counter(r["pred"]["type"] for r in rows if r["layer"] == "facts" and r["error"] == "spurious")
    assert {t: (c["fn"], c["fp"]) for t, c in per_type.items()} == {
        t: (missed[t], spurious[t]) for t in per_type}
    dd = report["doc_date"]
    assert by["doc_date", "missed"] + by["doc_date", "spurious"] + by["doc_date", "wrong"] == dd["total"] - dd["correct"]


_span_st = st.tuples(st.integers(0, 30), st.integers(1, 6))
_doc_st = st.fixed_dictionaries({
    "sentences": st.lists(_span_st, max_size=4),
    "entities": st.lists(st.tuples(_span_st, st.sampled_from("AB")), max_size=5),
    "dates": st.lists(st.tuples(_span_st, st.sampled_from(["1990", "1991"]),
                                st.sampled_from([None, "APPROX"])), max_size=4),
    "numbers": st.lists(st.tuples(_span_st, st.sampled_from([1, 2, 2.0]),
                                  st.sampled_from(["cardinal", "ordinal"]),
                                  st.sampled_from([None, "MORE_THAN"])), max_size=4),
    "facts": st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["killed", "injured"]),
                                st.sampled_from([1, 2])), max_size=4),
    "doc_date": st.sampled_from([None, "2020-01-01", "2020-01-02"]),
})


def _record(d: dict) -> dict:
    text = "z" * 40
    sp = lambda s, n: {"start": s, "end": s + n, "text": text[s:s + n]}  # noqa: E731
    return {"text": text,
            "sentences": [sp(*x) for x in d["sentences"]],
            "entities": [{**sp(*x), "label": lab} for x, lab in d["entities"]],
            "dates": [{**sp(*x), "value": v, "mod": m} for x, v, m in d["dates"]],
            "numbers": [{**sp(*x), "value": v, "kind": k, "unit": None, "mod": m}
                        for x, v, k, m in d["numbers"]],
            "facts": [{"type": t, "value": v, "mod": None, "number": sp(s, 2), "trigger": None}
                      for s, t, v in d["facts"]],
            "doc_date": d["doc_date"] and {"value": d["doc_date"], "start": 0, "end": 4}}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_doc_st, _doc_st, st.booleans()), min_size=1, max_size=3))
def test_report_and_error_rows_come_from_one_alignment(docs):
    gold = {f"d{i}": _record(g) for i, (g, _, _) in enumerate(docs)}
    pred = {f"d{i}": _record(p) for i, (_, p, has_pred) in enumerate(docs) if has_pred}
    alignment = align(gold, pred)
    report, rows = report_of(alignment, {}), errors_of(alignment)
    _rows_agree_with_counts(report, rows, gold, pred)
    # the old entry points are the same functions of the same alignment
    assert evaluate(gold, pred, {}) == report and error_items(gold, pred) == rows


def _doc(value, label="GPE", kind="cardinal"):
    text = "In Baku 150 people died on 20 January 1990; 150 were killed."
    fact = lambda s: {"type": "killed", "value": value, "mod": None,  # noqa: E731
                      "number": {"start": s, "end": s + 3, "text": text[s:s + 3]}, "trigger": None,
                      "event": "e1", "part_of": None, "attribution": None}
    return {"text": text, "doc_date": {"value": "1990-01-21", "start": None, "end": None},
            "sentences": [{"start": 0, "end": 44}, {"start": 45, "end": len(text)}],
            "entities": [{"start": 3, "end": 7, "text": "Baku", "label": label}],
            "dates": [{"start": 27, "end": 42, "text": "20 January 1990", "value": "1990-01-20", "mod": None}],
            "numbers": [{"start": 8, "end": 11, "text": "150", "value": value, "kind": kind, "unit": None,
                         "mod": None}],
            "events": [{"id": "e1", "name": None, "date": None, "place": None, "incident": "baku"}],
            "facts": [fact(8), fact(45)]}


def test_report_errors_genres_and_html_do_not_match_again(monkeypatch):
    """align() matches each labelled layer of each document once; report, errors,
    per-genre scores and the HTML are then derived from that one object."""
    from pipeline import report_html

    gold = {"dev_wire_a": _doc(150), "dev_ngo_b": _doc(150), "c": _doc(150)}
    pred = {"dev_wire_a": _doc(150, "ORG", "ordinal"), "dev_ngo_b": {**_doc(151), "facts": _doc(150)["facts"][1:]}}
    calls: Counter = Counter()
    real = {name: getattr(scoring, name) for name in ("match_relaxed", "match_facts", "_exact_pairs")}
    for name, fn in real.items():
        monkeypatch.setattr(scoring, name, lambda *a, _n=name, _f=fn: (calls.update([_n]), _f(*a))[1])
    alignment = align(gold, pred)
    # per document: entities 1, dates 1, numbers 2 (kind-labelled P/R/F1 + overlap pairs)
    assert calls == {"match_relaxed": 3 * 4, "match_facts": 3, "_exact_pairs": 3}
    expected = (report_of(alignment), errors_of(alignment), by_genre(alignment))

    def forbidden(*args, **kwargs):
        raise AssertionError("matched a second time")

    for name in list(real) + ["align_layer", "align"]:
        monkeypatch.setattr(scoring, name, forbidden)
    monkeypatch.setattr(report_html, "align", forbidden)
    report, rows, genres = report_of(alignment), errors_of(alignment), by_genre(alignment)
    page = report_html.render_html(gold, pred, report, alignment)
    assert (report, rows, genres) == expected
    assert genres["all"] == headline(report) and set(genres) == {"wire", "ngo", "other", "all"}
    assert "diff-missed" in page and "diff-wrong" in page
    _rows_agree_with_counts(report, rows, gold, pred)
    assert report["missing_docs"] == ["c"] and report["incidents"]["items"] == 3


def test_by_genre_equals_scoring_each_genre_alone():
    from pipeline.compare import compare, incident_of_events

    gold = {"dev_wire_a": _doc(150), "dev_ngo_b": _doc(150), "c": _doc(150)}
    pred = {"dev_wire_a": _doc(150, "ORG"), "dev_ngo_b": _doc(151), "c": _doc(150)}
    incident_of = incident_of_events(compare(list(pred.values())))
    expected = {genre: headline(evaluate({d: gold[d] for d in ids}, pred, incident_of))
                for genre, ids in (("ngo", ["dev_ngo_b"]), ("other", ["c"]), ("wire", ["dev_wire_a"]))}
    expected["all"] = headline(evaluate(gold, pred, incident_of))
    assert by_genre(align(gold, pred)) == expected
    assert list(by_genre(align(gold, pred))) == ["ngo", "other", "wire", "all"]


def test_fact_error_rows_are_the_facts_link_scores_left_unpaired():
    # two gold "killed 150" facts; the one prediction sits on the second one's number
    gold = {"d": _doc(150)}
    pred = {"d": {**_doc(150), "facts": _doc(150)["facts"][1:]}}
    assert scoring.match_facts(gold["d"]["facts"], pred["d"]["facts"]) == [(1, 0)]
    (row,) = [r for r in error_items(gold, pred) if r["layer"] == "facts"]
    assert row["error"] == "missed" and row["gold"] is gold["d"]["facts"][0]
    # a fact with another value is not paired whatever its place
    pred["d"]["facts"][0] = {**pred["d"]["facts"][0], "value": 151}
    assert [(r["error"], r["gold"] or r["pred"]) for r in error_items(gold, pred) if r["layer"] == "facts"] == [
        ("missed", gold["d"]["facts"][0]), ("missed", gold["d"]["facts"][1]), ("spurious", pred["d"]["facts"][0])]


@pytest.mark.parametrize("gold_dd, pred_dd, error, context", [
    # a doc_date from metadata has null offsets: listed without context
    ({"value": "2025-03-17", "start": None, "end": None}, {"value": "2025-03-16", "start": 3, "end": 7},
     "wrong", "In ⟦Baku⟧ 150 people died on 20 January 1990; 150…"),
    ({"value": "2025-03-17", "start": None, "end": None}, None, "missed", ""),
    ({"value": "2025-03-17", "start": None, "end": None}, {"value": "2025-03-17", "start": 3, "end": 7},
     None, None),
    (None, {"value": "2025-03-17", "start": None, "end": None}, "spurious", ""),
])
def test_doc_date_errors_with_and_without_offsets(gold_dd, pred_dd, error, context):
    gold = {"d": {**_doc(150), "doc_date": gold_dd}}
    pred = {"d": {**_doc(150), "doc_date": pred_dd}}
    rows = [r for r in error_items(gold, pred) if r["layer"] == "doc_date"]
    assert [(r["error"], r["context"]) for r in rows] == ([] if error is None else [(error, context)])
    assert evaluate(gold, pred, {})["doc_date"]["correct"] == (error is None)


def test_align_layer_rejects_unknown_layer():
    with pytest.raises(ValueError, match="unknown layer"):
        scoring.align_layer("events", [], [])
