"""A record that breaks SPEC in one item loses that item (named in errors), never its other layers."""

from __future__ import annotations

import copy
import hashlib

import pytest

from pipeline.document import Document
from pipeline.emit import to_record

TEXT = "On 5 May 2001, 12 people were killed and 30 injured in Baku."


def span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def good_doc() -> Document:
    s12, s30, baku, date = span(TEXT, "12"), span(TEXT, "30"), span(TEXT, "Baku"), span(TEXT, "5 May 2001")
    killed, injured = span(TEXT, "killed"), span(TEXT, "injured")
    return Document(
        doc_id="d", path="d.txt", sha256=hashlib.sha256(TEXT.encode()).hexdigest(), text=TEXT,
        doc_date={"value": "2001-05-05", "start": date[0], "end": date[1]},
        sentences=[{"start": 0, "end": len(TEXT)}],
        entities=[{"start": baku[0], "end": baku[1], "text": "Baku", "label": "GPE"},
                  {"start": date[0], "end": date[1], "text": "5 May 2001", "label": "DATE"}],
        dates=[{"start": date[0], "end": date[1], "text": "5 May 2001", "value": "2001-05-05", "mod": None}],
        numbers=[{"start": s12[0], "end": s12[1], "text": "12", "value": 12, "kind": "cardinal", "unit": None, "mod": None},
                 {"start": s30[0], "end": s30[1], "text": "30", "value": 30, "kind": "cardinal", "unit": None, "mod": None}],
        events=[{"id": "e1", "name": None, "place": {"start": baku[0], "end": baku[1], "text": "Baku"},
                 "date": {"start": date[0], "end": date[1], "text": "5 May 2001", "value": "2001-05-05"}}],
        facts=[{"type": "killed", "value": 12, "mod": None, "number": {"start": s12[0], "end": s12[1]},
                "trigger": {"start": killed[0], "end": killed[1]}, "event": "e1", "part_of": None, "attribution": None},
               {"type": "injured", "value": 30, "mod": None, "number": {"start": s30[0], "end": s30[1]},
                "trigger": {"start": injured[0], "end": injured[1]}, "event": "e1", "part_of": 0, "attribution": None}],
    )


def dumped(doc: Document) -> dict:
    return to_record(doc, {"config": "x"}).model_dump(mode="json", by_alias=True)


def test_valid_record_is_unchanged():
    doc = good_doc()
    expected = copy.deepcopy(doc)
    record = dumped(doc)
    assert record["errors"] == []  # must NOT change
    for layer in ("sentences", "entities", "dates", "numbers", "facts"):
        assert record[layer] == getattr(expected, layer)
    assert [{k: v for k, v in e.items() if k != "incident"} for e in record["events"]] == expected.events


def break_entity_text(doc):
    doc.entities[0]["text"] = "Bak"


def break_number_kind(doc):
    doc.numbers[0]["kind"] = "count"  # not a SPEC kind: the number goes, and the fact counting it


def break_event_id(doc):
    doc.facts[1]["event"] = "e9"


def break_date_span(doc):
    doc.dates[0]["end"] += 1  # the date entry goes; the event keeps its place, loses its date


def break_sentences(doc):
    doc.sentences = [{"start": 0, "end": 10}]  # coverage: no one sentence is to blame


def break_doc_date(doc):
    doc.doc_date = {"value": "2001-05-05", "start": 0, "end": len(TEXT) + 3}


def break_attribution(doc):
    doc.facts[0]["attribution"] = {"source": {"start": 0, "end": 2, "text": "no"}, "cue": None}


@pytest.mark.parametrize("breaker,gone,errors", [
    (break_entity_text, {"entities": [0]}, ["entities[0] (55-59 'Bak'): text 'Bak' != text[55:59] 'Baku'"]),
    (break_number_kind, {"numbers": [0], "facts": [0]},
     ["numbers[0] (15-17 '12'): kind: Input should be", "facts[0] (killed 12): number span",
      "facts[0] (injured 30).part_of: its total was dropped"]),
    (break_event_id, {}, ["facts[1] (injured 30).event: event 'e9' is not an id in events"]),
    (break_date_span, {"dates": [0]}, ["events[0] (e1).date: '5 May 2001' is not a dates entry", "dates[0] (3-14 '5 May 2001'): text"]),
    (break_sentences, {"sentences": None}, ["sentences (the whole layer, null): character '0' at 10 is in no segment"]),
    (break_doc_date, {}, ["doc_date: span 0-63 is outside the text"]),
    (break_attribution, {}, ["facts[0] (killed 12).attribution.source: text 'no' != text[0:2] 'On'"]),
])
def test_one_bad_item_costs_only_that_item_and_what_depends_on_it(breaker, gone, errors):
    doc = good_doc()
    breaker(doc)
    before = copy.deepcopy(doc)
    record = dumped(doc)
    assert len(record["errors"]) == len(errors), record["errors"]
    for got, want in zip(record["errors"], errors):
        assert got.startswith("invalid output dropped: " + want), got
    for layer in ("sentences", "entities", "dates", "numbers", "facts"):
        lost = gone.get(layer, [])
        if lost is None:
            assert record[layer] is None
            continue
        kept = [item for i, item in enumerate(getattr(before, layer)) if i not in lost]
        assert len(record[layer]) == len(kept), layer
        assert [i.get("start", i.get("type")) for i in record[layer]] == [i.get("start", i.get("type")) for i in kept]
    assert len(record["events"]) == 1  # every case keeps the event


def test_broken_source_empties_the_record_with_a_reason():
    doc = good_doc()
    doc.sha256 = "not-a-hash"
    with pytest.raises(Exception):
        to_record(doc, {})  # a reader bug, not a stage bug: it must not pass silently
