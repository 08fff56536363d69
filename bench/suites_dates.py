"""The dates layer on its dev suite, and what the dates stage costs beside the model.

Usage: python bench/suites_dates.py [--suites DIR] [--copies N]

1. Builds the Duckling-derived suites from ../shared/suites (build.py) into DIR (default a
   temporary folder), runs ``recount run DIR/dates --config configs/dates_only.toml`` and
   prints ``score.py dates`` for all registers, then news and chat (README of the suites).
2. Times the parse stage (spaCy) and the dates stage on N copies of inputs/*.txt and
   tests/dev_inputs/*.txt, after a warm-up, in this process: the dates stage's share of
   the model's time is what it takes from the pipeline's throughput.
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent.parent / "shared" / "suites"  # worktrees: /work/wt/NAME -> /work/shared
if not SHARED.is_dir():
    SHARED = ROOT.parent / "shared" / "suites"


def suite(out: Path) -> None:
    subprocess.run([sys.executable, str(SHARED / "build.py"), str(out)], check=True, stdout=subprocess.DEVNULL)
    records = out / "dates.jsonl"
    subprocess.run([sys.executable, "-m", "pipeline", "run", str(out / "dates"), "-o", str(records),
                    "--config", str(ROOT / "configs" / "dates_only.toml")], check=True, cwd=ROOT)
    subprocess.run([sys.executable, str(SHARED / "score.py"), "dates", str(records)], check=True)


def stage_cost(copies: int) -> None:
    sys.path.insert(0, str(ROOT))
    from pipeline.config import load_config
    from pipeline.io import document_from_bytes
    from pipeline.runner import build

    stages = build(load_config(ROOT / "configs" / "dates_only.toml"))
    files = sorted(glob.glob(str(ROOT / "inputs" / "*.txt")) + glob.glob(str(ROOT / "tests" / "dev_inputs" / "*.txt")))
    docs = [document_from_bytes(Path(f).read_bytes(), Path(f).name) for f in files] * copies
    seconds = {s.name: 0.0 for s in stages}
    for i, doc in enumerate(docs):
        for stage in stages:
            began = time.perf_counter()
            doc = stage(doc)
            if i >= len(files):  # the first copy warms up (model, dateparser, holiday tables)
                seconds[stage.name] += time.perf_counter() - began
    n = len(docs) - len(files)
    print(f"{n} documents: parse {seconds['parse']:.2f} s, dates {seconds['dates']:.2f} s "
          f"({seconds['dates'] / seconds['parse']:.1%} of the model's time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suites", type=Path, help="folder for the built suites (default: a temporary one)")
    parser.add_argument("--copies", type=int, default=3, help="copies of the texts for the stage timing")
    args = parser.parse_args()
    out = args.suites or Path(tempfile.mkdtemp(prefix="recount-dates-suite-"))
    suite(out)
    stage_cost(args.copies)


if __name__ == "__main__":
    main()
