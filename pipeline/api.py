"""Library functions behind the CLI: each takes plain arguments and returns data."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .config import Config, load_config
from .document import Document
from .errors import InputError
from .io import AtomicJsonlWriter, collect_inputs


@dataclass
class RunSummary:
    documents: int = 0
    failed: list[str] = field(default_factory=list)  # "doc_id: first fatal error"
    warnings: list[str] = field(default_factory=list)


def _read_all(sources: list[str]) -> Iterator[Document]:
    from .stages.read import document_from_bytes, read_document

    for source in sources:
        if source == "-":
            yield document_from_bytes(sys.stdin.buffer.read(), "-", doc_id="stdin")
        else:
            yield read_document(Path(source), source)


def _dedupe_ids(docs: Iterable[Document]) -> Iterator[Document]:
    """Duplicate doc_ids in one batch get a suffix and an error, never a silent clash."""
    seen: dict[str, int] = {}
    for doc in docs:
        if doc.doc_id in seen:
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


def run_files(inputs: list[str], output: Optional[Path] = None, config_path: Optional[Path] = None,
              progress: Optional[Callable[[int, int], None]] = None) -> RunSummary:
    """Run the configured pipeline over the inputs and write one record per document."""
    from .emit import to_record
    from .runner import build, is_failed, run

    config = load_config(config_path)
    sources = collect_inputs(inputs)
    stages = build(config)
    summary = RunSummary()
    writer = AtomicJsonlWriter(output)
    meta: Optional[dict] = None
    try:
        docs = _dedupe_ids(_read_all(sources))
        for doc in run(stages, docs, batch_size=config.parse.batch_size):
            if meta is None:
                meta = pipeline_meta(config, stages)
            record = to_record(doc, meta)
            writer.write(record.model_dump(mode="json"))
            summary.documents += 1
            if is_failed(doc):
                summary.failed.append(f"{doc.doc_id}: {next(e for e in doc.errors if e.startswith('fatal:'))}")
            elif doc.errors:
                summary.warnings += [f"{doc.doc_id}: {e}" for e in doc.errors]
            if progress:
                progress(summary.documents, len(sources))
    except BaseException:
        writer.abort()
        raise
    writer.commit()
    return summary


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
