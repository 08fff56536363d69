"""The five bundled statements run end to end into valid records; quality stays above the floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.api import load_records
from pipeline.scoring import evaluate, evaluate_by_genre, headline
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


def _below(scores: dict, floors: dict) -> dict:
    """Floors a score falls under; a floor whose score has nothing to judge (None) fails too."""
    return {k: (None if scores[k] is None else round(scores[k], 3), floor)
            for k, floor in floors.items() if not isinstance(floor, dict)
            and (scores[k] is None or scores[k] < floor)}


@pytest.mark.parametrize("corpus", ["seeds", "dev"])
def test_quality_gate(corpus, seed_records, dev_records):
    gold_dir = ROOT / "tests" / "gold" / ("dev" if corpus == "dev" else "")
    _, pred = seed_records if corpus == "seeds" else dev_records
    below = _below(headline(evaluate(load_records(gold_dir), pred)), FLOORS[corpus])
    assert not below, f"scores below the floors in configs/quality_floors.toml: {below}"


def test_quality_gate_per_genre(dev_records):
    """[dev.<genre>] tables of quality_floors.toml hold per-genre floors of the dev set."""
    _, pred = dev_records
    per_genre = evaluate_by_genre(load_records(ROOT / "tests" / "gold" / "dev"), pred)
    genre_floors = {genre: floors for genre, floors in FLOORS["dev"].items() if isinstance(floors, dict)}
    assert set(genre_floors) == set(per_genre) - {"all"}, "every dev genre needs its floors, and only those"
    below = {genre: _below(per_genre[genre], floors) for genre, floors in genre_floors.items()}
    assert not any(below.values()), f"genre scores below their floors: {below}"
