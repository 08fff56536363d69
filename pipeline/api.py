"""Library functions behind the CLI: each takes plain arguments and returns data."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .config import Config, load_config
from .document import Document
from .errors import InputError, RecountError
from .io import BadLine, check_output, collect_inputs, document_key, is_jsonl, open_writer, read_inputs


@dataclass
class RunSummary:
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


def _dedupe_ids(docs: Iterable[Document | BadLine]) -> Iterator[Document | BadLine]:
    """Duplicate doc_ids in one batch get a suffix and an error, never a silent clash."""
    seen: dict[str, int] = {}
    for doc in docs:
        if isinstance(doc, BadLine):
            pass
        elif doc.doc_id in seen:
            seen[doc.doc_id] += 1
            new_id = f"{doc.doc_id}~{seen[doc.doc_id]}"
            doc.errors.append(f"duplicate doc_id {doc.doc_id!r} in batch; renamed {new_id!r}")
            doc.doc_id = new_id
        else:
            seen[doc.doc_id] = 1
        yield doc


def pipeline_meta(config: Config, stages) -> dict:
    meta = {"config": str(config.path.name), "config_digest": config.digest,
            "stages": [s.name for s in stages]}
    for stage in stages:
        if hasattr(stage, "model_info"):
            meta["model"] = stage.model_info()
    return meta


def emit_batch(stages, meta: dict, batch: list[Document]) -> list[Result]:
    """Run one batch through the stages and render each record as its JSON line."""
    from .emit import to_record
    from .runner import run

    out = []
    for doc in run(stages, batch, batch_size=max(1, len(batch))):
        record = to_record(doc, meta)
        line = json.dumps(record.model_dump(mode="json", by_alias=True), ensure_ascii=False) + "\n"
        out.append(Result(doc.doc_id, line, tuple(record.errors)))
    return out


_WORKER: dict = {}


def _worker_init(config_path: Path, meta: dict) -> None:
    from .runner import build

    _WORKER.update(stages=build(load_config(config_path)), meta=meta)


def _worker_batch(batch: list[Document]) -> list[Result]:
    return emit_batch(_WORKER["stages"], _WORKER["meta"], batch)


def run_files(inputs: list[str], output: Optional[Path] = None, config_path: Optional[Path] = None,
              progress: Optional[Callable[[int, int], None]] = None, workers: int = 1,
              resume: bool = False) -> RunSummary:
    """Run the configured pipeline over the inputs and write one record per document.

    Streams: documents are read, processed (in ``workers`` processes) and written
    one batch at a time, in input order; see pipeline/io.py for how the output
    survives interruption and how ``resume`` continues it.
    """
    from . import __version__
    from .runner import batched, build, map_ordered

    if workers < 1:
        raise InputError(f"--workers {workers}: need at least 1")
    config = load_config(config_path)
    check_output(output, resume)
    sources = _without_output(collect_inputs(inputs), output)
    stages = build(config)
    meta = pipeline_meta(config, stages)  # loads the model once, before any document
    writer = open_writer(output, resume, {**meta, "pipeline_version": __version__})
    summary = RunSummary()
    # Documents to expect: known up front only when every input is one file, one document.
    total = None if any(is_jsonl(s) for s in sources) else len(sources)

    def tick() -> None:
        if progress:
            progress(summary.documents, total)

    def todo() -> Iterator[Document]:
        for doc in _dedupe_ids(read_inputs(sources)):
            if isinstance(doc, BadLine):
                summary.bad_lines.append(str(doc))
                continue
            kept = writer.resumed(doc.doc_id, document_key(doc))
            if kept is None:
                yield doc
                continue
            summary.documents += 1
            summary.resumed += 1
            if kept.fatal:
                summary.failed.append(f"{doc.doc_id}: {kept.fatal}")
            tick()

    batches = batched(todo(), config.parse.batch_size, ramp=True)
    if workers == 1:
        results: Iterable[list[Result]] = (emit_batch(stages, meta, batch) for batch in batches)
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
    summary.notes = list(writer.notes)
    return summary


def _without_output(sources: list[str], output: Optional[Path]) -> list[str]:
    """Inputs minus the output file itself (``recount run dir -o dir/out.jsonl``)."""
    if output is None:
        return sources
    own = {output.resolve(), Path(str(output) + ".partial").resolve()}
    kept = [s for s in sources if s == "-" or Path(s).resolve() not in own]
    if not kept:
        raise InputError(f"no input documents besides the output file {output}")
    return kept


def load_records(path: Path) -> dict[str, dict]:
    """Records of a JSONL file or of every *.jsonl under a directory, by doc_id."""
    from .validate import iter_jsonl

    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files or not all(f.is_file() for f in files):
        raise InputError(f"{path}: no JSONL records found")
    records: dict[str, dict] = {}
    for file in files:
        for line_no, obj, error in iter_jsonl(file):
            if error:
                raise InputError(f"{file}:{line_no}: {error}")
            records[obj["doc_id"]] = obj
    return records


def convert_file(source: Path, to: str) -> list[dict]:
    """Entities of every line of ``source`` in another tool's format (or back, to='recount')."""
    from . import convert
    from .validate import iter_jsonl

    exporters = {"prodigy": convert.to_prodigy, "doccano": convert.to_doccano}
    out = []
    for line_no, obj, error in iter_jsonl(source):
        if error:
            raise InputError(f"{source}:{line_no}: {error}")
        try:
            if to in exporters:
                out.append(exporters[to](obj))
            elif to == "recount":
                doc_id = (obj.get("meta") or {}).get("doc_id") or obj.get("doc_id") or f"line{line_no}"
                importer = convert.from_doccano if "label" in obj else convert.from_prodigy
                out.append(importer(obj, doc_id))
            else:
                raise InputError(f"--to {to!r}: choose prodigy, doccano or recount")
        except convert.ConversionError as exc:
            raise InputError(f"{source}:{line_no}: {exc}") from None
    return out
