"""--dask: one task per shard on a Dask cluster, merged into the bytes of one run."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from pipeline.io import shard_of

GOOD = "On 5 May 2001, 12 people were hurt in Baku.\n"


def corpus_with_both_shards(folder: Path, per_shard: int = 3) -> Path:
    """Small documents, at least ``per_shard`` in each of 2 shards (names chosen by hash)."""
    folder.mkdir()
    counts = [0, 0]
    i = 0
    while min(counts) < per_shard:
        name = f"doc{i:03d}"
        if counts[shard_of(name, 2)] < per_shard:
            counts[shard_of(name, 2)] += 1
            (folder / f"{name}.txt").write_text(f"Report {i}.\n{GOOD}", encoding="utf-8")
        i += 1
    return folder


@pytest.mark.model
def test_killed_worker_is_retried_and_the_merged_file_is_identical(gate, tmp_path):
    distributed = pytest.importorskip("distributed")
    from pipeline.adapters.dask_adapter import collect, submit_shards
    from pipeline.api import run_files

    corpus = corpus_with_both_shards(tmp_path / "corpus")
    gate.open()
    whole = tmp_path / "whole.jsonl"
    run_files([str(corpus)], whole, gate.config)

    out = tmp_path / "out.jsonl"
    gate.close()  # each worker process holds after its first document
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            futures, parts = submit_shards(client, [str(corpus)], out, gate.config, 2)
            partial = parts[0].with_name(parts[0].name + ".partial")
            deadline = time.monotonic() + 240
            while not (partial.exists() and partial.read_bytes().count(b"\n") == 1):
                assert time.monotonic() < deadline, "shard 0 never wrote its first record"
                time.sleep(0.05)
            pids = client.run(os.getpid)
            running = [addr for addr, keys in client.processing().items() if futures[0].key in keys]
            assert len(running) == 1
            os.kill(pids[running[0]], signal.SIGKILL)  # the worker dies mid-task
            gate.open()
            summary = collect(client, futures, parts, out, timeout=240)
    finally:
        gate.open()
    assert out.read_bytes() == whole.read_bytes()
    assert not out.with_name(out.name + ".parts").exists()
    assert summary["documents"] == len(list(corpus.glob("*.txt"))) and summary["failed"] == []
    # the retried task continued from the record the killed one had written
    assert "shard 0/2: resume: 1 records kept from part-0-of-2.jsonl.partial" in summary["notes"]
    assert [json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()] == \
        sorted(p.stem for p in corpus.glob("*.txt"))


@pytest.mark.model
def test_recount_run_dask_local(tmp_path):
    pytest.importorskip("distributed")
    from typer.testing import CliRunner

    from pipeline.cli import app

    corpus = corpus_with_both_shards(tmp_path / "corpus", per_shard=1)
    whole, out = tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    assert CliRunner().invoke(app, ["run", str(corpus), "-o", str(whole)]).exit_code == 0
    result = CliRunner().invoke(app, ["run", str(corpus), "-o", str(out), "--dask", "local:2"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == whole.read_bytes()
    # each worker's peak memory is reported (a worker that loaded the model holds > 50 MiB)
    peaks = [int(m) for m in re.findall(r"note: dask worker \S+: peak RSS (\d+) MiB", result.output)]
    assert len(peaks) == 2 and min(peaks) > 50, result.output


def test_dask_refuses_shard_and_workers(tmp_path):
    from pipeline.api import run_files
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="leave out --shard and --workers"):
        run_files(["inputs"], tmp_path / "o.jsonl", dask="local:2", shard="0/2")
