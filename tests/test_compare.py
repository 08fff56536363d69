"""pipeline.compare on small hand-made records (no model)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare import (compare, compatibility, is_vague, label, to_csv, to_jsonl, value_range,
                              write_plot)

WORDS = {"partial": ["including"], "complete": ["of whom"]}


def record(doc_id: str, text: str, facts: list[tuple], date: str | None = "2024-01-20") -> dict:
    """A record whose facts are (type, number text, value, mod); one sentence per line."""
    sentences, pos = [], 0
    for line in text.split("\n"):
        sentences.append({"start": pos, "end": pos + len(line)})
        pos += len(line) + 1
    out, pos = [], 0
    for fact_type, number, value, mod in facts:  # in text order
        start = text.index(number, pos)
        pos = start + len(number)
        out.append({"type": fact_type, "value": value, "mod": mod,
                    "number": {"start": start, "end": start + len(number)}, "trigger": None})
    return {"doc_id": doc_id, "text": text, "doc_date": {"value": date, "start": 0, "end": 1} if date else None,
            "sentences": sentences, "facts": out}


A = record("a", "In the attack 150 civilians were killed and 744 people were injured.",
           [("killed", "150", 150, None), ("injured", "744", 744, None)], "2024-01-19")
B = record("b", "Some 150 people were killed.\n134 citizens were killed, and more than 600 people were injured.",
           [("killed", "150", 150, None), ("killed", "134", 134, None), ("injured", "more than 600", 600, "MORE_THAN")],
           "2023-01-20")
C = record("c", "131 civilians were killed.", [("killed", "131", 131, None)], None)


def rep(value, mod=None, text=None):
    return {"value": value, "mod": mod, "vague": is_vague(text), "label": label(value, mod, text)}


@pytest.mark.parametrize("a,b,compatible,rule", [
    (rep(150), rep(134), False, "exact"),
    (rep(150), rep(150), True, "exact"),
    (rep(600, "MORE_THAN"), rep(744), True, "MORE_THAN"),
    (rep(600, "MORE_THAN"), rep(600), False, "MORE_THAN"),       # "more than 600" excludes 600
    (rep(600, "AT_LEAST"), rep(600), True, "AT_LEAST"),
    (rep(50, "AT_MOST"), rep(50), True, "AT_MOST"),
    (rep(50, "LESS_THAN"), rep(50), False, "LESS_THAN"),
    (rep(9, "AT_LEAST"), rep(50, "AT_MOST"), True, "AT_LEAST+AT_MOST"),
    (rep(60, "APPROX"), rep(64), True, "APPROX±10%"),
    (rep(60, "APPROX"), rep(70), False, "APPROX±10%"),
    (rep(100, "AT_LEAST", "hundreds"), rep(150), True, "vague magnitude"),
    (rep(100, "AT_LEAST", "hundreds"), rep(1500), False, "vague magnitude"),  # hundreds < 1,000
    (rep(100, "AT_LEAST", "hundreds"), rep(4), False, "vague magnitude"),
    (rep(200000, "MORE_THAN"), rep(100000, "AT_LEAST", "hundreds of thousands"), True,
     "MORE_THAN+vague magnitude"),
])
def test_compatibility(a, b, compatible, rule):
    result = compatibility(a, b)
    assert (result["compatible"], result["rule"]) == (compatible, rule)
    assert compatibility(b, a)["compatible"] == compatible  # symmetric


@pytest.mark.parametrize("value,mod,text,expected", [
    (150, None, "150", "150"),
    (600, "MORE_THAN", "more than 600", ">600"),
    (2000000, None, "2 million", "2,000,000"),
    (100, "AT_LEAST", "Hundreds", "hundreds"),
    (100000, "AT_LEAST", "hundreds of\nthousands", "hundreds of thousands"),
    (8300, "APPROX", "an estimated 8,300", "~8,300"),
])
def test_label(value, mod, text, expected):
    assert label(value, mod, text) == expected


def test_ranges_of_mods():
    assert value_range(600, "MORE_THAN").lo == 600 and not value_range(600, "MORE_THAN").lo_closed
    assert (value_range(100, "AT_LEAST", vague=True).hi, value_range(100, "AT_LEAST", vague=True).hi_closed) == (1000, False)


def test_groups_values_with_their_sources():
    result = compare([A, B, C], WORDS)
    killed = next(g for g in result["types"] if g["type"] == "killed")
    by_label = {v["label"]: v for v in killed["values"]}
    assert set(by_label) == {"150", "134", "131"}
    assert [(r["doc_id"], r["doc_date"]) for r in by_label["150"]["reports"]] == [("a", "2024-01-19"), ("b", "2023-01-20")]
    assert by_label["134"]["reports"][0]["sentence"] == "134 citizens were killed, and more than 600 people were injured."
    assert by_label["131"]["reports"][0]["doc_date"] is None
    assert killed["disagreement"] and killed["conflict"]
    pairs = {(c["a"], c["b"]): (c["compatible"], c["rule"]) for c in killed["comparisons"]}
    assert pairs[("150", "134")] == (False, "exact")
    assert pairs[("150", "131")] == (False, "exact")
    assert pairs[("134", "131")] == (False, "exact")
    injured = next(g for g in result["types"] if g["type"] == "injured")
    assert injured["disagreement"] and not injured["conflict"]
    assert [(c["a"], c["b"], c["compatible"], c["rule"]) for c in injured["comparisons"]] == [
        ("744", ">600", True, "MORE_THAN")]


def test_types_in_spec_order_and_agreement_not_flagged():
    result = compare([A, record("d", "744 people were injured.", [("injured", "744", 744, None)])], WORDS)
    assert [g["type"] for g in result["types"]] == ["killed", "injured"]
    injured = result["types"][1]
    assert not injured["disagreement"] and injured["comparisons"] == []
    assert len(injured["values"][0]["reports"]) == 2


def test_two_figures_of_one_statement_are_listed_not_compared():
    result = compare([B], WORDS)
    killed = result["types"][0]
    assert killed["disagreement"] and killed["comparisons"] == []


KHOJALY_LIKE = record("k", "In all 613 people, including 63 children and 106 women, were killed.\n200 were killed in 1990.",
                      [("killed", "613", 613, None), ("killed", "63", 63, None), ("killed", "106", 106, None),
                       ("killed", "200", 200, None)])


def test_breakdown_parts_are_not_compared_with_totals():
    result = compare([KHOJALY_LIKE, A], WORDS)
    [b] = result["breakdowns"]
    assert (b["total"], b["parts"], b["sum"], b["status"], b["flag"]) == ("613", ["63", "106"], 169,
                                                                            "partial breakdown", False)
    killed = result["types"][0]
    parts = {v["label"]: v["reports"][0]["part_of"] for v in killed["values"]}
    assert parts == {"613": None, "63": "613", "106": "613", "200": None, "150": None}
    compared = {c["a"] for c in killed["comparisons"]} | {c["b"] for c in killed["comparisons"]}
    assert "63" not in compared and "106" not in compared and "613" in compared


@pytest.mark.parametrize("text,facts,status,flag", [
    ("150 were wounded, of whom 100 men and 50 women.",
     [("injured", "150", 150, None), ("injured", "100", 100, None), ("injured", "50", 50, None)],
     "parts add up to total", False),
    ("150 were wounded, of whom 100 men and 40 women.",
     [("injured", "150", 150, None), ("injured", "100", 100, None), ("injured", "40", 40, None)],
     "parts do not add up to total", True),
    ("150 were wounded, including 100 men and 70 women.",
     [("injured", "150", 150, None), ("injured", "100", 100, None), ("injured", "70", 70, None)],
     "parts exceed total", True),
    ("More than 150 were wounded, of whom 100 men and 70 women.",
     [("injured", "More than 150", 150, "MORE_THAN"), ("injured", "100", 100, None), ("injured", "70", 70, None)],
     "parts add up to total", False),
    ("150 were killed.\nIncluding 30 children, the victims were buried.",
     [("killed", "150", 150, None), ("killed", "30", 30, None)], "partial breakdown", False),
])
def test_breakdown_check(text, facts, status, flag):
    [b] = compare([record("x", text, facts)], WORDS)["breakdowns"]
    assert (b["status"], b["flag"]) == (status, flag)


def test_no_breakdown_without_a_breakdown_word():
    rec = record("x", "150 were killed and 30 were killed later.", [("killed", "150", 150, None), ("killed", "30", 30, None)])
    assert compare([rec], WORDS)["breakdowns"] == []


def test_csv_and_jsonl():
    result = compare([A, B, C], WORDS)
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert len(rows) == 6
    assert {(r["type"], r["label"], r["doc_id"]) for r in rows if r["type"] == "killed"} == {
        ("killed", "150", "a"), ("killed", "150", "b"), ("killed", "134", "b"), ("killed", "131", "c")}
    lines = [json.loads(line) for line in to_jsonl(result).splitlines()]
    assert [line["type"] for line in lines if line["kind"] == "type"] == ["killed", "injured"]


def test_plot_writes_png(tmp_path):
    out = write_plot(compare([A, B, C, KHOJALY_LIKE], WORDS), tmp_path / "figures.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_compare(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (A, B, C)), encoding="utf-8")
    runner = CliRunner()
    table = runner.invoke(app, ["compare", str(path)], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert "134" in table.output and "131" in table.output and "exact" in table.output
    as_csv = runner.invoke(app, ["compare", str(path), "--csv", "--plot", str(tmp_path / "p.png")])
    assert as_csv.exit_code == 0 and as_csv.stdout.splitlines()[0].startswith("type,value,mod")
    assert (tmp_path / "p.png").exists()
