"""Pipeline throughput against spaCy's model alone, in CPU time of this process.

    python bench/cpu_ratio.py [N] [--dev]

N documents (default 150) cycling through inputs/*.txt (and tests/dev_inputs/*.txt with
--dev), each with its own first line. Both sides run twice in the same process after a
warm-up (model load excluded); the best of each is kept. CPU time (time.process_time), not
wall time, so other processes on a shared machine disturb the ratio less. Uses the code of
the working directory it is run from (the checkout on sys.path first).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    import spacy

    from pipeline.api import run_files
    from pipeline.config import load_config

    n = int(next((a for a in argv if a.isdigit()), 150))
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "inputs").glob("*.txt"))]
    if "--dev" in argv:
        texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "dev_inputs").glob("*.txt"))]
    folder = Path(tempfile.mkdtemp()) / "corpus"
    folder.mkdir()
    words = 0
    for i in range(n):
        text = f"Reference {i + 1:05d}.\n" + texts[i % len(texts)]
        (folder / f"d{i:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    out = folder.parent / "out.jsonl"
    files = sorted(folder.glob("*.txt"))
    run_files([str(files[0])], out)  # warm-up: model, lexicons, lazy imports
    config = load_config()
    nlp = spacy.load(config.parse.model)
    nlp("warm up")
    model, pipeline = [], []
    for _ in range(2):
        start = time.process_time()
        for _doc in nlp.pipe((f.read_text(encoding="utf-8") for f in files), batch_size=config.parse.batch_size):
            pass
        model.append(time.process_time() - start)
        start = time.process_time()
        run_files([str(folder)], out)
        pipeline.append(time.process_time() - start)
    m, p = min(model), min(pipeline)
    print(json.dumps({"documents": n, "words": words, "model_words_per_cpu_s": round(words / m),
                      "pipeline_words_per_cpu_s": round(words / p), "ratio": round(m / p, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
