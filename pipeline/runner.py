"""Build a pipeline from configuration and run documents through it: the one run path.

``run_corpus`` is a whole batch run: read the inputs (io.read_inputs), number
duplicate ids, skip what ``--resume`` keeps, process batches (here or in worker
processes), render each record (emit.to_record) and hand its line to the writer
(io.open_writer), fsync once per batch, and sum up what happened (RunSummary).

A stage is a callable ``Document -> Document`` with ``name``, ``requires`` and
``assigns``. ``build`` checks the chain once, before any text is read, and names
every missing requirement at once. A stage may also offer ``pipe(docs)`` to
process a batch (the spaCy stage streams through ``nlp.pipe``).

``map_ordered`` spreads batches over worker processes (``--workers``): each
worker builds its own stages once; results come back in input order and at
most two batches per worker are in flight, so memory stays flat.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol, TypeVar, Union

from .config import Config, load_config
from .document import Document
from .errors import InputError, PipelineBuildError, RecountError

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(RecountError):
    """A worker process was killed (e.g. out of memory); finished records are kept."""

# Layers the reader provides before the first stage.
PROVIDED_BY_READER = ("text",)


class Stage(Protocol):
    """What a stage is: a callable Document -> Document with a ``name`` and the
    layers it ``requires`` and ``assigns`` (checked by check_chain when the pipeline
    is built); it may also have ``pipe(docs)`` to process a batch at once."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


def stage_factories() -> dict[str, Callable[..., Stage]]:
    """Name -> factory; imported lazily so `recount --help` stays fast."""
    from .stages import FACTORIES

    return FACTORIES


def check_chain(stages: list[Stage]) -> None:
    """Raise PipelineBuildError naming every requirement no earlier stage assigns."""
    available = set(PROVIDED_BY_READER)
    problems = []
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        problems += [f"stage {stage.name!r} requires {m!r}, which no earlier stage assigns" for m in missing]
        available.update(stage.assigns)
    if problems:
        raise PipelineBuildError("; ".join(problems))


def _plugin_factory(name: str, spec: str) -> Callable[..., Stage]:
    """Import ``"package.module:callable"`` named by ``[plugins.NAME] factory``."""
    import importlib

    module_name, attr = spec.split(":", 1)
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise PipelineBuildError(f"plugin stage {name!r}: cannot load {spec!r}: {exc}") from None


def build(config: Config) -> list[Stage]:
    """Stages named by ``[pipeline] stages``, built and chain-checked.

    A name is a built-in stage (pipeline/stages) or a ``[plugins.NAME]`` entry;
    raises PipelineBuildError naming every unknown name or missing requirement.
    """
    factories = dict(stage_factories())
    for name, plugin in config.plugins.items():
        if name in factories:
            raise PipelineBuildError(f"plugin stage {name!r} has the name of a built-in stage")
        factories[name] = _plugin_factory(name, plugin.factory)
    unknown = [n for n in config.pipeline.stages if n not in factories]
    if unknown:
        raise PipelineBuildError(
            f"unknown stage(s) {', '.join(map(repr, unknown))}; known: {', '.join(sorted(factories))}"
        )
    stages = [factories[name](**config.stage_options(name)) for name in config.pipeline.stages]
    check_chain(stages)
    return stages


def _run_stage(stage: Stage, docs: list[Document]) -> list[Document]:
    """Run one stage over a batch; a failure is recorded in that document only."""
    pipe = getattr(stage, "pipe", None)
    if pipe is not None:
        try:
            out = list(pipe(docs))
        except Exception:  # fall back to one-by-one to find the bad document
            pass
        else:
            for doc in out:
                doc.assigned.update(stage.assigns)
            return out
    out = []
    for doc in docs:
        if is_failed(doc):
            out.append(doc)
            continue
        try:
            doc = stage(doc)
            doc.assigned.update(stage.assigns)
        except Exception as exc:  # a bad document never stops the batch
            doc.errors.append(f"fatal: stage {stage.name} failed: {type(exc).__name__}: {exc}")
        out.append(doc)
    return out


def is_failed(doc: Document) -> bool:
    """A document some stage could not process; later stages leave it alone."""
    return any(e.startswith("fatal:") for e in doc.errors)


def run(stages: list[Stage], docs: Iterable[Document], batch_size: int = 16) -> Iterator[Document]:
    """Stream documents through the stages, one batch at a time, in input order."""
    for batch in batched(docs, batch_size):
        yield from _run_batch(stages, batch)


def _run_batch(stages: list[Stage], batch: list[Document]) -> list[Document]:
    for stage in stages:
        batch = _run_stage(stage, batch)
    return batch


def batched(items: Iterable[T], size: int, ramp: bool = False) -> Iterator[list[T]]:
    """Lists of ``size`` items; with ``ramp`` the first list has one item, so that the
    first record is out after one document, not after a whole batch. (Ramping up
    1, 2, 4, 8 cost about 0.1 s a run: the model is slower on small batches.)"""
    limit = 1 if ramp else size
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            batch = []
            limit = size
    if batch:
        yield batch


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone (kill -9 leaves no one to close the task queue)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_start(parent: int, initializer: Optional[Callable[..., None]], initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def map_ordered(fn: Callable[[T], R], items: Iterable[T], workers: int,
                initializer: Optional[Callable[..., None]] = None, initargs: tuple = ()) -> Iterator[R]:
    """``fn(item)`` for each item in ``workers`` processes; results in input order.

    Fork (where available) lets workers share the parent's loaded model pages.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=_worker_start,
                               initargs=(os.getpid(), initializer, initargs))
    pending: deque[Any] = deque()
    finished = False
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    except BrokenProcessPool:
        raise WorkerDied("a worker process died (killed, or out of memory?); "
                         "records finished so far are kept: rerun with --resume") from None
    finally:
        if not finished:  # Ctrl-C or an error: do not wait for batches nobody will write
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


# -- a whole batch run ---------------------------------------------------------------

@dataclass
class RunSummary:
    """What a run did, for the CLI's summary line and exit code (counts of documents;
    lists of one-line messages)."""

    documents: int = 0
    resumed: int = 0  # records kept from an interrupted run (--resume)
    failed: list[str] = field(default_factory=list)  # "doc_id: first fatal error"
    bad_lines: list[str] = field(default_factory=list)  # "FILE:LINE: message" of JSONL inputs
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the run itself (resume, side file)


@dataclass(frozen=True)
class Result:
    """One document's finished JSON line, and its errors for the summary."""

    doc_id: str
    line: str
    errors: tuple[str, ...]


class Interrupted(RecountError):
    """Ctrl-C: the complete records written so far are kept for --resume."""


def dedupe_ids(items: Iterable[Any]) -> Iterator[Any]:
    """Duplicate doc_ids in one batch get a suffix (``x~2``) and an error, never a
    silent clash; anything that is not a Document passes through."""
    seen: dict[str, int] = {}
    for doc in items:
        if isinstance(doc, Document):
            if doc.doc_id in seen:
                seen[doc.doc_id] += 1
                new_id = f"{doc.doc_id}~{seen[doc.doc_id]}"
                doc.errors.append(f"duplicate doc_id {doc.doc_id!r} in batch; renamed {new_id!r}")
                doc.doc_id = new_id
            else:
                seen[doc.doc_id] = 1
        yield doc


def process_batch(stages: list[Stage], meta: dict, batch: list[Document]) -> list[Result]:
    """Run one batch through the stages and render each record as its JSON line
    (``meta``: emit.pipeline_meta; SPEC "Files": ensure_ascii off, one line each)."""
    from .emit import to_record

    out = []
    for doc in run(stages, batch, batch_size=max(1, len(batch))):
        record = to_record(doc, meta)
        line = json.dumps(record.model_dump(mode="json", by_alias=True), ensure_ascii=False) + "\n"
        out.append(Result(doc.doc_id, line, tuple(record.errors)))
    return out


# What each worker process builds once (``--workers``): its stages and the run's meta.
_WORKER: dict = {}
# Stages kept between runs in one process (run_corpus(reuse_stages=True)), by config.
_BUILT: dict[tuple[str, str], list] = {}


def _worker_init(config_path: Path, meta: dict) -> None:
    _WORKER.update(stages=build(load_config(config_path)), meta=meta)


def _worker_batch(batch: list[Document]) -> list[Result]:
    return process_batch(_WORKER["stages"], _WORKER["meta"], batch)


def _without_output(sources: list[str], output: Optional[Path]) -> list[str]:
    """Inputs minus the output file itself (``recount run dir -o dir/out.jsonl``)."""
    if output is None:
        return sources
    own = {output.resolve(), Path(str(output) + ".partial").resolve()}
    kept = [s for s in sources if s == "-" or Path(s).resolve() not in own]
    if not kept:
        raise InputError(f"no input documents besides the output file {output}")
    return kept


def run_corpus(inputs: list[str], output: Optional[Path] = None, config_path: Optional[Path] = None,
               progress: Optional[Callable[[int, Optional[int]], None]] = None, workers: int = 1,
               resume: bool = False, shard: Optional[tuple[int, int]] = None,
               reuse_stages: bool = False) -> RunSummary:
    """Run the configured pipeline over the inputs and write one record per document.

    ``shard`` = (I, N) keeps only the documents of shard I of N (io.shard_of);
    ``recount merge`` joins the N outputs into the bytes of one unsharded run.
    ``reuse_stages`` keeps the built stages in this process for the next run with
    the same configuration (a Dask worker loads the model once, not once a task).
    Streams: documents are read, processed (in ``workers`` processes) and written
    one batch at a time, in input order (io.collect_inputs); see pipeline/io.py for
    how the output survives interruption and how ``resume`` continues it.
    """
    from .emit import pipeline_meta
    from .io import (BadLine, check_output, collect_inputs, document_key, in_shard, is_jsonl, open_writer,
                     read_inputs)

    if workers < 1:
        raise InputError(f"--workers {workers}: need at least 1")
    config = load_config(config_path)
    check_output(output, resume)
    input_notes: list[str] = []
    sources = _without_output(collect_inputs(inputs, input_notes), output)
    if reuse_stages:
        key = (str(config.path), config.digest)
        if key not in _BUILT:
            _BUILT.clear()
            _BUILT[key] = build(config)
        stages = _BUILT[key]
    else:
        stages = build(config)
    meta = pipeline_meta(config, stages)  # loads the model once, before any document
    writer = open_writer(output, resume, meta)
    summary = RunSummary()
    # Documents to expect: known up front only when every input is one file, one document.
    total = None if shard or any(is_jsonl(s) for s in sources) else len(sources)

    def tick() -> None:
        if progress:
            progress(summary.documents, total)

    def todo() -> Iterator[Document]:
        item: Union[Document, BadLine]
        items: Iterable[Union[Document, BadLine]] = read_inputs(sources)
        if shard is not None:  # by the id as read, so every copy of a duplicate id lands in one shard
            items = (i for i in items if in_shard(i, shard))
        for item in dedupe_ids(items):
            if isinstance(item, BadLine):
                summary.bad_lines.append(str(item))
                continue
            kept = writer.resumed(item.doc_id, document_key(item))
            if kept is None:
                yield item
                continue
            summary.documents += 1
            summary.resumed += 1
            if kept.fatal:
                summary.failed.append(f"{item.doc_id}: {kept.fatal}")
            tick()

    batches = batched(todo(), config.parse.batch_size, ramp=True)
    if workers == 1:
        results: Iterable[list[Result]] = (process_batch(stages, meta, batch) for batch in batches)
    else:
        results = map_ordered(_worker_batch, batches, workers, _worker_init, (config.path, meta))
    try:
        for batch_results in results:
            for result in batch_results:
                writer.write(result.line)
                summary.documents += 1
                fatal = next((e for e in result.errors if e.startswith("fatal:")), None)
                if fatal:
                    summary.failed.append(f"{result.doc_id}: {fatal}")
                else:
                    summary.warnings += [f"{result.doc_id}: {e}" for e in result.errors]
                tick()
            writer.sync()  # at least once per batch: on disk, not only in the page cache
        writer.commit()
    except KeyboardInterrupt:
        writer.close()
        kept = f"; complete records are kept in {writer.partial}: rerun with --resume to continue" \
            if output is not None else ""
        of = f" of {total}" if total is not None else ""
        raise Interrupted(f"interrupted after {summary.documents}{of} documents{kept}") from None
    except BaseException:
        writer.close()
        raise
    summary.notes = input_notes + list(writer.notes)
    return summary
