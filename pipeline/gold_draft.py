"""Turn a hand-written gold draft into a SPEC record with exact offsets.

Labellers write span *texts* and labels in document order; finding offsets by
hand is error-prone, so this module searches them. It never invents a label:
everything but the offsets comes from the draft. Pure standard library, so it
runs before the package's dependencies are installed.

Draft format (one file per document, ``#`` starts a comment line)::

    doc_id: 000_40537841ef9f777f
    source: inputs/000_40537841ef9f777f.txt
    doc_date: 19 January 2024 | 2024-01-19        (or: doc_date: null)

    == sentences
    Statement by the Commissioner ... (Ombudsman)  (first words ... last words)
    == entities
    Heydar Aliyev | PERSON
    == dates
    January 20, 1990 | 1990-01-20 | MOD            (mod optional)
    == numbers
    more than 200,000 | 200000 | cardinal | UNIT | MORE_THAN  (unit, mod optional; - = null)
    == facts
    killed | 150 | MOD | NUMBER TEXT | TRIGGER TEXT   (trigger '-' = null)

A space in a span text matches any run of whitespace, so spans wrapped over
lines are written as one line. Each layer keeps a cursor: a span is searched
from the end of the previous one. ``text #N`` forces the N-th occurrence in
the whole document. A fact's number is looked up among the numbers already
drafted (first unused one at or after the fact cursor whose text matches);
its trigger is the occurrence nearest to the number.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

LAYERS = ("sentences", "entities", "dates", "numbers", "facts")


class DraftError(ValueError):
    """A draft line that cannot be placed in the text."""


def _pattern(span_text: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in span_text.split()]
    return re.compile(r"\s+".join(parts))


def _split_occurrence(raw: str) -> tuple[str, int | None]:
    m = re.fullmatch(r"(.*?)\s+#(\d+)", raw.strip())
    if m:
        return m.group(1), int(m.group(2))
    return raw.strip(), None


def find_span(text: str, raw: str, cursor: int, line_no: int) -> tuple[int, int]:
    """Offsets of ``raw`` (optionally ``#N``) at or after ``cursor``."""
    span_text, nth = _split_occurrence(raw)
    if not span_text:
        raise DraftError(f"line {line_no}: empty span text")
    pat = _pattern(span_text)
    if nth is not None:
        matches = list(pat.finditer(text))
        if nth < 1 or nth > len(matches):
            raise DraftError(f"line {line_no}: {span_text!r} has no occurrence #{nth}")
        m = matches[nth - 1]
    else:
        m = pat.search(text, cursor)
        if m is None:
            raise DraftError(f"line {line_no}: {span_text!r} not found after offset {cursor}")
    return m.start(), m.end()


def _null(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-", "null") else value


def _number(value: str) -> int | float:
    value = value.strip()
    number = float(value)
    return int(number) if number.is_integer() and "." not in value else number


def _fields(line: str, minimum: int, maximum: int, line_no: int) -> list[str]:
    fields = [f.strip() for f in line.split("|")]
    if not minimum <= len(fields) <= maximum:
        raise DraftError(f"line {line_no}: expected {minimum}-{maximum} '|' fields, got {len(fields)}")
    return fields + ["-"] * (maximum - len(fields))


def compile_draft(draft: str, root: Path) -> dict:
    """Build the gold record (a dict in SPEC shape) from draft text."""
    header: dict[str, str] = {}
    layers: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for line_no, line in enumerate(draft.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("=="):
            current = stripped.strip("= ").lower()
            if current not in LAYERS:
                raise DraftError(f"line {line_no}: unknown layer {current!r}")
            layers[current] = []
        elif current is None:
            key, _, value = stripped.partition(":")
            header[key.strip()] = value.strip()
        else:
            layers[current].append((line_no, stripped))

    source = header["source"]
    raw_bytes = (root / source).read_bytes()
    text = raw_bytes.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    record: dict = {
        "schema_version": "1",
        "doc_id": header.get("doc_id", Path(source).stem),
        "text": text,
        "source": {"path": source, "sha256": hashlib.sha256(raw_bytes).hexdigest()},
        "doc_date": None,
        "errors": [],
        "meta": {"gold": True, "annotator": header.get("annotator", "unknown")},
    }
    doc_date = header.get("doc_date", "null")
    if _null(doc_date) is not None:
        span_text, value = _fields(doc_date, 2, 2, 0)
        start, end = find_span(text, span_text, 0, 0)
        record["doc_date"] = {"value": value, "start": start, "end": end}

    if "sentences" in layers:
        out, cursor = [], 0
        for line_no, line in layers["sentences"]:
            first, sep, last = line.partition(" ... ")
            start, end = find_span(text, first, cursor, line_no)
            if sep:
                _, end = find_span(text, last, end, line_no)
            out.append({"start": start, "end": end})
            cursor = end
        record["sentences"] = out

    if "entities" in layers:
        out, cursor = [], 0
        for line_no, line in layers["entities"]:
            span_text, label = _fields(line, 2, 2, line_no)
            start, end = find_span(text, span_text, cursor, line_no)
            out.append({"start": start, "end": end, "text": text[start:end], "label": label})
            cursor = end
        record["entities"] = out

    if "dates" in layers:
        out, cursor = [], 0
        for line_no, line in layers["dates"]:
            span_text, value, mod = _fields(line, 2, 3, line_no)
            start, end = find_span(text, span_text, cursor, line_no)
            out.append({"start": start, "end": end, "text": text[start:end],
                        "value": _null(value), "mod": _null(mod)})
            cursor = end
        record["dates"] = out

    if "numbers" in layers:
        out, cursor = [], 0
        for line_no, line in layers["numbers"]:
            span_text, value, kind, unit, mod = _fields(line, 3, 5, line_no)
            start, end = find_span(text, span_text, cursor, line_no)
            out.append({"start": start, "end": end, "text": text[start:end],
                        "value": _number(value), "kind": kind,
                        "unit": _null(unit), "mod": _null(mod)})
            cursor = end
        record["numbers"] = out

    if "facts" in layers:
        numbers = record.get("numbers")
        if numbers is None:
            raise DraftError("facts need a numbers layer")
        out, cursor = [], 0
        for line_no, line in layers["facts"]:
            ftype, value, mod, number_text, trigger_text = _fields(line, 5, 5, line_no)
            # The number is the first drafted numbers entry at/after the cursor
            # whose span starts where the text matches ("4" never hits "744").
            by_start = {n["start"]: n for n in numbers}
            number = None
            search_from = cursor
            while number is None:
                start, _ = find_span(text, number_text, search_from, line_no)
                number = by_start.get(start)
                search_from = start + 1
            trigger = None
            if _null(trigger_text) is not None:
                pat = _pattern(_split_occurrence(trigger_text)[0])
                hits = list(pat.finditer(text))
                if not hits:
                    raise DraftError(f"line {line_no}: trigger {trigger_text!r} not found")
                best = min(hits, key=lambda m: abs(m.start() - number["start"]))
                trigger = {"start": best.start(), "end": best.end()}
            out.append({"type": ftype, "value": _number(value), "mod": _null(mod),
                        "number": {"start": number["start"], "end": number["end"]},
                        "trigger": trigger})
            cursor = number["start"]
        record["facts"] = out
    return record


def check_record(record: dict) -> list[str]:
    """SPEC rules a draft can break: sentence coverage, entity overlap."""
    text = record["text"]
    problems = []
    if "sentences" in record:
        covered = [False] * len(text)
        for s in record["sentences"]:
            if text[s["start"]].isspace() or text[s["end"] - 1].isspace():
                problems.append(f"segment {s} starts or ends on whitespace")
            for i in range(s["start"], s["end"]):
                if covered[i]:
                    problems.append(f"segment {s} overlaps another at {i}")
                    break
                covered[i] = True
        for m in re.finditer(r"\S+", text):
            if not all(covered[m.start():m.end()]):
                problems.append(f"text {m.group()!r} at {m.start()} is in no segment")
    for layer in ("entities", "dates", "numbers"):
        spans = sorted((s["start"], s["end"]) for s in record.get(layer, []))
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1:
                problems.append(f"{layer}: spans {(a0, a1)} and {(b0, b1)} overlap")
    return problems


def main(argv: list[str]) -> int:
    """``python -m pipeline.gold_draft DRAFT OUT.jsonl [--root DIR]``."""
    if len(argv) < 2:
        print("usage: python -m pipeline.gold_draft DRAFT OUT.jsonl [--root DIR]", file=sys.stderr)
        return 2
    root = Path(argv[argv.index("--root") + 1]) if "--root" in argv else Path(".")
    draft_path, out_path = Path(argv[0]), Path(argv[1])
    try:
        record = compile_draft(draft_path.read_text(encoding="utf-8"), root)
    except (DraftError, KeyError, OSError, UnicodeDecodeError) as exc:
        print(f"{draft_path}: {exc}", file=sys.stderr)
        return 1
    out_path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    for warning in check_record(record):
        print(f"{draft_path}: warning: {warning}", file=sys.stderr)
    counts = {k: len(record[k]) for k in LAYERS if k in record}
    print(f"{out_path}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
