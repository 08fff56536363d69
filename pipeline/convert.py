"""Import/export of the entities layer for Prodigy and doccano JSONL.

Why: labellers correct entities in annotation tools; the round trip
record -> tool -> record must be lossless, and a span that does not line up
with the text must stop the import loudly (ConversionError naming the span),
never be dropped or shifted silently. Offsets are Python ``str`` indexes
(code points), as in SPEC.md; each entity's ``text`` is ``text[start:end]``.

Prodigy: ``{"text": ..., "spans": [{"start", "end", "label", "text"}], "meta": {"doc_id"}}``
doccano: ``{"text": ..., "label": [[start, end, label], ...], "doc_id": ...}``
(doccano keeps extra keys such as ``doc_id`` as metadata).
"""

from __future__ import annotations

from typing import Any


class ConversionError(ValueError):
    """A span or record that cannot be converted without losing or moving data."""


def _check_text(obj: Any, where: str) -> str:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ConversionError(f"{where}: no 'text' string in {type(obj).__name__}")
    return obj["text"]


def _entity(text: str, start: Any, end: Any, label: Any, span_text: Any, where: str) -> dict:
    """Validate one span against the text and build the SPEC entity.

    Raises ConversionError naming the span when offsets are not integers, out
    of range, empty or reversed, the label is not a non-empty string, or a
    given span text differs from text[start:end].
    """
    desc = f"{where}: span {start!r}-{end!r} {label!r}"
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) \
            or isinstance(end, bool):
        raise ConversionError(f"{desc}: offsets must be integers")
    if not 0 <= start < end <= len(text):
        raise ConversionError(f"{desc}: out of range for text of length {len(text)}")
    if not isinstance(label, str) or not label:
        raise ConversionError(f"{desc}: label must be a non-empty string")
    actual = text[start:end]
    if span_text is not None and span_text != actual:
        raise ConversionError(f"{desc}: span text {span_text!r} != text[start:end] {actual!r}")
    return {"start": start, "end": end, "text": actual, "label": label}


def _record_entities(record: dict) -> tuple[str, list[dict]]:
    """The record's text and validated entities (export refuses bad records too)."""
    where = f"record {record.get('doc_id')!r}" if isinstance(record, dict) else "record"
    text = _check_text(record, where)
    ents = record.get("entities") or []
    out = []
    for ent in ents:
        if not isinstance(ent, dict):
            raise ConversionError(f"{where}: entity {ent!r} is not an object")
        out.append(_entity(text, ent.get("start"), ent.get("end"), ent.get("label"),
                           ent.get("text"), where))
    return text, out


# ------------------------------------------------------------------ Prodigy
def to_prodigy(record: dict) -> dict:
    """A Prodigy ner_manual-style task for the record's entities layer."""
    text, ents = _record_entities(record)
    task: dict[str, Any] = {
        "text": text,
        "spans": [{"start": e["start"], "end": e["end"], "label": e["label"],
                   "text": e["text"]} for e in ents],
    }
    if record.get("doc_id") is not None:
        task["meta"] = {"doc_id": record["doc_id"]}
    return task


def from_prodigy(obj: dict, doc_id: str) -> dict:
    """A record fragment ``{doc_id, text, entities}`` from a Prodigy task.

    Extra span keys (token_start, …) are not kept: tokens are not part of the
    record. A missing ``spans`` key means no entities.
    """
    where = f"prodigy {doc_id!r}"
    text = _check_text(obj, where)
    spans = obj.get("spans") or []
    if not isinstance(spans, list):
        raise ConversionError(f"{where}: 'spans' is not a list")
    ents = []
    for sp in spans:
        if not isinstance(sp, dict):
            raise ConversionError(f"{where}: span {sp!r} is not an object")
        ents.append(_entity(text, sp.get("start"), sp.get("end"), sp.get("label"),
                            sp.get("text"), where))
    return {"doc_id": doc_id, "text": text, "entities": ents}


# ------------------------------------------------------------------ doccano
def to_doccano(record: dict) -> dict:
    """A doccano sequence-labelling JSONL line for the record's entities."""
    text, ents = _record_entities(record)
    line: dict[str, Any] = {"text": text,
                            "label": [[e["start"], e["end"], e["label"]] for e in ents]}
    if record.get("doc_id") is not None:
        line["doc_id"] = record["doc_id"]
    return line


def from_doccano(obj: dict, doc_id: str) -> dict:
    """A record fragment ``{doc_id, text, entities}`` from a doccano line.

    Each label must be ``[start, end, label]``; anything else raises. (doccano
    has no span text, so only the offsets and range are checked.)
    """
    where = f"doccano {doc_id!r}"
    text = _check_text(obj, where)
    labels = obj.get("label") or []
    if not isinstance(labels, list):
        raise ConversionError(f"{where}: 'label' is not a list")
    ents = []
    for lab in labels:
        if not isinstance(lab, (list, tuple)) or len(lab) != 3:
            raise ConversionError(f"{where}: span {lab!r} is not [start, end, label]")
        ents.append(_entity(text, lab[0], lab[1], lab[2], None, where))
    return {"doc_id": doc_id, "text": text, "entities": ents}
