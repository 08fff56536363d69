"""Build a pipeline from configuration and run documents through it.

A stage is a callable ``Document -> Document`` with ``name``, ``requires`` and
``assigns``. ``build`` checks the chain once, before any text is read, and names
every missing requirement at once. A stage may also offer ``pipe(docs)`` to
process a batch (the spaCy stage streams through ``nlp.pipe``).

``map_ordered`` spreads batches over worker processes (``--workers``): each
worker builds its own stages once; results come back in input order and at
most two batches per worker are in flight, so memory stays flat.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol, TypeVar

from .config import Config
from .document import Document
from .errors import PipelineBuildError, RecountError

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(RecountError):
    """A worker process was killed (e.g. out of memory); finished records are kept."""

# Layers the reader provides before the first stage.
PROVIDED_BY_READER = ("text",)


class Stage(Protocol):
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
    """Lists of ``size`` items; with ``ramp`` the first ones have 1, 2, 4, ... items
    so that the first record is out after one document, not after a whole batch."""
    limit = 1 if ramp else size
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            batch = []
            limit = min(size, limit * 2)
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
