"""`validate` catches malformed records and gold with FILE:LINE messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "gold").glob("*.jsonl")) + sorted((ROOT / "tests" / "gold" / "dev").glob("*.jsonl"))


@pytest.mark.parametrize("path", GOLD, ids=[p.stem for p in GOLD])
def test_every_gold_file_is_valid(path):
    count, problems = validate_file(path, gold=True, root=ROOT)
    assert (count, problems) == (1, [])


def _good() -> dict:
    text = "Baku, 20 January. 150 people were killed."
    return {"schema_version": "1", "doc_id": "d", "text": text,
            "source": {"path": "x.txt", "sha256": "0" * 64}, "doc_date": None,
            "sentences": [{"start": 0, "end": 17}, {"start": 18, "end": len(text)}],
            "entities": [{"start": 0, "end": 4, "text": "Baku", "label": "GPE"}],
            "dates": [], "numbers": [{"start": 18, "end": 21, "text": "150", "value": 150,
                                      "kind": "cardinal", "unit": None, "mod": None}],
            "facts": [{"type": "killed", "value": 150, "mod": None, "number": {"start": 18, "end": 21},
                       "trigger": {"start": 34, "end": 40}}], "errors": [], "meta": {}}


def _mutations():
    def bad_offsets(r): r["entities"][0]["end"] = 999
    def wrong_text(r): r["entities"][0]["text"] = "Bak"
    def bad_label(r): r["entities"][0]["label"] = "CITY"
    def bad_kind(r): r["numbers"][0]["kind"] = "count"
    def bad_mod(r): r["numbers"][0]["mod"] = "ABOUT"
    def bad_type(r): r["facts"][0]["type"] = "dead"
    def overlap(r): r["entities"].append({"start": 2, "end": 4, "text": "ku", "label": "GPE"})
    def uncovered(r): r["sentences"] = r["sentences"][:1]
    def space_edge(r): r["sentences"][1]["start"] = 17
    def fact_number(r): r["facts"][0]["number"] = {"start": 0, "end": 4}
    return [bad_offsets, wrong_text, bad_label, bad_kind, bad_mod, bad_type, overlap, uncovered,
            space_edge, fact_number]


def test_good_record_passes(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(_good()) + "\n", encoding="utf-8")
    assert validate_file(path) == (1, [])


@pytest.mark.parametrize("mutate", _mutations(), ids=lambda f: f.__name__)
def test_each_broken_rule_is_reported_with_file_and_line(tmp_path, mutate):
    record = _good()
    mutate(record)
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_good()) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    _, problems = validate_file(path)
    assert problems and all(p.startswith(f"{path}:2: ") for p in problems), problems


@pytest.mark.parametrize("content,needle", [
    ("{not json}\n", "bad JSON"),
    ("[1, 2]\n", "JSON object"),
    (json.dumps(_good()), "no newline"),
])
def test_malformed_files(tmp_path, content, needle):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    _, problems = validate_file(path)
    assert any(needle in p for p in problems), problems


def test_gold_text_must_equal_its_input_file(tmp_path):
    (tmp_path / "x.txt").write_text("Other text entirely, not the record's.", encoding="utf-8")
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_good()) + "\n", encoding="utf-8")
    _, problems = validate_file(path, gold=True, root=tmp_path)
    assert any("text differs from the input file" in p for p in problems)


@pytest.mark.parametrize("text,sentences,first_uncovered", [
    ("One. Two.", [(0, 4), (5, 9)], None),
    ("One. Two.", [(0, 4)], ("'T'", 5)),
    ("One.\n\n  Two.  ", [(0, 4), (8, 12)], None),          # white space between and after: fine
    ("One. Two.", [(5, 9)], ("'O'", 0)),
    ("  One.\u00a0 x", [(2, 6)], ("'x'", 8)),                # NBSP is white space, "x" is not
    ("Ab", [], ("'A'", 0)),
])
def test_sentence_coverage_names_the_first_uncovered_character(text, sentences, first_uncovered):
    from pipeline.validate import record_problems

    problems = [p for p in record_problems({"text": text, "sentences": [{"start": s, "end": e} for s, e in sentences]})
                if "in no segment" in p]
    if first_uncovered is None:
        assert problems == []
    else:
        char, pos = first_uncovered
        assert problems == [f"sentences: character {char} at {pos} is in no segment"]
