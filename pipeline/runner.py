"""Build a pipeline from configuration and run documents through it.

A stage is a callable ``Document -> Document`` with ``name``, ``requires`` and
``assigns``. ``build`` checks the chain once, before any text is read, and names
every missing requirement at once. A stage may also offer ``pipe(docs)`` to
process a batch (the spaCy stage streams through ``nlp.pipe``).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Protocol

from .config import Config
from .document import Document
from .errors import PipelineBuildError

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


def build(config: Config) -> list[Stage]:
    factories = stage_factories()
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
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= batch_size:
            yield from _run_batch(stages, batch)
            batch = []
    if batch:
        yield from _run_batch(stages, batch)


def _run_batch(stages: list[Stage], batch: list[Document]) -> list[Document]:
    for stage in stages:
        batch = _run_stage(stage, batch)
    return batch
