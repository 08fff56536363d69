"""Round trips and refusal of misaligned spans for pipeline.convert."""

from __future__ import annotations

import json

import pytest

from pipeline.convert import (ConversionError, from_doccano, from_prodigy, to_doccano,
                              to_prodigy)

FORMATS = [pytest.param(to_prodigy, from_prodigy, id="prodigy"),
           pytest.param(to_doccano, from_doccano, id="doccano")]


def record(doc_id, text, spans):
    return {"doc_id": doc_id, "text": text,
            "entities": [{"start": s, "end": e, "text": text[s:e], "label": lab}
                         for s, e, lab in spans]}


T1 = "On 20 January 1990 Soviet troops entered Baku."
T2 = "Ministry of Foreign Affairs of the Republic of Azerbaijan\n\n“Black January” — 😢 Bakı"
RECORDS = [
    record("plain", T1, [(3, 18, "DATE"), (19, 25, "NORP"), (41, 45, "GPE")]),
    record("unicode", T2, [(0, 57, "ORG"), (60, 73, "EVENT"), (79, 83, "GPE")]),
    record("empty", "Nothing here.", []),
    record("unsorted", T1, [(41, 45, "GPE"), (3, 18, "DATE")]),
]


@pytest.mark.parametrize("to_fn,from_fn", FORMATS)
@pytest.mark.parametrize("rec", RECORDS, ids=[r["doc_id"] for r in RECORDS])
def test_round_trip_lossless(to_fn, from_fn, rec):
    exported = to_fn(rec)
    line = json.loads(json.dumps(exported, ensure_ascii=False))  # through JSONL
    assert from_fn(line, rec["doc_id"]) == rec
    assert to_fn(from_fn(line, rec["doc_id"])) == exported


def test_unicode_offsets_are_code_points():
    rec = RECORDS[1]
    assert rec["entities"][2]["text"] == "Bakı"
    assert to_doccano(rec)["label"][2] == [79, 83, "GPE"]


def test_export_shapes():
    rec = RECORDS[0]
    assert to_prodigy(rec)["spans"][0] == {"start": 3, "end": 18, "label": "DATE",
                                           "text": "20 January 1990"}
    assert to_prodigy(rec)["meta"] == {"doc_id": "plain"}
    assert to_doccano(rec)["label"][0] == [3, 18, "DATE"]


def test_import_fills_text_and_missing_spans():
    frag = from_prodigy({"text": T1, "spans": [{"start": 41, "end": 45, "label": "GPE"}]}, "x")
    assert frag == {"doc_id": "x", "text": T1,
                    "entities": [{"start": 41, "end": 45, "text": "Baku", "label": "GPE"}]}
    assert from_prodigy({"text": T1}, "y")["entities"] == []
    assert from_doccano({"text": T1}, "y")["entities"] == []


BAD_PRODIGY = [
    {"start": 41, "end": 99, "label": "GPE"},                  # out of range
    {"start": -1, "end": 4, "label": "GPE"},                   # negative
    {"start": 10, "end": 5, "label": "GPE"},                   # reversed
    {"start": 5, "end": 5, "label": "GPE"},                    # empty
    {"start": 41, "end": 45, "label": "GPE", "text": "Bak"},   # text differs
    {"start": "41", "end": 45, "label": "GPE"},                # not an int
    {"start": 41, "end": 45, "label": ""},                     # no label
]


@pytest.mark.parametrize("span", BAD_PRODIGY)
def test_prodigy_misaligned_span_raises(span):
    with pytest.raises(ConversionError, match=r"span"):
        from_prodigy({"text": T1, "spans": [{"start": 3, "end": 18, "label": "DATE"}, span]}, "d")


@pytest.mark.parametrize("lab", [[41, 99, "GPE"], [-1, 4, "GPE"], [10, 5, "GPE"],
                                 [41, 45], [41.0, 45, "GPE"], [41, 45, None]])
def test_doccano_misaligned_span_raises(lab):
    with pytest.raises(ConversionError, match=r"span"):
        from_doccano({"text": T1, "label": [[3, 18, "DATE"], lab]}, "d")


@pytest.mark.parametrize("to_fn,from_fn", FORMATS)
def test_export_refuses_misaligned_record(to_fn, from_fn):
    rec = record("bad", T1, [(41, 45, "GPE")])
    rec["entities"][0]["text"] = "Paris"
    with pytest.raises(ConversionError, match="Paris"):
        to_fn(rec)
    rec["entities"][0] = {"start": 40, "end": 60, "text": T1[40:60], "label": "GPE"}
    with pytest.raises(ConversionError, match="out of range"):
        to_fn(rec)


def test_conversion_error_is_value_error():
    assert issubclass(ConversionError, ValueError)
    with pytest.raises(ValueError):
        from_doccano({"label": []}, "no-text")
