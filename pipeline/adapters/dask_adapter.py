"""The one place Dask (``distributed``) is used: ``recount run --dask ADDRESS|local[:N]``.

One task per shard (io.shard_of): each task runs ``runner.run_corpus`` with
``--shard I/N`` semantics into its own part file ``OUT.parts/part-I-of-N.jsonl``
(always resuming that part, so a task that Dask re-runs after its worker died
continues where it stopped), and returns a JSON summary. Tasks carry only
paths and strings; the pipeline is built once per worker process and kept
(``reuse_stages``). When every task is done the parts are merged
(io.merge_outputs) into exactly the bytes of one unsharded run, and removed.

Inputs, configuration and output must be visible to every worker under the same
paths (a shared filesystem, or ``local``); relative paths are resolved against
the directory ``recount`` was started in, and records keep them as given.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError


def _task(inputs: list[str], part: str, config: Optional[str], shard: str, base: str) -> dict:
    """Run one shard on a worker; returns its summary as plain data, with the worker's
    address and its peak resident memory so far (``ru_maxrss``, KiB on Linux)."""
    import resource

    from distributed import get_worker

    from ..io import parse_shard
    from ..runner import run_corpus

    if os.getcwd() != base:
        os.chdir(base)
    summary = run_corpus(inputs, Path(part), Path(config) if config else None, resume=True,
                         shard=parse_shard(shard), reuse_stages=True)
    notes = [n for n in summary.notes if not n.startswith("resume: 0 records kept from (nothing)")]
    return {"documents": summary.documents, "resumed": summary.resumed, "failed": summary.failed,
            "bad_lines": summary.bad_lines, "warnings": summary.warnings,
            "notes": [f"shard {shard}: {n}" for n in notes],
            "workers": [(get_worker().address, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)]}


def connect(address: str) -> tuple[Any, Any]:
    """``local`` / ``local:N`` (a LocalCluster of N single-threaded worker processes,
    default 2) or a scheduler address -> (client, cluster or None)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--dask needs the dask extra: pip install 'recount[dask]'") from None
    match = re.fullmatch(r"local(?::(\d+))?", address)
    if match:
        workers = int(match[1] or 2)
        if workers < 1:
            raise InputError(f"--dask {address}: need at least 1 worker")
        import dask

        # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (distributed.yaml,
        # nanny.pre-spawn-environ): a fixed trim threshold also fixes glibc's mmap
        # threshold, and the pipeline's many short-lived allocations then cost a shard
        # about 10% more time (one shard of 240 statements: 14.9 s against 13.7 s). The
        # thread limits Dask sets are kept. Nor do the workers sample the task's stack
        # every 10 ms (the statistical profiler behind Dask's dashboard, unused here).
        # Workers are forked from a fresh forkserver process, where the platform has one
        # (Linux, macOS), rather than spawned: a LocalCluster of 2 starts in 0.5 s either
        # way but shuts down in 0.03 s instead of 0.25 s (240 statements, this machine).
        environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
                   if k != "MALLOC_TRIM_THRESHOLD_"}
        settings = {"distributed.nanny.pre-spawn-environ": environ, "distributed.worker.profile.enabled": False}
        if "forkserver" in multiprocessing.get_all_start_methods():
            settings["distributed.worker.multiprocessing-method"] = "forkserver"
        with dask.config.set(settings):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        return Client(cluster), cluster
    return Client(address), None


def parts_dir(output: Path) -> Path:
    """The folder of a Dask run's shard outputs: ``OUT.parts`` next to ``OUT``."""
    return output.with_name(output.name + ".parts")


def submit_shards(client: Any, inputs: list[str], output: Path, config: Optional[Path], count: int,
                  resume: bool = False) -> tuple[list[Any], list[Path]]:
    """Submit one task per shard; returns (futures, part paths). Without ``resume``
    earlier parts are removed; parts of another shard count are always removed."""
    folder = parts_dir(output)
    if folder.exists() and not resume:
        shutil.rmtree(folder)
    folder.mkdir(exist_ok=True)
    parts = [folder / f"part-{i}-of-{count}.jsonl" for i in range(count)]
    for stale in folder.iterdir():
        if not any(stale.name in (p.name, p.name + ".partial") for p in parts):
            stale.unlink()
    base = os.getcwd()
    futures = [client.submit(_task, list(inputs), str(part), str(config) if config else None, f"{i}/{count}",
                             base, key=f"recount-shard-{i}-of-{count}-{os.getpid()}", pure=False)
               for i, part in enumerate(parts)]
    return futures, parts


def collect(client: Any, futures: list[Any], parts: list[Path], output: Path,
            timeout: Optional[float] = None) -> dict:
    """Wait for every shard (at most ``timeout`` seconds, then TimeoutError), merge the
    parts into ``output``, remove them; the summed summary (bad JSONL lines come from
    shard 0 only, io.in_shard), whose notes end with each worker's peak RSS ("dask
    worker ADDRESS: peak RSS N MiB", the largest its tasks reported)."""
    from distributed import wait

    from ..io import merge_outputs

    wait(futures, timeout=timeout)
    results = client.gather(futures)
    merge_outputs(parts, output)
    shutil.rmtree(parts_dir(output), ignore_errors=True)
    total: dict = {"documents": 0, "resumed": 0, "failed": [], "bad_lines": [], "warnings": [], "notes": [],
                   "workers": []}
    for result in results:
        for key, value in result.items():
            total[key] += value
    peaks: dict[str, int] = {}
    for address, kib in total.pop("workers"):
        peaks[address] = max(peaks.get(address, 0), kib)
    total["notes"] += [f"dask worker {address}: peak RSS {kib / 1024:.0f} MiB" for address, kib in sorted(peaks.items())]
    return total


def run_on_dask(inputs: list[str], output: Path, config: Optional[Path], address: str,
                shards: Optional[int] = None, resume: bool = False) -> dict:
    """The whole ``--dask`` run: connect, one task per shard (default: one per worker),
    merge; the cluster is closed at the end (a ``local`` one is shut down). Inputs,
    output and configuration are checked before any cluster starts."""
    from ..config import load_config
    from ..io import check_output, collect_inputs

    if output is None:
        raise InputError("--dask needs an output file (-o FILE)")
    load_config(config)
    collect_inputs(inputs)
    check_output(output)
    client, cluster = connect(address)
    try:
        count = shards or max(1, len(client.scheduler_info()["workers"]))
        futures, parts = submit_shards(client, inputs, output, config, count, resume)
        try:
            return collect(client, futures, parts, output)
        except KeyboardInterrupt:
            client.cancel(futures)
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
