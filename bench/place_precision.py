"""Place precision of the entities layer, with and without the place gazetteer.

    python bench/place_precision.py [GOLD_DIR] [INPUT...]
    (defaults: tests/gold/dev and tests/dev_inputs)

Runs the default pipeline twice over the inputs (once with `[parse] places` switched off)
and prints, for GPE and LOC entities: spurious ones (predicted, no gold entity with the same
start, end and label) per 1,000 words of the texts, with their strict precision and recall,
then the spurious places only the gazetteer run has, so each can be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ("GPE", "LOC")


def predict(config, sources: list[str]) -> dict[str, dict]:
    from pipeline.io import read_inputs
    from pipeline.runner import build, run
    from pipeline.stages.parse import _MODELS

    _MODELS.clear()
    stages = build(config)
    docs = [d for d in read_inputs(sources) if hasattr(d, "doc_id")]
    return {d.doc_id: {"text": d.text, "entities": d.entities} for d in run(stages, docs)}


def place_scores(gold: dict[str, dict], pred: dict[str, dict]) -> dict:
    """Spurious GPE/LOC per 1,000 words (words = white-space tokens of the gold texts)."""
    tp = fp = fn = words = 0
    spurious = []
    for doc_id, g in gold.items():
        if "entities" not in g:
            continue
        words += len(g["text"].split())
        gs = {(e["start"], e["end"], e["label"]) for e in g["entities"] if e["label"] in PLACES}
        ps = {(e["start"], e["end"], e["label"]) for e in pred.get(doc_id, {}).get("entities", [])
              if e["label"] in PLACES}
        tp += len(gs & ps)
        fn += len(gs - ps)
        fp += len(ps - gs)
        spurious += [(doc_id, g["text"][s:e], label) for s, e, label in sorted(ps - gs)]
    return {"words": words, "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "spurious_per_1000_words": 1000 * fp / words if words else 0.0, "spurious": spurious}


def main(argv: list[str]) -> int:
    from pipeline.api import load_records
    from pipeline.config import load_config
    from pipeline.io import collect_inputs

    gold_dir = Path(argv[0]) if argv else ROOT / "tests" / "gold" / "dev"
    inputs = argv[1:] or [str(ROOT / "tests" / "dev_inputs")]
    gold = {}
    for path in sorted(gold_dir.glob("*.jsonl")):
        gold.update(load_records(path))
    sources = collect_inputs(inputs)
    with_gaz = load_config()
    without = load_config()
    without.parse.places = None
    rows = {"with gazetteer": place_scores(gold, predict(with_gaz, sources)),
            "without gazetteer": place_scores(gold, predict(without, sources))}
    print(f"{'run':<20} {'words':>6} {'P':>6} {'R':>6} {'fp':>4} {'spurious/1000 words':>20}")
    for name, r in rows.items():
        print(f"{name:<20} {r['words']:>6} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['fp']:>4} "
              f"{r['spurious_per_1000_words']:>20.2f}")
    only = sorted(set(rows["with gazetteer"]["spurious"]) - set(rows["without gazetteer"]["spurious"]))
    print(f"\nspurious places only with the gazetteer ({len(only)}):")
    for doc_id, text, label in only:
        print(f"  {doc_id}\t{text!r}\t{label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
