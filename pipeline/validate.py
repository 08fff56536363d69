"""Checks of SPEC's invariants on records and gold files, as ``FILE:LINE: message``.

Schema (pydantic), offsets (``text[start:end] == span text``, inside the text),
sentence coverage (every non-space char in exactly one segment, segments start
and end on non-space), flat entities, and for gold: the text equals the input
file it names.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pydantic import ValidationError

from .io import iter_jsonl
from .records import Record

SPAN_LAYERS = ("entities", "dates", "numbers")
_NON_SPACE = re.compile(r"\S")  # (not str.isspace(): the same set in Python's engine)


def _span_problems(layer: str, i: int, item: dict, text: str) -> list[str]:
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return [f"{layer}[{i}]: start/end must be integers"]
    if not 0 <= start < end <= len(text):
        return [f"{layer}[{i}]: span {start}-{end} is outside the text (length {len(text)}) or empty"]
    if "text" in item and text[start:end] != item["text"]:
        return [f"{layer}[{i}]: text {item['text']!r} != text[{start}:{end}] {text[start:end]!r}"]
    return []


def record_problems(data: dict) -> list[str]:
    """SPEC invariants a record (as a dict) breaks; empty when it is valid."""
    text = data.get("text", "")
    if not isinstance(text, str):
        return ["text: must be a string"]
    problems: list[str] = []
    doc_date = data.get("doc_date")
    if doc_date and (doc_date.get("start") is not None or doc_date.get("from", "text") == "text"):
        problems += [p.replace("doc_date[0]", "doc_date") for p in _span_problems("doc_date", 0, doc_date, text)]
    for layer in SPAN_LAYERS:
        for i, item in enumerate(data.get(layer) or []):
            problems += _span_problems(layer, i, item, text)
    sentences = data.get("sentences")
    if sentences is not None:
        covered = bytearray(len(text))
        for i, s in enumerate(sentences):
            found = _span_problems("sentences", i, s, text)
            problems += found
            if found:
                continue
            if text[s["start"]].isspace() or text[s["end"] - 1].isspace():
                problems.append(f"sentences[{i}]: segment starts or ends on white space")
            if any(covered[s["start"]:s["end"]]):
                problems.append(f"sentences[{i}]: overlaps another segment")
            covered[s["start"]:s["end"]] = b"\x01" * (s["end"] - s["start"])
        # The first non-space character no segment covers (uncovered stretches only).
        pos = covered.find(0)
        while pos != -1:
            end = covered.find(1, pos)
            end = len(text) if end == -1 else end
            m = _NON_SPACE.search(text, pos, end)
            if m:
                problems.append(f"sentences: character {m.group()!r} at {m.start()} is in no segment")
                break
            pos = covered.find(0, end)
    entities = sorted((e.get("start", 0), e.get("end", 0), i) for i, e in enumerate(data.get("entities") or []))
    for (s1, e1, i1), (s2, e2, i2) in zip(entities, entities[1:]):
        if s2 < e1:
            problems.append(f"entities[{i2}]: overlaps entities[{i1}] (entities are flat)")
    problems += _event_problems(data, text)
    facts = data.get("facts") or []
    event_ids = {e.get("id") for e in data.get("events") or []}
    for i, fact in enumerate(facts):
        if fact.get("event") is not None and fact["event"] not in event_ids:
            problems.append(f"facts[{i}]: event {fact['event']!r} is not an id in events")
        part_of = fact.get("part_of")
        if part_of is not None:
            if not isinstance(part_of, int) or not 0 <= part_of < len(facts) or part_of == i:
                problems.append(f"facts[{i}]: part_of {part_of!r} is not the index of another fact")
            elif facts[part_of].get("part_of") is not None:
                problems.append(f"facts[{i}]: part_of points at facts[{part_of}], itself a part")
        for role in ("source", "cue"):
            span = (fact.get("attribution") or {}).get(role)
            if span:
                problems += [p.replace("x[0]", f"facts[{i}].attribution.{role}")
                             for p in _span_problems("x", 0, span, text)]
        number = fact.get("number") or {}
        if not any(n.get("start") == number.get("start") and n.get("end") == number.get("end")
                   for n in data.get("numbers") or []):
            problems.append(f"facts[{i}]: number span {number} is not a numbers entry")
        trigger = fact.get("trigger")
        if trigger and not 0 <= trigger.get("start", -1) < trigger.get("end", -1) <= len(text):
            problems.append(f"facts[{i}]: trigger span {trigger} is outside the text")
    return problems


def _event_problems(data: dict, text: str) -> list[str]:
    """Events: ids e1, e2, ... in order; name/date/place are spans of the text, and a
    date is an entry of the dates layer with the same value (SPEC: events)."""
    problems = []
    dates = {(d.get("start"), d.get("end")): d for d in data.get("dates") or []}
    for i, event in enumerate(data.get("events") or []):
        if event.get("id") != f"e{i + 1}":
            problems.append(f"events[{i}]: id {event.get('id')!r} should be 'e{i + 1}' (ids in order)")
        for role in ("name", "date", "place"):
            span = event.get(role)
            if span:
                problems += [p.replace("x[0]", f"events[{i}].{role}") for p in _span_problems("x", 0, span, text)]
        date = event.get("date")
        if date and data.get("dates") is not None:
            entry = dates.get((date.get("start"), date.get("end")))
            if entry is None:
                problems.append(f"events[{i}].date: {date.get('text')!r} is not a dates entry")
            elif entry.get("value") != date.get("value"):
                problems.append(f"events[{i}].date: value {date.get('value')!r} != the dates entry's {entry.get('value')!r}")
    return problems


def _input_text(path: Path, line: int | None) -> tuple[bytes, str]:
    """The file's bytes and the document text it holds (a .jsonl line's "text")."""
    raw = path.read_bytes()
    if line is None:
        return raw, raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = raw.decode("utf-8", errors="replace").split("\n")  # not splitlines(): U+2028 may stand inside a JSON string
    obj = json.loads(lines[line - 1]) if 0 < line <= len(lines) else {}
    return raw, obj.get("text") if isinstance(obj, dict) else None


def _gold_source_problems(data: dict, root: Path) -> list[str]:
    path = (data.get("source") or {}).get("path")
    if not path:
        return []
    file = root / path
    if not file.is_file():
        return [f"source.path {path!r}: no such input file"]
    line = (data.get("source") or {}).get("line")
    raw, text = _input_text(file, line)
    problems = []
    if text != data.get("text"):
        problems.append(f"text differs from the input file {path}" + (f" line {line}" if line else ""))
    hashed = raw if line is None else (text or "").encode("utf-8")
    if hashlib.sha256(hashed).hexdigest() != (data.get("source") or {}).get("sha256"):
        problems.append(f"source.sha256 differs from the input file {path}")
    return problems


def validate_file(path: Path, gold: bool = False, root: Path | None = None) -> tuple[int, list[str]]:
    """(records checked, problems as 'FILE:LINE: message')."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    count = 0
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return 0, [f"{path}: cannot read: {exc.strerror or exc}"]
    if raw and not raw.endswith(b"\n"):
        problems.append(f"{path}: last line has no newline (truncated file?)")
    for line_no, obj, error in iter_jsonl(path):
        where = f"{path}:{line_no}"
        if error:
            problems.append(f"{where}: {error}")
            continue
        count += 1
        try:
            Record(**obj)
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(p) for p in e["loc"])
                problems.append(f"{where}: {loc}: {e['msg']}")
            continue
        doc_id = obj["doc_id"]
        if doc_id in seen:
            problems.append(f"{where}: duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})")
        seen[doc_id] = line_no
        found = record_problems(obj)
        if gold:
            found += _gold_source_problems(obj, root or Path.cwd())
        problems += [f"{where}: {p}" for p in found]
    return count, problems
