"""Gold drafts (pipeline/gold_draft.py): version-2 parts compile to SPEC v2 records."""

from __future__ import annotations

import json

import pytest

from pipeline.gold_draft import DraftError, compile_draft
from pipeline.validate import record_problems

TEXT = ("CITYA, 13 May 2025 - At least 41 people were killed, including 12 children, in the "
        "market of Cityb on Monday, the health ministry said. Thousands attended the funeral on Tuesday.")

DRAFT = """doc_id: d1
source: feed.jsonl
line: 2
doc_date: metadata | 2025-05-13
== sentences
CITYA, 13 May ... ministry said.
Thousands attended ... on Tuesday.
== entities
CITYA | GPE
13 May 2025 | DATE
Cityb | GPE
Monday | DATE
Tuesday | DATE
== dates
13 May 2025 | 2025-05-13
Monday | 2025-05-12
Tuesday | 2025-05-13
== numbers
At least 41 | 41 | cardinal | - | AT_LEAST
12 | 12 | cardinal
Thousands | 1000 | cardinal | - | AT_LEAST
== events
e1 | cityb-market-2025-05 | - | Monday | Cityb
e2 | cityb-funeral-2025-05 | - | Tuesday | -
== facts
killed | 41 | AT_LEAST | At least 41 | killed | e1 | - | health ministry | said
killed | 12 | - | 12 | killed | e1 | 0 | health ministry | said
participants | 1000 | AT_LEAST | Thousands | attended | e2
"""


@pytest.fixture
def feed(tmp_path):
    lines = [{"id": "other", "text": "x"},
             {"id": "d1", "text": TEXT, "source": "Agency", "url": "https://example.org/a",
              "title": "T", "doc_date": "2025-05-13", "lang": "en"}]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(o) + "\n" for o in lines), encoding="utf-8")
    return tmp_path


def test_v2_draft_compiles_to_a_valid_record(feed):
    record = compile_draft(DRAFT, feed)
    assert record["schema_version"] == "2"
    assert record["text"] == TEXT
    assert record["source"]["line"] == 2 and record["source"]["name"] == "Agency"
    assert record["source"]["extra"] == {"lang": "en"}
    assert record["doc_date"] == {"value": "2025-05-13", "start": None, "end": None, "from": "metadata"}
    e1, e2 = record["events"]
    assert (e1["date"]["text"], e1["date"]["value"], e1["place"]["text"]) == ("Monday", "2025-05-12", "Cityb")
    assert e2["place"] is None and e2["incident"] == "cityb-funeral-2025-05"
    total, part, crowd = record["facts"]
    assert (total["part_of"], part["part_of"], crowd["part_of"]) == (None, 0, None)
    assert part["attribution"]["source"]["text"] == "health ministry"
    assert part["attribution"]["cue"]["text"] == "said"
    assert crowd["attribution"] is None and crowd["event"] == "e2"
    assert record_problems(record) == []


@pytest.mark.parametrize("bad, message", [
    ("e1 | cityb-market-2025-05 | - | Monday | Cityb\n", "not in == events"),  # e2 dropped
    ("e1 | x | - | Friday | -\ne2 | y | - | - | -\n", "Friday"),  # not a dates entry
    ("e2 | x | - | - | -\ne1 | y | - | - | -\n", "should be 'e1'"),
])
def test_bad_events_are_draft_errors(feed, bad, message):
    head, _, rest = DRAFT.partition("== events\n")
    _, _, facts = rest.partition("== facts")
    with pytest.raises(DraftError, match=message):
        compile_draft(head + "== events\n" + bad + "== facts" + facts, feed)


def test_a_jsonl_draft_must_name_the_lines_id(feed):
    with pytest.raises(DraftError, match="doc_id"):
        compile_draft(DRAFT.replace("line: 2", "line: 1"), feed)


@pytest.mark.parametrize("trigger, expected_start", [
    ("killed", TEXT.index("killed")),               # nearest occurrence (unchanged)
    ("killed #1", TEXT.index("killed")),
    ("the", TEXT.index("the market")),              # nearest of three
    ("the #3", TEXT.index("the funeral")),          # forced: not the nearest
])
def test_a_trigger_honours_its_occurrence_number(feed, trigger, expected_start):
    draft = DRAFT.replace("| 12 | killed | e1 | 0 |", f"| 12 | {trigger} | e1 | 0 |")
    part = compile_draft(draft, feed)["facts"][1]
    assert part["trigger"] == {"start": expected_start, "end": expected_start + len(trigger.split(" #")[0])}


def test_an_unknown_trigger_is_a_draft_error(feed):
    with pytest.raises(DraftError, match="not found"):
        compile_draft(DRAFT.replace("| 12 | killed |", "| 12 | slain |"), feed)


def test_a_fact_number_is_never_the_prefix_of_a_longer_number(tmp_path):
    text = "The governor reported 50 dead, including 5 children."
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    draft = ("doc_id: d\nsource: d.txt\ndoc_date: null\n== numbers\n50 | 50 | cardinal\n5 | 5 | cardinal\n"
             "== facts\nkilled | 50 | - | 50 | dead\nkilled | 5 | - | 5 | dead | - | 0\n")
    total, part = compile_draft(draft, tmp_path)["facts"]
    assert (total["number"]["start"], part["number"]["start"]) == (text.index("50"), text.index("5 children"))


def test_event_spans_take_the_nth_occurrence(feed):
    draft = DRAFT.replace("e2 | cityb-funeral-2025-05 | - | Tuesday | -", "e2 | cityb-funeral-2025-05 | - | Tuesday | Cityb #1")
    assert compile_draft(draft, feed)["events"][1]["place"]["text"] == "Cityb"
    with pytest.raises(DraftError, match="not drafted"):
        compile_draft(DRAFT.replace("| Monday | Cityb", "| Monday | Cityb #2"), feed)
