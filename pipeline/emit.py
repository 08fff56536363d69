"""Emit: Document -> validated SPEC Record (the pipeline's sink), and record ``meta``.

A stage bug must never cost a document its other layers: an item that breaks
SPEC (records.py schema or validate.py invariants) is dropped on its own and
named in ``errors`` (``invalid output dropped: LAYER[i] ...: why``). What depends
on it follows: a fact whose number was dropped goes too, a fact pointing at a
dropped total or event loses that link, an event whose date entry was dropped
loses its date. Only a problem no single item can be blamed for costs one layer,
which becomes null, "not given" (sentences that do not cover the text); a
record that still breaks SPEC after that has every layer emptied.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from pydantic import BaseModel, ValidationError

from . import __version__
from .document import Document
from .records import LAYERS, DateItem, DocDate, Entity, Event, Fact, NumberItem, Record, Sentence
from .validate import record_problems

ITEM_MODELS: dict[str, type[BaseModel]] = {
    "sentences": Sentence, "entities": Entity, "dates": DateItem, "numbers": NumberItem,
    "events": Event, "facts": Fact,
}
# "facts[3].attribution.source: ..." -> layer, index, field path
_PROBLEM = re.compile(r"^(?P<layer>\w+)(?:\[(?P<index>\d+)\])?(?P<field>(?:\.\w+)*):?")
# Sub-fields SPEC allows to be null: a bad one is cleared, the item kept.
NULLABLE = {
    "events": ("name", "date", "place"),
    "facts": ("trigger", "event", "part_of", "attribution.source", "attribution.cue", "attribution"),
}
# A fact problem about one of these fields names it in the message, not in the path.
_FACT_FIELD_WORDS = (("event ", "event"), ("part_of ", "part_of"), ("trigger span", "trigger"))


def pipeline_meta(config, stages) -> dict:
    """The ``meta`` every record of a run shares (without ``provenance``): config file
    name and digest, stage names, model name+version (from a stage's ``model_info``),
    pipeline version. ``--resume`` compares it with the records it keeps."""
    meta = {"config": str(config.path.name), "config_digest": config.digest,
            "stages": [s.name for s in stages]}
    for stage in stages:
        if hasattr(stage, "model_info"):
            meta["model"] = stage.model_info()
    meta["pipeline_version"] = __version__
    return meta


def to_record(doc: Document, meta: dict) -> Record:
    """Build and validate the record (``meta`` from ``pipeline_meta``); items that
    break SPEC are dropped one by one and named in ``errors`` (module docstring)."""
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
        "meta": {**meta, "provenance": doc.provenance},
    }
    problems = record_problems(data)
    if not problems:
        try:
            return Record(**data)
        except ValidationError:
            pass
    data.update({layer: list(data[layer] or []) for layer in LAYERS})
    for _ in range(2 + 2 * len(LAYERS)):  # each round settles at least one layer's dependants
        if not _repair_round(data):
            break
    left = record_problems(data)
    if not left:
        try:
            return Record(**data)
        except ValidationError as exc:  # a document field (source, doc_id): nothing to keep
            left = [_first(exc)]
    data["errors"].append(f"invalid output dropped: every layer: {left[0]}")
    for layer in LAYERS:
        data[layer] = []
    data["doc_date"] = None
    return Record(**data)


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def _describe(item: object) -> str:
    if isinstance(item, dict):
        if "start" in item and "end" in item:
            text = f" {item['text']!r}" if isinstance(item.get("text"), str) else ""
            return f" ({item.get('start')}-{item.get('end')}{text})"
        if "id" in item:
            return f" ({item['id']})"
        if "type" in item:
            return f" ({item.get('type')} {item.get('value')})"
    return ""


def _repair_round(data: dict) -> bool:
    """One pass: schema per item, then SPEC invariants; returns whether anything changed."""
    errors: list[str] = data["errors"]
    drops: dict[str, dict[int, str]] = {layer: {} for layer in LAYERS}
    changed = False
    if data.get("doc_date") is not None:
        try:
            DocDate.model_validate(data["doc_date"])
        except ValidationError as exc:
            errors.append(f"invalid output dropped: doc_date: {_first(exc)}")
            data["doc_date"] = None
            changed = True
    for layer, model in ITEM_MODELS.items():
        for i, item in enumerate(data[layer] or []):
            try:
                model.model_validate(item)
            except ValidationError as exc:
                drops[layer].setdefault(i, _first(exc))
    if not any(drops.values()):
        for problem in record_problems(data):
            changed |= _apply(data, problem, drops)
    for layer in LAYERS:
        if drops[layer]:
            _drop(data, layer, drops[layer])
            changed = True
    return changed


def _apply(data: dict, problem: str, drops: dict[str, dict[int, str]]) -> bool:
    """Turn one ``record_problems`` message into a fix (or a drop in ``drops``)."""
    match = _PROBLEM.match(problem)
    layer, index, field = match["layer"], match["index"], (match["field"] or "").lstrip(".")
    reason = problem[match.end():].strip()
    if layer == "doc_date":
        data["errors"].append(f"invalid output dropped: doc_date: {reason}")
        data["doc_date"] = None
        return True
    if layer not in LAYERS:
        return False
    if index is None:  # no one item to blame (sentence coverage): the layer is not given (null)
        data["errors"].append(f"invalid output dropped: {layer} (the whole layer, null): {reason}")
        data[layer] = None
        return True
    i = int(index)
    item = data[layer][i]
    if layer == "facts" and not field:
        field = next((name for words, name in _FACT_FIELD_WORDS if reason.startswith(words)), "")
    if field in NULLABLE.get(layer, ()):
        _set(item, field, None)
        data["errors"].append(f"invalid output dropped: {layer}[{i}]{_describe(item)}.{field}: {reason}")
        return True
    drops[layer].setdefault(i, reason)
    return False


def _set(item: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for name in parents:
        item = item.get(name) or {}
    if isinstance(item, dict) and last in item:
        item[last] = value


def _drop(data: dict, layer: str, reasons: dict[int, str]) -> None:
    """Remove the items ``reasons`` names, say why, and re-point what referred to them."""
    old = data[layer]
    for i in sorted(reasons):
        data["errors"].append(f"invalid output dropped: {layer}[{i}]{_describe(old[i])}: {reasons[i]}")
    new_index = {}
    kept = []
    for i, item in enumerate(old):
        if i not in reasons:
            new_index[i] = len(kept)
            kept.append(item)
    data[layer] = kept
    if layer == "facts":
        _repoint(data["facts"], "part_of", lambda old_i: new_index.get(old_i) if isinstance(old_i, int) else None,
                 data["errors"], "its total was dropped")
    elif layer == "events":
        renamed = {}
        for i, event in enumerate(kept):
            if isinstance(event, dict):
                renamed[event.get("id")] = f"e{i + 1}"
                event["id"] = f"e{i + 1}"
        _repoint(data["facts"], "event", renamed.get, data["errors"], "its event was dropped")


def _repoint(facts: list, key: str, mapping: Callable[[object], Optional[object]], errors: list[str],
             why: str) -> None:
    for i, fact in enumerate(facts or []):
        if isinstance(fact, dict) and fact.get(key) is not None:
            new = mapping(fact[key])
            if new is None:
                errors.append(f"invalid output dropped: facts[{i}]{_describe(fact)}.{key}: {why}")
            fact[key] = new
