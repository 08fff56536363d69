"""Emit: Document -> validated SPEC Record (the pipeline's sink)."""

from __future__ import annotations

from pydantic import ValidationError

from . import __version__
from .document import Document
from .records import LAYERS, Record
from .validate import record_problems


def to_record(doc: Document, meta: dict) -> Record:
    """Build and validate the record; a layer that breaks SPEC is emptied and reported."""
    data = {
        "doc_id": doc.doc_id,
        "text": doc.text,
        "source": {"path": doc.path, "sha256": doc.sha256, **doc.source_info},
        "doc_date": doc.doc_date,
        "sentences": doc.sentences,
        "entities": doc.entities,
        "dates": doc.dates,
        "numbers": doc.numbers,
        "events": doc.events,
        "facts": doc.facts,
        "errors": list(doc.errors),
        "meta": {**meta, "pipeline_version": __version__, "provenance": doc.provenance},
    }
    for problem in record_problems(data):
        data["errors"].append(f"invalid output dropped: {problem}")
        layer = problem.split(":", 1)[0].split("[", 1)[0]
        if layer in LAYERS:
            data[layer] = []
        elif layer == "doc_date":
            data["doc_date"] = None
    try:
        return Record(**data)
    except ValidationError as exc:
        data["errors"].append(f"invalid output dropped: {exc.errors()[0]['msg']}")
        for layer in LAYERS:
            data[layer] = []
        data["doc_date"] = None
        return Record(**data)
