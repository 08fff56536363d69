"""The five bundled statements run end to end into valid records; quality stays above the floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.api import load_records
from pipeline.scoring import evaluate
from pipeline.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
FLOORS = tomllib.loads((ROOT / "configs" / "quality_floors.toml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.model


def test_five_records_valid_with_exact_offsets(seed_records):
    path, records = seed_records
    assert validate_file(path) == (5, [])
    assert sorted(records) == sorted(p.stem for p in (ROOT / "inputs").glob("*.txt"))
    for record in records.values():
        original = (ROOT / "inputs" / f"{record['doc_id']}.txt").read_text(encoding="utf-8")
        assert record["text"] == original
        for layer in ("entities", "dates", "numbers"):
            for item in record[layer]:
                assert original[item["start"]:item["end"]] == item["text"]
        assert record["errors"] == []


def _headline(report: dict) -> dict[str, float]:
    return {
        "sentences_f1": report["sentences"]["f1"],
        "entities_strict_f1": report["entities"]["strict"]["micro"]["f1"],
        "dates_relaxed_f1": report["dates"]["relaxed"]["micro"]["f1"],
        "dates_value_accuracy": report["dates"]["value_accuracy"]["accuracy"],
        "numbers_strict_f1": report["numbers"]["strict"]["micro"]["f1"],
        "numbers_value_accuracy": report["numbers"]["value_accuracy"]["accuracy"],
        "facts_f1": report["facts"]["micro"]["f1"],
        "doc_date_accuracy": report["doc_date"]["accuracy"],
    }


@pytest.mark.parametrize("corpus", ["seeds", "dev"])
def test_quality_gate(corpus, seed_records, dev_records):
    gold_dir = ROOT / "tests" / "gold" / ("dev" if corpus == "dev" else "")
    _, pred = seed_records if corpus == "seeds" else dev_records
    scores = _headline(evaluate(load_records(gold_dir), pred))
    below = {k: (round(v, 3), FLOORS[corpus][k]) for k, v in scores.items() if v < FLOORS[corpus][k]}
    assert not below, f"scores below the floors in configs/quality_floors.toml: {below}"
