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
    == events
    e1 | INCIDENT | NAME TEXT | DATE TEXT | PLACE TEXT   ('-' = null)
    == facts
    killed | 150 | MOD | NUMBER TEXT | TRIGGER TEXT | EVENT | PART_OF | SOURCE | CUE
                    (trigger '-' = null; the last four are optional, '-' = null)

Version 2 (SPEC v2) additions:

* A document that is a line of a ``.jsonl`` input: ``source: FEED.jsonl`` and
  ``line: N`` (1-based); its text, id and metadata come from that line, and
  ``source.sha256`` is the sha256 of the UTF-8 bytes of its text.
* ``doc_date: metadata | 2024-03-13`` for a date given as metadata.
* ``== events``: each of name / date / place is the FIRST mention in the document
  of that text among the drafted EVENT entities / dates entries / GPE, LOC or FAC
  entities (SPEC: "the first such mention"); a date copies its entry's value. The
  incident name is gold only.
* Facts: ``EVENT`` is an id of ``== events``; ``PART_OF`` the 0-based index among
  the fact lines of the total this figure breaks down; ``SOURCE`` and ``CUE`` are
  span texts, each taken at the occurrence nearest the number (``#N`` forces the
  N-th in the document); attribution is null when both are '-'.

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

LAYERS = ("sentences", "entities", "dates", "numbers", "events", "facts")
PLACE_LABELS = ("GPE", "LOC", "FAC")


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
    doc_id = header.get("doc_id", Path(source).stem)
    source_info: dict = {"path": source}
    if "line" in header:
        line = int(header["line"])
        lines = raw_bytes.decode("utf-8").splitlines()
        if not 0 < line <= len(lines):
            raise DraftError(f"{source} has no line {line}")
        obj = json.loads(lines[line - 1])
        text = obj["text"]
        if doc_id != obj.get("id"):
            raise DraftError(f"doc_id {doc_id!r} != id {obj.get('id')!r} on line {line} of {source}")
        known = {"id", "text", "doc_date", "source", "url", "title"}
        source_info.update(sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), line=line,
                           name=obj.get("source"), url=obj.get("url"), title=obj.get("title"),
                           extra={k: v for k, v in obj.items() if k not in known})
    else:
        text = raw_bytes.decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        source_info["sha256"] = hashlib.sha256(raw_bytes).hexdigest()
    record: dict = {
        "schema_version": "2",
        "doc_id": doc_id,
        "text": text,
        "source": source_info,
        "doc_date": None,
        "errors": [],
        "meta": {"gold": True, "annotator": header.get("annotator", "unknown")},
    }
    doc_date = header.get("doc_date", "null")
    if _null(doc_date) is not None:
        span_text, value = _fields(doc_date, 2, 2, 0)
        if span_text == "metadata":
            record["doc_date"] = {"value": value, "start": None, "end": None, "from": "metadata"}
        else:
            start, end = find_span(text, span_text, 0, 0)
            record["doc_date"] = {"value": value, "start": start, "end": end, "from": "text"}

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

    if "events" in layers:
        record["events"] = _compile_events(text, record, layers["events"])

    if "facts" in layers:
        numbers = record.get("numbers")
        if numbers is None:
            raise DraftError("facts need a numbers layer")
        event_ids = {e["id"] for e in record.get("events", [])}
        out, cursor = [], 0
        for line_no, line in layers["facts"]:
            (ftype, value, mod, number_text, trigger_text,
             event, part_of, source_text, cue_text) = _fields(line, 5, 9, line_no)
            # The number is the first drafted numbers entry at/after the cursor
            # whose span is exactly where the text matches ("4" never hits
            # "744", "5" never hits "50").
            by_start = {n["start"]: n for n in numbers}
            number = None
            search_from = cursor
            while number is None:
                start, end = find_span(text, number_text, search_from, line_no)
                number = by_start.get(start)
                if number is not None and number["end"] > end:
                    number = None  # "5" is not the numbers entry "50"
                search_from = start + 1
            # Nearest occurrence to the number; ``#N`` forces the N-th (e.g. a
            # table header word that gives the type of every row).
            trigger = _nearest_span(text, trigger_text, number["start"], line_no)
            if trigger is not None:
                trigger = {"start": trigger["start"], "end": trigger["end"]}
            if _null(event) is not None and event not in event_ids:
                raise DraftError(f"line {line_no}: event {event!r} is not in == events")
            if _null(part_of) is not None and not 0 <= int(part_of) < len(layers["facts"]):
                raise DraftError(f"line {line_no}: part_of {part_of!r} is not a fact index")
            source_span = _nearest_span(text, source_text, number["start"], line_no)
            cue_span = _nearest_span(text, cue_text, number["start"], line_no)
            attribution = None
            if source_span or cue_span:
                attribution = {"source": source_span, "cue": cue_span}
            out.append({"type": ftype, "value": _number(value), "mod": _null(mod),
                        "number": {"start": number["start"], "end": number["end"]},
                        "trigger": trigger, "event": _null(event),
                        "part_of": None if _null(part_of) is None else int(part_of),
                        "attribution": attribution})
            cursor = number["start"]
        record["facts"] = out
    return record


def _nearest_span(text: str, raw: str, anchor: int, line_no: int) -> dict | None:
    """The occurrence of ``raw`` nearest ``anchor`` (``#N``: the N-th), as a span dict."""
    if _null(raw) is None:
        return None
    span_text, nth = _split_occurrence(raw)
    if nth is not None:
        start, end = find_span(text, raw, 0, line_no)
    else:
        hits = list(_pattern(span_text).finditer(text))
        if not hits:
            raise DraftError(f"line {line_no}: {span_text!r} not found")
        best = min(hits, key=lambda m: abs(m.start() - anchor))
        start, end = best.start(), best.end()
    return {"start": start, "end": end, "text": text[start:end]}


def _first_item(text: str, raw: str, items: list[dict], line_no: int, what: str) -> dict:
    """The first drafted item (in document order) whose span is an occurrence of ``raw``;
    ``raw #N`` takes the N-th occurrence in the document, which must be a drafted item
    (for a first mention of the event that an earlier same text is not: a letter's date
    heading is no mention of the event)."""
    span_text, nth = _split_occurrence(raw)
    if _null(span_text) is None:
        return {}
    matches = list(_pattern(span_text).finditer(text))
    if nth is not None:
        matches = matches[nth - 1:nth] if 0 < nth <= len(matches) else []
    starts = {m.start(): m.end() for m in matches}
    for item in sorted(items, key=lambda i: i["start"]):
        if starts.get(item["start"]) == item["end"]:
            return item
    raise DraftError(f"line {line_no}: {raw!r} is not drafted as {what}")


def _compile_events(text: str, record: dict, lines: list[tuple[int, str]]) -> list[dict]:
    entities = record.get("entities")
    dates = record.get("dates")
    if entities is None or dates is None:
        raise DraftError("events need the entities and dates layers")
    names = [e for e in entities if e["label"] == "EVENT"]
    places = [e for e in entities if e["label"] in PLACE_LABELS]
    out = []
    for line_no, line in lines:
        event_id, incident, name, date, place = _fields(line, 2, 5, line_no)
        if event_id != f"e{len(out) + 1}":
            raise DraftError(f"line {line_no}: event id {event_id!r} should be 'e{len(out) + 1}'")
        event: dict = {"id": event_id, "name": None, "date": None, "place": None,
                       "incident": _null(incident)}
        found = _first_item(text, name, names, line_no, "an EVENT entity")
        if found:
            event["name"] = {k: found[k] for k in ("start", "end", "text")}
        found = _first_item(text, date, dates, line_no, "a dates entry")
        if found:
            event["date"] = {k: found[k] for k in ("start", "end", "text", "value")}
        found = _first_item(text, place, places, line_no, "a GPE/LOC/FAC entity")
        if found:
            event["place"] = {k: found[k] for k in ("start", "end", "text")}
        out.append(event)
    return out


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
