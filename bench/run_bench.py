"""Benchmark batch runs (`make bench`); writes bench/RESULTS.md.

Builds corpora of N documents from inputs/*.txt (copies with a varied first
line, so every file has its own sha256) and measures, each in a fresh
subprocess so numbers do not leak between measurements:

* throughput of the full pipeline (read, all stages, emit, write) against
  spaCy's model alone (``nlp.pipe`` over the same texts, the model as installed),
  words per second, model load and warm-up excluded on both sides; for
  reference also the model as the pipeline runs it (attribute_ruler and
  lemmatizer behind their caches, pipeline/adapters/spacy_cache.py: same
  annotation, less time), which shows what Recount's own stages cost;
* wall time of ``recount run`` with 1 and 2 workers (outputs must be identical);
* peak RSS (ru_maxrss of the largest process: the parent or a worker) at two
  corpus sizes; flat memory means the larger run peaks within 10% of the smaller;
* time to the first record on stdout, and ``recount --help`` time;
* scale (issue 13), on one corpus of ``--scale-n`` documents, alternated rounds, the
  fastest of each: one process; two ``--shard I/2`` processes side by side and
  ``recount merge``; ``--dask local:2``. Outputs must be byte-identical; peak RSS of
  each shard process (``os.wait4``) and of each Dask worker (the run's own note);
* export (issue 13): bench/export_bench.py on 10,000 records cycled from that run's
  output, each format against reading the records back with ``json``.

``--quick`` uses small corpora to try the script (2 minutes); the default
(N=1,000 and N=10,000 for peak RSS, N=1,000 for scale) takes about 20 minutes on
2 cores, most of it the N=10,000 run; ``--rss-n 1000 3000`` takes 12.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RECOUNT = str(Path(PYTHON).parent / "recount")
GOALS = {"ratio_model": 0.85, "speedup_2w": 1.7, "rss_growth": 0.10, "help_s": 0.3, "scale": 1.7, "export": 2.0}
SCALE_ROUNDS = 2
# Throughput runs of each side, alternated; the fastest of each counts (noise on a
# shared machine only ever slows a run down).
REPEATS = 3


# -- corpus ------------------------------------------------------------------

def build_corpus(folder: Path, n: int) -> int:
    """N documents cycling through the seeds (inputs/*.txt) and the dev-set statements
    (tests/dev_inputs/*.txt: twelve genres), each with its own first line; returns words."""
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "inputs").glob("*.txt"))]
    sources += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "dev_inputs").glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        text = f"Reference {i + 1:05d}/{len(sources)}.\n" + sources[i % len(sources)]
        (folder / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


# -- children (run in a fresh interpreter) -----------------------------------

def child_pipeline(corpus: str, out: str) -> dict:
    from pipeline.api import run_files

    first = sorted(Path(corpus).glob("*.txt"))[0]
    run_files([str(first)], Path(out))  # loads the model, dateparser, quantulum3
    start, cpu = time.perf_counter(), time.process_time()
    summary = run_files([corpus], Path(out))
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "documents": summary.documents}


def child_model(corpus: str, variant: str = "stock") -> dict:
    import spacy

    from pipeline.adapters.spacy_cache import cache_components
    from pipeline.config import load_config

    config = load_config()
    nlp = spacy.load(config.parse.model)
    if variant == "cached":
        cache_components(nlp)
    files = sorted(Path(corpus).glob("*.txt"))
    nlp(files[0].read_text(encoding="utf-8"))
    start, cpu = time.perf_counter(), time.process_time()
    texts = (f.read_text(encoding="utf-8") for f in files)
    count = sum(1 for _ in nlp.pipe(texts, batch_size=config.parse.batch_size))
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "documents": count}


def child_rss(corpus: str, out: str, workers: str) -> dict:
    from pipeline.cli import app

    start = time.perf_counter()
    app(["run", corpus, "-o", out, "--workers", workers], standalone_mode=False)
    return {"seconds": time.perf_counter() - start,
            "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}


def in_child(*args: str) -> dict:
    done = subprocess.run([PYTHON, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- measurements ------------------------------------------------------------

def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def timed_run(cmds: list[list[str]]) -> tuple[float, list[int], list[str]]:
    """Start ``cmds`` side by side and wait for all: (wall seconds, peak RSS of each in
    KiB from os.wait4, stderr of each); SystemExit if one fails."""
    logs = [tempfile.TemporaryFile(mode="w+") for _ in cmds]  # files, not pipes: nobody waits on a full pipe
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log) for cmd, log in zip(cmds, logs)]
    peaks, statuses = [], []
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        statuses.append(proc.returncode)
        peaks.append(usage.ru_maxrss)
    seconds = time.perf_counter() - start
    errors = []
    for log in logs:
        log.seek(0)
        errors.append(log.read())
        log.close()
    for cmd, status, err in zip(cmds, statuses, errors):
        if status != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return seconds, peaks, errors


def scale(corpus: Path, work: Path, rounds: int) -> dict:
    """One process, two shards + merge, and --dask local:2 over ``corpus``, alternated
    ``rounds`` times; the fastest of each, every round's times, byte identity and peaks."""
    out = {k: work / f"scale_{k}.jsonl" for k in ("one", "merged", "dask")}
    parts = [work / f"scale_part{i}.jsonl" for i in range(2)]
    times: dict[str, list[float]] = {"one": [], "shards": [], "dask": []}
    r: dict = {}
    for _ in range(rounds):
        seconds, peaks, _ = timed_run([[RECOUNT, "run", str(corpus), "-o", str(out["one"])]])
        times["one"].append(seconds)
        r["one_rss_kb"] = peaks[0]
        seconds, peaks, _ = timed_run([[RECOUNT, "run", str(corpus), "--shard", f"{i}/2", "-o", str(part)]
                                       for i, part in enumerate(parts)])
        seconds += wall([RECOUNT, "merge", *map(str, parts), "-o", str(out["merged"])])
        times["shards"].append(seconds)
        r["shard_rss_kb"] = peaks
        seconds, _, errors = timed_run([[RECOUNT, "run", str(corpus), "--dask", "local:2", "-o", str(out["dask"])]])
        times["dask"].append(seconds)
        r["dask_rss"] = [line.split("note: ", 1)[-1] for line in errors[0].splitlines() if "peak RSS" in line]
        one = out["one"].read_bytes()
        r["same_bytes"] = r.get("same_bytes", True) and one == out["merged"].read_bytes() == out["dask"].read_bytes()
    r["times"] = times
    r.update({k: min(v) for k, v in times.items()})
    return r


def help_time(repeat: int = 7) -> tuple[float, float]:
    times = [wall([RECOUNT, "--help"]) for _ in range(repeat)]
    return min(times), statistics.median(times)


def first_record(corpus: Path, workers: int) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([RECOUNT, "run", str(corpus), "--workers", str(workers)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.terminate()
    proc.wait()
    if not line.startswith("{"):
        raise SystemExit("no record on stdout")
    return elapsed


def machine() -> dict:
    cpu = "unknown"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    import spacy

    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "spacy": spacy.__version__, "platform": platform.platform()}


def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small corpora, to try the script")
    parser.add_argument("--throughput-n", type=int, default=300, help="documents for throughput and workers")
    parser.add_argument("--rss-n", type=int, nargs=2, default=[1000, 10000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--rss-workers", type=int, default=2)
    parser.add_argument("--scale-n", type=int, default=1000, help="documents for shards, Dask and export")
    parser.add_argument("--scale-rounds", type=int, default=SCALE_ROUNDS)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        result = {"pipeline": child_pipeline, "model": child_model, "rss": child_rss}[mode](*rest)
        print(json.dumps(result))
        return
    if args.quick:
        args.throughput_n, args.rss_n, args.scale_n, args.scale_rounds = 100, [100, 300], 100, 1
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="recount-bench-"))
    try:
        results = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["total_s"] = time.perf_counter() - began
    # the dated sections written by hand below the generated table ("## ...") are kept
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    history = old[old.index("\n## "):] if "\n## " in old else ""
    args.out.write_text(report(args, results) + history, encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


def measure(args, work: Path) -> dict:
    r: dict = {"machine": machine()}
    tp = work / f"corpus{args.throughput_n}"
    r["tp_words"] = build_corpus(tp, args.throughput_n)
    print(f"corpus of {args.throughput_n} documents, {r['tp_words']} words", file=sys.stderr)
    r["help_min"], r["help_median"] = help_time()
    r["first_1w"] = first_record(tp, 1)
    r["first_2w"] = first_record(tp, 2)
    print("help and first record done", file=sys.stderr)
    runs: dict[str, list[dict]] = {"pipeline": [], "model": [], "model_cached": []}
    for _ in range(REPEATS):
        runs["model"].append(in_child("model", str(tp)))
        runs["pipeline"].append(in_child("pipeline", str(tp), str(work / "tp.jsonl")))
        runs["model_cached"].append(in_child("model", str(tp), "cached"))
    for side, done in runs.items():
        r[side] = min(done, key=lambda x: x["seconds"])
    print("throughput done", file=sys.stderr)
    r["wall_1w"] = wall([RECOUNT, "run", str(tp), "-o", str(work / "w1.jsonl"), "--workers", "1"])
    r["wall_2w"] = wall([RECOUNT, "run", str(tp), "-o", str(work / "w2.jsonl"), "--workers", "2"])
    r["same_bytes"] = (work / "w1.jsonl").read_bytes() == (work / "w2.jsonl").read_bytes()
    print("workers done", file=sys.stderr)
    r["rss"] = {}
    for n in args.rss_n:
        corpus = work / f"rss{n}"
        build_corpus(corpus, n)
        r["rss"][n] = in_child("rss", str(corpus), str(work / f"rss{n}.jsonl"), str(args.rss_workers))
        shutil.rmtree(corpus)
        print(f"rss at {n} done: {r['rss'][n]}", file=sys.stderr)
    corpus = work / f"scale{args.scale_n}"
    r["scale_words"] = build_corpus(corpus, args.scale_n)
    r["scale"] = scale(corpus, work, args.scale_rounds)
    print(f"scale done: {r['scale']['times']}", file=sys.stderr)
    done = subprocess.run([PYTHON, str(ROOT / "bench" / "export_bench.py"), "--json",
                           str(work / "scale_one.jsonl")], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"export_bench failed:\n{done.stderr}")
    r["export"] = json.loads(done.stdout.strip().splitlines()[-1])
    print("export done", file=sys.stderr)
    return r


def report(args, r: dict) -> str:
    m = r["machine"]
    words = r["tp_words"]
    pipe_wps = words / r["pipeline"]["seconds"]
    model_wps = words / r["model"]["seconds"]
    ratio = pipe_wps / model_wps
    cached_wps = words / r["model_cached"]["seconds"]
    speedup = r["wall_1w"] / r["wall_2w"]
    small, large = args.rss_n
    peak = {n: max(v["self_kb"], v["children_kb"]) / 1024 for n, v in r["rss"].items()}
    growth = peak[large] / peak[small] - 1
    command = " ".join(["python bench/run_bench.py", *sys.argv[1:]])
    rows = [
        ("pipeline throughput (1 process, steady state)", f"{pipe_wps:,.0f} words/s", "", ""),
        ("spaCy model alone (nlp.pipe, same texts)", f"{model_wps:,.0f} words/s", "", ""),
        ("pipeline / model alone", f"{ratio:.2f}x", f">= {GOALS['ratio_model']}x", mark(ratio >= GOALS["ratio_model"])),
        ("model as the pipeline runs it (two components cached)", f"{cached_wps:,.0f} words/s", "", ""),
        ("pipeline / model as the pipeline runs it", f"{pipe_wps / cached_wps:.2f}x", "", ""),
        (f"`recount run` wall, 1 worker ({args.throughput_n} docs)", f"{r['wall_1w']:.1f} s", "", ""),
        (f"`recount run` wall, 2 workers ({args.throughput_n} docs)", f"{r['wall_2w']:.1f} s", "", ""),
        ("2 workers / 1 worker speed-up", f"{speedup:.2f}x", f">= {GOALS['speedup_2w']}x", mark(speedup >= GOALS["speedup_2w"])),
        ("1 and 2 workers write identical bytes", str(r["same_bytes"]), "True", mark(r["same_bytes"])),
        (f"peak RSS at N={small:,} ({args.rss_workers} workers)", f"{peak[small]:.0f} MB", "", ""),
        (f"peak RSS at N={large:,} ({args.rss_workers} workers)", f"{peak[large]:.0f} MB", "", ""),
        (f"peak RSS growth N={small:,} -> N={large:,}", f"{growth:+.1%}", f"<= +{GOALS['rss_growth']:.0%}",
         mark(growth <= GOALS["rss_growth"])),
        ("time to first record (stdout), 1 worker", f"{r['first_1w']:.2f} s", "", ""),
        ("time to first record (stdout), 2 workers", f"{r['first_2w']:.2f} s", "", ""),
        ("`recount --help` (min / median of 7)", f"{r['help_min']:.3f} / {r['help_median']:.3f} s",
         f"< {GOALS['help_s']} s", mark(r["help_median"] < GOALS["help_s"])),
    ]
    sc, ex = r["scale"], r["export"]
    n = f"{args.scale_n:,} docs"
    rows += [
        (f"`recount run` wall, one process ({n})", f"{sc['one']:.1f} s", "", ""),
        (f"two `--shard I/2` processes side by side + `recount merge` ({n})", f"{sc['shards']:.1f} s = "
         f"{sc['one'] / sc['shards']:.2f}x", f">= {GOALS['scale']}x", mark(sc["one"] / sc["shards"] >= GOALS["scale"])),
        (f"`--dask local:2` ({n})", f"{sc['dask']:.1f} s = {sc['one'] / sc['dask']:.2f}x", f">= {GOALS['scale']}x",
         mark(sc["one"] / sc["dask"] >= GOALS["scale"])),
        ("one process, merged shards and Dask write identical bytes", str(sc["same_bytes"]), "True",
         mark(sc["same_bytes"])),
        ("peak RSS: one process / each shard process",
         f"{sc['one_rss_kb'] / 1024:.0f} MiB / " + ", ".join(f"{k / 1024:.0f}" for k in sc["shard_rss_kb"]) + " MiB",
         "", ""),
        ("peak RSS of each Dask worker (the run's note)", "; ".join(x.split(": peak RSS ")[-1] for x in sc["dask_rss"]),
         "reported", mark(len(sc["dask_rss"]) == 2)),
        (f"`json` read of {ex['records']:,} records ({ex['megabytes']:.0f} MB, cycled from that run)",
         f"{ex['json_read']:.2f} s", "", ""),
    ]
    for fmt in ("duckdb", "parquet", "csv", "sqlite"):
        ratio_x = ex[fmt] / ex["json_read"]
        rows.append((f"`recount export --to {fmt}` / json read", f"{ex[fmt]:.2f} s = {ratio_x:.2f}x",
                     f"< {GOALS['export']}x", mark(ratio_x < GOALS["export"])))
    rss_rows = "\n".join(
        f"| {n:,} | {v['seconds']:.0f} s | {v['self_kb'] / 1024:.0f} MB | {v['children_kb'] / 1024:.0f} MB |"
        for n, v in r["rss"].items())
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    return f"""# Benchmark results

Command: `{command}` (`make bench`), total {r['total_s'] / 60:.1f} min.

Machine: {m['nproc']} CPUs, {m['cpu']}; Python {m['python']}, spaCy {m['spacy']}; {m['platform']}.

Corpus: copies of inputs/*.txt and tests/dev_inputs/*.txt with a varied first line;
throughput (fastest of {REPEATS} alternated runs of each side) and workers on
{args.throughput_n} documents ({words:,} words); peak RSS on N={small:,} and N={large:,}.

| measure | value | goal | met |
|---|---|---|---|
{table}

Peak RSS per run (ru_maxrss of the `recount run` process and of its largest worker):

| N | wall | parent | largest worker |
|---|---|---|---|
{rss_rows}

How: throughput excludes model load and warm-up on both sides (the pipeline
includes reading, every stage, record validation and writing). The pipeline runs
the model with its attribute_ruler and lemmatizer behind caches that give the
same annotation (pipeline/adapters/spacy_cache.py, tests/test_spacy_cache.py);
the goal compares with the model as installed, the line after it with the model
as the pipeline runs it (the cost of Recount's own stages). The worker
speed-up is end-to-end wall time of `recount run -o FILE`, start-up included;
peak RSS runs are separate processes. Scale: {args.scale_rounds} alternated round(s) of one
process, two shards + merge, and `--dask local:2`, on {args.scale_n:,} documents
({r['scale_words']:,} words), the fastest of each (every round: one {fmt_times(sc['times']['one'])},
shards {fmt_times(sc['times']['shards'])}, Dask {fmt_times(sc['times']['dask'])}); each
includes start-up, and Dask its cluster's start and shut-down. Export: `bench/export_bench.py`
on that run's records cycled to {ex['records']:,} (each export once, `json` read fastest of 3).
"""


def fmt_times(times: list[float]) -> str:
    return " / ".join(f"{t:.1f} s" for t in times)


if __name__ == "__main__":
    main()
