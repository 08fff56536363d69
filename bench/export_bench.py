"""Export speed (issue 13): ``recount export`` of N records against reading them back with ``json``.

Builds N records by copying the records of ``RECORDS`` (default: a run of inputs/ into
a temporary file) under new doc_ids, then times, in this one process and run:

* reading the JSONL back with ``json.loads`` line by line (the baseline);
* ``pipeline.export.export`` to DuckDB, Parquet, SQLite and CSV.

Goal: export under 2x the json read. ``python bench/export_bench.py [--n 10000] [--json] [RECORDS]``
(``--json``: one JSON line of seconds instead of the text lines; bench/run_bench.py reads it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(records: Path, n: int, out: Path) -> int:
    """N records cycling through ``records``, each with its own doc_id; returns bytes written."""
    base = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    with out.open("w", encoding="utf-8") as handle:
        for i in range(n):
            record = dict(base[i % len(base)], doc_id=f"doc{i:06d}")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out.stat().st_size


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="?", type=Path)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print one JSON line of seconds")
    args = parser.parse_args()
    from pipeline.export import export

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = args.records
        if records is None:
            records = tmp / "seeds.jsonl"
            subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "inputs"), "-o", str(records)],
                           check=True, capture_output=True)
        corpus = tmp / "corpus.jsonl"
        size = build(records, args.n, corpus)

        def read_json():
            with corpus.open(encoding="utf-8") as handle:
                for line in handle:
                    json.loads(line)

        baseline = best_of(read_json)
        result = {"records": args.n, "megabytes": size / 1e6, "json_read": baseline}
        if not args.json:
            print(f"{args.n:,} records, {size / 1e6:.1f} MB; json read {baseline:.2f} s")
        for fmt, name in (("duckdb", "r.duckdb"), ("parquet", "pq"), ("sqlite", "r.sqlite"), ("csv", "csv")):
            seconds = result[fmt] = best_of(lambda: export([corpus], fmt, tmp / name), repeat=1)
            if not args.json:
                print(f"export {fmt:8s} {seconds:6.2f} s  = {seconds / baseline:.2f}x the json read")
        if args.json:
            print(json.dumps(result))


if __name__ == "__main__":
    main()
