"""pipeline.compare on small hand-made records (no model)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare import (compare, compatibility, date_span, fold, incident_of_events, is_vague, label,
                              name_key, places_compatible, same_incident, value_range)
from pipeline.report_compare import to_csv, to_jsonl, write_plot

WORDS = {"partial": ["including"], "complete": ["of whom"]}


def record(doc_id: str, text: str, facts: list[tuple], date: str | None = "2024-01-20",
           events: list[dict] | None = None) -> dict:
    """A record whose facts are (type, number text, value, mod[, event[, part_of]]); one
    sentence per line; ``events`` are {"id", "name", "date", "place"} with span TEXTS."""
    sentences, pos = [], 0
    for line in text.split("\n"):
        sentences.append({"start": pos, "end": pos + len(line)})
        pos += len(line) + 1
    out, pos = [], 0
    for fact_type, number, value, mod, *link in facts:  # in text order
        start = text.index(number, pos)
        pos = start + len(number)
        out.append({"type": fact_type, "value": value, "mod": mod,
                    "number": {"start": start, "end": start + len(number)}, "trigger": None,
                    "event": link[0] if link else None, "part_of": link[1] if len(link) > 1 else None})

    def span(value):
        if value is None:
            return None
        at = text.find(value)
        return {"start": at, "end": at + len(value), "text": value}

    spans = [{"id": e["id"], "name": span(e.get("name")), "place": span(e.get("place")),
              "date": e.get("date") and {**span(e["date"][0]), "value": e["date"][1]}} for e in events or []]
    return {"doc_id": doc_id, "text": text, "doc_date": {"value": date, "start": 0, "end": 1} if date else None,
            "sentences": sentences, "facts": out, "events": spans if events is not None else None}


A = record("a", "On Black January, 20 January 1990, in Baku 150 civilians were killed and 744 people were injured.",
           [("killed", "150", 150, None, "e1"), ("injured", "744", 744, None, "e1")], "2024-01-19",
           [{"id": "e1", "name": "Black January", "date": ("20 January 1990", "1990-01-20"), "place": "Baku"}])
B = record("b", "In the 20 January Tragedy some 150 people were killed.\n134 citizens were killed, and more than "
                "600 people were injured. Today thousands attended the ceremony.",
           [("killed", "150", 150, None, "e1"), ("killed", "134", 134, None, "e1"),
            ("injured", "more than 600", 600, "MORE_THAN", "e1"), ("participants", "thousands", 1000, "AT_LEAST", "e2")],
           "2023-01-20",
           [{"id": "e1", "name": "20 January Tragedy", "date": ("20 January", "1990-01-20")},
            {"id": "e2", "date": ("Today", "2023-01-20")}])
C = record("c", "In January 1990 in Baku city 131 civilians were killed.", [("killed", "131", 131, None, "e1")], None,
           [{"id": "e1", "date": ("January 1990", "1990-01"), "place": "Baku city"}])
K = record("k", "In the Khojaly genocide of February 1992, 613 people, including 63 children, were killed.",
           [("killed", "613", 613, None, "e1"), ("killed", "63", 63, None, "e1", 0)], "2024-02-26",
           [{"id": "e1", "name": "Khojaly genocide", "date": ("February 1992", "1992-02"), "place": "Khojaly"}])


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


def _incident(result, doc_id, event="e1"):
    return incident_of_events(result)[(doc_id, event)]


def _group(result, incident, fact_type):
    inc = next(i for i in result["incidents"] if i["incident"] == incident)
    return next(g for g in inc["types"] if g["type"] == fact_type)


def test_baku_reports_form_one_incident_with_low_best_high():
    result = compare([A, B, C, K], WORDS)
    baku = _incident(result, "a")
    assert _incident(result, "b") == _incident(result, "c") == baku
    assert _incident(result, "k") != baku and _incident(result, "b", "e2") != baku  # other incident, ceremony
    killed = _group(result, baku, "killed")
    assert sorted(r["value"] for r in killed["reports"]) == [131, 134, 150, 150]
    assert (killed["low"], killed["best"], killed["high"], killed["conservative"]) == (131, 150, 150, 131)
    assert killed["dscore"] == 2 and killed["sources"] == 3
    assert {(c["a"], c["b"], c["rule"]) for c in killed["conflicts"]} == {
        ("150", "134", "exact"), ("150", "131", "exact"), ("134", "131", "exact")}
    injured = _group(result, baku, "injured")
    assert injured["conflicts"] == [] and injured["dscore"] == 1  # 744 and "more than 600" both hold


def test_parts_are_listed_never_compared_and_never_counted():
    result = compare([K, A], WORDS)
    killed = _group(result, _incident(result, "k"), "killed")
    assert [(r["label"], r["part_of"]) for r in killed["reports"]] == [("613", None), ("63", "613")]
    assert (killed["low"], killed["high"], killed["dscore"], killed["conflicts"]) == (613, 613, 0, [])
    [b] = result["breakdowns"]
    assert (b["total"], b["parts"], b["status"], b["flag"]) == ("613", ["63"], "partial breakdown", False)


def test_vague_magnitudes_count_only_without_a_precise_figure():
    crowd = _group(compare([B]), _incident(compare([B]), "b", "e2"), "participants")
    assert (crowd["low"], crowd["best"], crowd["high"]) == (1000, 1000, 1000)
    vague_and_precise = record("v", "Hundreds were killed; 150 were killed.",
                               [("killed", "Hundreds", 100, "AT_LEAST", "e1"), ("killed", "150", 150, None, "e1")],
                               events=[{"id": "e1"}])
    killed = compare([vague_and_precise])["incidents"][0]["types"][0]
    assert (killed["low"], killed["best"], killed["high"]) == (150, 150, 150)


def test_best_ties_go_to_the_most_recent_document():
    old = record("o", "In Baku 40 were killed.", [("killed", "40", 40, None, "e1")], "2020-01-01",
                 [{"id": "e1", "place": "Baku", "date": ("Baku", "1990-01-20")}])
    new = record("n", "In Baku 41 were killed.", [("killed", "41", 41, None, "e1")], "2021-01-01",
                 [{"id": "e1", "place": "Baku", "date": ("Baku", "1990-01-20")}])
    killed = compare([old, new])["incidents"][0]["types"][0]
    assert killed["best"] == 41


def test_figures_of_one_statement_are_not_a_conflict():
    killed = _group(compare([B]), _incident(compare([B]), "b"), "killed")
    assert killed["dscore"] == 1 and killed["conflicts"] == []


def test_facts_without_an_event_stay_with_their_document():
    loose_a = record("x", "150 were killed.", [("killed", "150", 150, None)], events=[])
    loose_b = record("y", "134 were killed.", [("killed", "134", 134, None)], events=[])
    result = compare([loose_a, loose_b])
    assert _incident(result, "x", None) != _incident(result, "y", None)


@pytest.mark.parametrize("a, b, rule", [
    ({"name": "Black January"}, {"name": "black january"}, "name"),
    ({"name": "20 January Tragedy"}, {"name": "the tragedy of January 20th"}, "name"),
    ({"date": "1990-01-20", "place": "Baku"}, {"date": "1990-01", "place": "Baku city"}, "date+place"),
    ({"date": "1990-01-19/1990-01-20"}, {"date": "1990-01-20", "place": "Baku"}, "date+place"),
    ({"date": "1990-01-20", "place": "Baku"}, {"date": "1990-01-20", "place": "Sumgait"}, None),
    ({"date": "1990-01-20"}, {"date": "2024-01-20"}, None),
    ({"name": "Khojaly genocide", "date": "1992-02"}, {"name": "Black January", "date": "1990-01"}, None),
    ({"place": "Baku"}, {"place": "Baku"}, None),  # a place alone is not an incident
    # without a place on one side, a decade or a year is too vague; a month is enough
    ({"date": "198X", "place": "Armenia"}, {"date": "1988-02/1988-09"}, None),
    ({"date": "1990", "place": "Baku"}, {"date": "1990-01-20"}, None),
    ({"date": "1990-01", "place": "Baku"}, {"date": "1990-01-20"}, "date+place"),
    # a place the other document mentions joins on days, not on a month
    ({"date": "2025-03-15", "place": "Dockside", "mentions": ["Port Elwin"]},
     {"date": "2025-03-15", "place": "Port Elwin"}, "date+place"),
    ({"date": "2023-09", "place": "Greece"},
     {"date": "2023-09-10/2023-09-11", "place": "Derna", "mentions": ["Greece"]}, None),
    ({"date": "2025-03-15", "place": "Dockside"}, {"date": "2025-03-15", "place": "Port Elwin"}, None),
])
def test_same_incident_rules(a, b, rule):
    def event(spec, doc):
        return {"id": "e1", "doc_id": doc, "name": spec.get("name") and {"text": spec["name"]},
                "place": spec.get("place") and {"text": spec["place"]},
                "date": spec.get("date") and {"value": spec["date"]},
                "doc_places": frozenset(fold(p) for p in spec.get("mentions", []) + [spec.get("place")] if p)}
    assert same_incident(event(a, "d1"), event(b, "d2")) == rule


@pytest.mark.parametrize("value, first, last", [
    ("1990-01-20", "1990-01-20", "1990-01-20"), ("1990-01", "1990-01-01", "1990-01-31"),
    ("1990", "1990-01-01", "1990-12-31"), ("198X", "1980-01-01", "1989-12-31"),
    ("2016-W46", "2016-11-14", "2016-11-20"), ("1990-01-19/1990-01-20", "1990-01-19", "1990-01-20"),
    ("2023-01-20T16:23", "2023-01-20", "2023-01-20"),
])
def test_date_span(value, first, last):
    assert tuple(d.isoformat() for d in date_span(value)) == (first, last)


@pytest.mark.parametrize("value", ["P34Y", "PRESENT_REF", "XXXX-01-20", None, "1990-02-30"])
def test_date_span_of_no_calendar_time(value):
    assert date_span(value) is None


def test_name_key_and_places():
    assert name_key("January 20 events") != name_key("20 January Tragedy")
    assert name_key("the Khojaly genocide") == name_key("Khojaly Genocide")
    assert places_compatible("Kramatorsk", "Kramatorsk railway station") and places_compatible(None, "Baku")
    assert not places_compatible("Derna", "Benghazi")


def test_csv_and_jsonl():
    result = compare([A, B, C], WORDS)
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert len(rows) == 7
    killed = [r for r in rows if r["type"] == "killed"]
    assert {(r["label"], r["doc_id"]) for r in killed} == {("150", "a"), ("150", "b"), ("134", "b"), ("131", "c")}
    assert {r["low"] for r in killed} == {"131"} and {r["conflict"] for r in killed} == {"True"}
    lines = [json.loads(line) for line in to_jsonl(result).splitlines()]
    assert set(lines[0]) == {"incident", "name", "date", "place", "type", "reports", "low", "best", "high",
                             "conservative", "sources", "dscore", "conflicts"}
    assert to_csv(result, excel=True).startswith("\ufeffincident,")


def test_plot_writes_png(tmp_path):
    out = write_plot(compare([A, B, C, K], WORDS), tmp_path / "figures.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_compare(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (A, B, C)), encoding="utf-8")
    runner = CliRunner()
    table = runner.invoke(app, ["compare", str(path)], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert "134" in table.output and "131" in table.output and "exact" in table.output
    as_csv = runner.invoke(app, ["compare", str(path), "--csv", "--plot", str(tmp_path / "p.png")])
    assert as_csv.exit_code == 0 and as_csv.stdout.splitlines()[0].startswith("incident,name")
    assert (tmp_path / "p.png").exists()
    as_jsonl = runner.invoke(app, ["compare", str(path), "--jsonl"])
    assert as_jsonl.exit_code == 0 and json.loads(as_jsonl.stdout.splitlines()[0])["type"] == "killed"


@pytest.mark.parametrize("value, stamp", [
    ("1990-01-20", "1990-01"), ("1990-01-20T09:00", "1990-01"), ("1990-01-20/1990-01-21", "1990-01"),
    ("1990-01", "1990-01"), ("2025-W37", "2025-W37"), ("198X", "198X"), ("2016-SU", "2016-SU"),
    ("1990", "1990"), (None, None), ("PRESENT_REF", None), ("P3D", None),
])
def test_the_date_part_of_an_incident_id(value, stamp):
    from pipeline.compare import _id_date

    assert _id_date(value) == stamp
