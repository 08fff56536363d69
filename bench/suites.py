"""Run public test suites through Recount's numbers layer and score it.

Usage (from the repository root, with the project's Python)::

    python bench/suites.py quantulum [--errors] [--json]
    python bench/suites.py duckling [--register news|chat|all] [--errors] [--suites DIR]
    python bench/suites.py stage-time DIR

``quantulum``: quantulum3's own English test cases (MIT licence), read at run time
from the installed package (``quantulum3/_lang/en_US/tests/quantities.json`` and
``quantities.ambiguity.json``; nothing of them is copied into this repository).
Each case text goes through the whole default pipeline (so dates take what SPEC
gives them) and its numbers are scored against quantulum3's expected quantities,
mapped to SPEC:

* kind: quantulum3's ``dimensionless`` -> ``cardinal``, ``percentage`` -> ``percent``,
  a currency unit -> ``money``, anything else -> ``quantity``;
* unit: a currency's ISO 4217 code (quantulum3's ``currency_code``), a quantity's
  quantulum3 unit name, none for cardinals and percents; Recount's symbol and the
  expected unit are compared through quantulum3's catalogue (``unit_names``:
  Recount's "km2" stands for quantulum3's "square kilometre");
* left out of the score, and counted in the report: quantities whose unit is a unit
  of time (SPEC: durations belong to the dates layer), ranges (an ``uncertainty`` or a
  "between"/"to"/"-" surface: SPEC's numbers layer has no range value), and expected
  items that lie inside a span Recount's dates layer gave (years such as "in 1979").

Scores: relaxed span match (overlapping spans, each used once, largest overlap
first, as the Duckling suite's score.py does), span precision/recall/F1 (precision
is low by construction: quantulum3's cases do not list ordinals or spelled numbers
SPEC counts), and over matched items the accuracy of value (relative tolerance
1e-6), kind and unit (unit compared only for money and quantities, as symbol or
code strings).

``stage-time DIR``: the numbers stage alone (``NumbersStage.candidates``, no dates
given) over every ``*.txt`` in DIR, best of 3 runs, in ms per document: the cost this
stage adds to a pipeline run.

``duckling``: builds /work/shared/suites' Duckling numbers cases (or ``--suites DIR``)
into a temporary folder with its build.py, runs them through the pipeline and prints
its score.py report.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SUITES = Path("/work/shared/suites")
TIME_ENTITY = "time"
RANGE_SURFACE = re.compile(r"\d\s*[-–]\s*-?\d|\bto\b|\bbetween\b", re.IGNORECASE)


def quantulum_cases() -> list[dict]:
    """quantulum3's English test cases as shipped in the installed package:
    [{"req": text, "res": [{"value", "unit", "surface", ...}]}]. Raises
    FileNotFoundError when the package ships none."""
    import quantulum3

    folder = Path(quantulum3.__file__).parent / "_lang" / "en_US" / "tests"
    cases = []
    for name in ("quantities.json", "quantities.ambiguity.json"):
        path = folder / name
        if path.is_file():
            cases += json.loads(path.read_text(encoding="utf-8"))
    if not cases:
        raise FileNotFoundError(f"no quantulum3 test cases under {folder}")
    return cases


def _unit_info(name: str, entity: str | None = None) -> tuple[str, str | None, str]:
    """(entity, ISO code or unit name, SPEC kind) of a quantulum3 unit name; units
    quantulum3 builds on the fly ("dollar per hour") keep their name."""
    from quantulum3 import load

    unit = load.units("en_US").names.get(name)
    if name == "dimensionless":
        return "dimensionless", None, "cardinal"
    if unit is None:
        return entity or "unknown", name, "quantity"
    entity = unit.entity.name
    if name == "percentage":
        return entity, None, "percent"
    if entity == "currency":
        return entity, unit.currency_code or unit.name.lower(), "money"
    return entity, unit.name, "quantity"


def unit_names(unit: str | None) -> set[str]:
    """Every quantulum3 unit name a symbol, name or surface can stand for ("gal" ->
    {"gallon"}, "km2" -> {"square kilometre"}, "km/h" -> {"kilometre per hour"}),
    plus the string itself; an ISO code stands for itself."""
    from quantulum3 import load

    if unit is None:
        return {None}
    units = load.units("en_US")
    out = {unit}
    for variant in (unit, unit.replace("2", "²"), unit.replace("3", "³")):
        out |= {u.name for u in units.symbols.get(variant, ())}
        out |= {u.name for u in units.surfaces_lower.get(variant.lower(), ())}
        if variant in units.names:
            out.add(variant)
    power = re.fullmatch(r"(.+?)([23²³])", unit)
    if power:  # "km2" -> "square kilometre", "m3" -> "cubic metre"
        word = "square" if power.group(2) in "2²" else "cubic"
        out |= {f"{word} {name}" for name in unit_names(power.group(1)) if name}
    if "/" in unit:
        num, den = unit.split("/", 1)
        out |= {f"{a} per {b}" for a in unit_names(num) if a for b in unit_names(den) if b}
    return out


def quantulum_gold(case: dict) -> tuple[list[dict], dict[str, int]]:
    """SPEC-shaped gold items of one case and the count of items left out, by reason."""
    text = case["req"]
    gold, left_out = [], {"time": 0, "range": 0, "not found": 0}
    cursor = 0
    for res in case["res"]:
        surface = res["surface"]
        start = text.find(surface, cursor)
        if start < 0:
            start = text.find(surface)
        if start < 0:
            left_out["not found"] += 1
            continue
        cursor = start + len(surface)
        entity, unit, kind = _unit_info(res["unit"], res.get("entity"))
        if entity == TIME_ENTITY:
            left_out["time"] += 1
            continue
        if res.get("uncertainty") or RANGE_SURFACE.search(surface):
            left_out["range"] += 1
            continue
        gold.append({"start": start, "end": start + len(surface), "text": surface, "value": res["value"],
                     "kind": kind, "unit": unit})
    return gold, left_out


def run_pipeline(texts: dict[str, str]) -> dict[str, dict]:
    """doc_id -> {"numbers": [...], "dates": [...]} from the default pipeline."""
    from pipeline.config import load_config
    from pipeline.runner import build, run
    from pipeline.io import document_from_bytes

    stages = build(load_config())
    docs = [document_from_bytes(text.encode("utf-8"), f"{doc_id}.txt", doc_id=doc_id)
            for doc_id, text in texts.items()]
    return {doc.doc_id: {"numbers": doc.numbers, "dates": doc.dates} for doc in run(stages, docs)}


def _pairs(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    cand = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                cand.append((-overlap, abs(g["start"] - p["start"]), i, j))
    used_g, used_p, pairs = set(), set(), {}
    for _, _, i, j in sorted(cand):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs[i] = j
    return pairs


def _same(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def score_quantulum(errors: bool = False) -> dict:
    """Run and score quantulum3's cases; returns the figures (and prints errors if asked)."""
    cases = quantulum_cases()
    texts = {f"q{i:03d}": c["req"] for i, c in enumerate(cases)}
    records = run_pipeline(texts)
    totals = {"cases": len(cases), "gold": 0, "pred": 0, "matched": 0, "value": 0, "kind": 0,
              "unit": 0, "unit_scored": 0, "left_out": {"time": 0, "range": 0, "not found": 0, "in dates": 0}}
    lines = []
    for (doc_id, text), case in zip(texts.items(), cases):
        gold, left_out = quantulum_gold(case)
        for k, v in left_out.items():
            totals["left_out"][k] += v
        dates = records[doc_id]["dates"]
        kept = []
        for g in gold:
            if any(d["start"] < g["end"] and g["start"] < d["end"] for d in dates):
                totals["left_out"]["in dates"] += 1
            else:
                kept.append(g)
        pred = [p for p in records[doc_id]["numbers"]]
        pairs = _pairs(kept, pred)
        totals["gold"] += len(kept)
        totals["pred"] += len(pred)
        totals["matched"] += len(pairs)
        for i, g in enumerate(kept):
            if i not in pairs:
                lines.append(f"{doc_id}\tMISSED\t{g['text']!r}\t{g['value']} {g['kind']} {g['unit']}")
                continue
            p = pred[pairs[i]]
            ok_value, ok_kind = _same(p["value"], g["value"]), p["kind"] == g["kind"]
            totals["value"] += ok_value
            totals["kind"] += ok_kind
            if g["kind"] in ("money", "quantity"):
                totals["unit_scored"] += 1
                ok_unit = g["unit"] in unit_names(p["unit"])
                totals["unit"] += ok_unit
            else:
                ok_unit = True
            if not (ok_value and ok_kind and ok_unit):
                lines.append(f"{doc_id}\tWRONG\t{g['text']!r}\twant {g['value']} {g['kind']} {g['unit']}"
                             f"\tgot {p['text']!r} {p['value']} {p['kind']} {p['unit']}")
    m = totals["matched"]
    precision = m / totals["pred"] if totals["pred"] else 0.0
    recall = m / totals["gold"] if totals["gold"] else 0.0
    totals.update({
        "precision": round(precision, 3), "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "value_acc": round(totals["value"] / m, 3) if m else 0.0,
        "kind_acc": round(totals["kind"] / m, 3) if m else 0.0,
        "unit_acc": round(totals["unit"] / totals["unit_scored"], 3) if totals["unit_scored"] else 0.0,
    })
    if errors:
        totals["errors"] = lines
    return totals


def _print_quantulum(t: dict) -> None:
    lo = t["left_out"]
    print("quantulum3 test cases (installed package)")
    print(f"  cases {t['cases']}  gold scored {t['gold']}  (left out: time {lo['time']}, range {lo['range']}, "
          f"in dates {lo['in dates']}, surface not found {lo['not found']})")
    print(f"  relaxed P {t['precision']:.3f} R {t['recall']:.3f} F1 {t['f1']:.3f} (pred {t['pred']}, matched "
          f"{t['matched']})  value acc {t['value_acc']:.3f}  kind acc {t['kind_acc']:.3f}  "
          f"unit acc {t['unit_acc']:.3f} (over {t['unit_scored']})")
    for line in t.get("errors", []):
        print("  " + line)


def run_duckling(suites: Path, register: str, errors: bool) -> int:
    """Build, run and score the Duckling numbers suite; returns score.py's exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(suites / "build.py"), tmp], check=True, stdout=subprocess.DEVNULL)
        folder = Path(tmp) / "numbers"
        texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
        records = run_pipeline(texts)
        out = Path(tmp) / "records.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            for doc_id, text in texts.items():
                numbers = [{k: n[k] for k in ("start", "end", "text", "value", "kind", "unit", "mod")}
                           for n in records[doc_id]["numbers"]]
                fh.write(json.dumps({"doc_id": doc_id, "text": text, "numbers": numbers}, ensure_ascii=False) + "\n")
        cmd = [sys.executable, str(suites / "score.py"), "numbers", str(out)]
        if register != "all":
            cmd += ["--register", register]
        if errors:
            cmd.append("--errors")
        return subprocess.run(cmd).returncode


def stage_time(folder: Path) -> str:
    """Best-of-3 wall time of the numbers stage alone over ``folder``/*.txt."""
    import time

    from pipeline.config import load_config
    from pipeline.stages.numbers import NumbersStage

    stage = NumbersStage(**load_config().stage_options("numbers"))
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise FileNotFoundError(f"no *.txt in {folder}")
    stage.candidates(texts[0], [])  # first call reads the unit catalogue
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        count = sum(len(stage.candidates(text, [])) for text in texts)
        best = min(best, time.perf_counter() - start)
    return (f"numbers stage: {len(texts)} documents, {sum(map(len, texts))} characters, {count} numbers, "
            f"{best:.2f} s ({best / len(texts) * 1000:.2f} ms/document, best of 3)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="suite", required=True)
    q = sub.add_parser("quantulum", help="quantulum3's own test cases")
    q.add_argument("--errors", action="store_true")
    q.add_argument("--json", action="store_true")
    d = sub.add_parser("duckling", help="the Duckling-derived numbers suite")
    d.add_argument("--register", choices=["news", "chat", "all"], default="all")
    d.add_argument("--errors", action="store_true")
    d.add_argument("--suites", type=Path, default=DEFAULT_SUITES)
    t = sub.add_parser("stage-time", help="the numbers stage alone over a folder of .txt files")
    t.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.suite == "stage-time":
        print(stage_time(args.folder))
        return 0
    if args.suite == "quantulum":
        totals = score_quantulum(errors=args.errors)
        if args.json:
            print(json.dumps(totals, ensure_ascii=False, indent=1))
        else:
            _print_quantulum(totals)
        return 0
    return run_duckling(args.suites, args.register, args.errors)


if __name__ == "__main__":
    sys.exit(main())
