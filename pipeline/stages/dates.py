"""Dates stage: temporal expressions with TIMEX3 values, and the document date.

Candidates come from the TIMEX grammar (pipeline/timex.py) and from the model's
DATE/TIME entities; dateparser (behind its adapter) only normalises model
candidates the grammar does not cover. Values that need an anchor are resolved
in document order (HeidelTime's narrative strategy): a year-less date takes the
year of the narrative (the last date with a year and a month), an event-name
date takes the year the text gives that day elsewhere, relative expressions use
the document date. Each item's rule and anchor go to ``provenance``.
"""

from __future__ import annotations

import bisect
import re
from datetime import date
from pathlib import Path
from typing import Optional

from ..adapters.dateparser_adapter import parse_date
from ..document import Document
from ..identifiers import is_identifier_number
from ..lexicon import read_toml
from ..timex import (Timex, TimexFinder, _shift, granularity, parse_value_date,
                     relative_value)

LEADING_WORDS = re.compile(r"^(?:the|a|an|on|in|at|by|since|until|till|from|before|after|during|of|for|over|about|around)\s+", re.I)


def doc_date_candidates(text: str, timexes: list[Timex]) -> Optional[Timex]:
    """The dateline/date line at the top, else the last date standing alone on a line."""
    full = [t for t in timexes if t.value and granularity(t.value) == 3]
    for t in full:
        line_start = text.rfind("\n", 0, t.start) + 1
        line_end = text.find("\n", t.end)
        line_end = len(text) if line_end < 0 else line_end
        before = text[line_start:t.start].strip().lower()
        after = text[t.end:line_end].strip()
        top = text[:t.start].strip() == "" or text.count("\n", 0, t.start) <= 6
        if not top:
            break
        if before in ("", "date", "date:", "dated") or before.endswith(("dated", "date:")) \
                or t.parts.get("clock") or (not after and len(before) < 40):
            return t
    for t in reversed(full):
        line_start = text.rfind("\n", 0, t.start) + 1
        line_end = text.find("\n", t.end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:t.start].strip() and not text[t.end:line_end].strip():
            return t
    return None


def merge_relative_year(text: str, timexes: list[Timex]) -> list[Timex]:
    """'19–20 September last year' is one expression: the year comes from the relative part."""
    out: list[Timex] = []
    for t in timexes:
        prev = out[-1] if out else None
        if (prev is not None and prev.needs == "year" and t.needs == "doc" and "rel" in t.parts
                and t.parts["rel"].startswith("year") and text[prev.end:t.start].strip() == ""):
            prev.end, prev.needs, prev.rule = t.end, "doc", prev.rule + "+relative-year"
            prev.parts = {**prev.parts, "rel": t.parts["rel"]}
            continue
        out.append(t)
    return out


def _day(value: Optional[str], last: bool = True) -> Optional[str]:
    """The day a value names (the last day of a range when ``last``)."""
    if not value:
        return None
    part = value.split("/")[-1 if last else 0]
    return part[:10] if granularity(part) == 3 else None


class DatesStage:
    name = "dates"
    requires = ("textmap", "parsed", "sentences")
    assigns = ("dates", "doc_date")

    def __init__(self, lexicon: Path):
        self.lexicon = read_toml(lexicon)
        self.finder = TimexFinder(self.lexicon)
        self.event_heads = set(self.lexicon.get("event_heads", {}).get("words", []))
        self.recurring_cues = [c.lower() for c in self.lexicon.get("recurring", {}).get("cues", [])]
        self.not_dates = {w.lower() for w in self.lexicon.get("not_dates", {}).get("phrases", [])}

    # -- candidates -------------------------------------------------------
    def _model_candidates(self, doc: Document, taken: list[Timex]) -> list[Timex]:
        """Model DATE/TIME spans the grammar missed, kept only if dateparser reads them."""
        out = []
        for ent in doc.parsed.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            s, e = ent.start_char, ent.end_char
            if any(t.start < e and s < t.end for t in taken):
                continue
            span = doc.textmap.text[s:e]
            m = LEADING_WORDS.match(span)
            while m:
                s += m.end()
                span = doc.textmap.text[s:e]
                m = LEADING_WORDS.match(span)
            if not span or span.lower() in self.not_dates or not any(c.isdigit() for c in span):
                continue
            if is_identifier_number(doc.textmap.text, s, e):
                continue
            value = parse_date(span)
            if value:
                out.append(Timex(s, e, "model+dateparser", value=value))
        return out

    # -- resolution -------------------------------------------------------
    def _sentence(self, doc: Document, start: int) -> tuple[int, int]:
        """Normalised span of the segment (sentences layer) holding a normalised offset."""
        o_start, _ = doc.from_normalised(start, start + 1)
        i = bisect.bisect_right([s["start"] for s in doc.sentences], o_start) - 1
        if i >= 0 and o_start < doc.sentences[i]["end"]:
            return doc.textmap.span_to_normalised(doc.sentences[i]["start"], doc.sentences[i]["end"])
        return start, start + 1

    def _tense(self, doc: Document, start: int) -> int:
        """-1 past, +1 future, 0 unknown, for the sentence around a normalised offset."""
        s, e = self._sentence(doc, start)
        span = doc.parsed.char_span(s, e, alignment_mode="expand")
        if span is None:
            return 0
        if any(t.lower_ in ("will", "shall") for t in span):
            return 1
        if any(t.tag_ in ("VBD", "VBN") for t in span):
            return -1
        return 0

    def _recurring(self, doc: Document, t: Timex) -> bool:
        s, e = self._sentence(doc, t.start)
        sentence = doc.textmap.text[s:e].lower()
        return any(cue in sentence for cue in self.recurring_cues)

    def _in_event_name(self, text: str, t: Timex) -> bool:
        """"20 January tragedy", "the tragedy of January 20": the date names an event."""
        nxt = re.match(r"[\s,]*(?:\d{4}\s+)?(\w+)", text[t.end:t.end + 30])
        prev = re.search(r"(\w+)\s+of\s+$", text[max(0, t.start - 30):t.start])
        return bool(nxt and nxt.group(1).lower() in self.event_heads) or bool(
            prev and prev.group(1).lower() in self.event_heads)

    def _month_only(self, t: Timex, known_months: dict[int, int], narrative: Optional[date],
                    doc_day: Optional[date], doc: Document) -> tuple[Optional[str], str]:
        """A bare month ("in May", "January events"): the year the text gives that month."""
        m = t.parts["m"]
        if self._in_event_name(doc.textmap.text, t) and m in known_months:
            return f"{known_months[m]:04d}-{m:02d}", "same month elsewhere in text (event name)"
        if narrative is not None:
            return f"{narrative.year:04d}-{m:02d}", f"narrative {narrative.isoformat()}"
        if m in known_months:
            return f"{known_months[m]:04d}-{m:02d}", "same month elsewhere in text"
        if doc_day is not None:
            year = doc_day.year - (1 if self._tense(doc, t.start) < 0 and m > doc_day.month else 0)
            return f"{year:04d}-{m:02d}", f"document date {doc_day.isoformat()}"
        return None, "none"

    def resolve(self, doc: Document, timexes: list[Timex], doc_day: Optional[date],
                doc_span: Optional[Timex]) -> list[tuple[Timex, str]]:
        """Fill values that need an anchor; returns (timex, anchor description)."""
        text = doc.textmap.text
        known_days: dict[tuple[int, int], int] = {}
        for t in timexes:
            for part in (t.value or "").split("/"):
                if granularity(part) == 3 and t is not doc_span:
                    y, m, d = (int(x) for x in part[:10].split("-"))
                    known_days[(m, d)] = min(y, known_days.get((m, d), y))
                    if "/" in (t.value or ""):
                        a, b = (parse_value_date(p) for p in t.value.split("/"))
                        if a and b and a.month == b.month:
                            for day in range(a.day, b.day + 1):
                                known_days[(a.month, day)] = min(a.year, known_days.get((a.month, day), a.year))
        known_months: dict[int, int] = {}
        for t in timexes:
            first = (t.value or "").split("/")[0]
            if granularity(first) >= 2 and t is not doc_span:
                known_months.setdefault(int(first[5:7]), int(first[:4]))
        narrative: Optional[date] = None
        last_day: Optional[str] = None
        last_value: Optional[str] = None
        out = []
        for t in timexes:
            anchor = "none"
            if t.needs == "year" and "d" not in t.parts and "d2" not in t.parts:
                t.value, anchor = self._month_only(t, known_months, narrative, doc_day, doc)
            elif t.needs == "year":
                m, d = t.parts["m"], t.parts.get("d") or t.parts.get("d2")
                d1 = t.parts.get("d1")
                year = None
                if t.rule == "holiday" and self._recurring(doc, t) or (
                        t.rule in ("day-month", "month-day") and self._recurring(doc, t)
                        and not self._in_event_name(text, t)):
                    t.value, anchor = f"XXXX-{m:02d}-{d:02d}", "recurring"
                else:
                    if self._in_event_name(text, t) and (m, d) in known_days:
                        year, anchor = known_days[(m, d)], "same day elsewhere in text (event name)"
                    elif narrative is not None:
                        year, anchor = narrative.year, f"narrative {narrative.isoformat()}"
                    elif (m, d) in known_days:
                        year, anchor = known_days[(m, d)], "same day elsewhere in text"
                    elif doc_day is not None:
                        year, anchor = doc_day.year, f"document date {doc_day.isoformat()}"
                    if year is not None and doc_day is not None and not anchor.startswith("same day"):
                        # A past event is never after the document date, a future one never before.
                        tense = self._tense(doc, t.start)
                        candidate = date(year, m, min(d, 28 if m == 2 else d))
                        if tense < 0 and candidate > doc_day:
                            year, anchor = year - 1, anchor + ", past tense"
                        elif tense > 0 and candidate < doc_day and anchor.startswith("document"):
                            year, anchor = year + 1, anchor + ", future tense"
                    if year is not None:
                        if d1:
                            t.value = f"{year:04d}-{m:02d}-{d1:02d}/{year:04d}-{m:02d}-{d:02d}"
                        else:
                            t.value = f"{year:04d}-{m:02d}-{d:02d}"
            elif t.needs == "doc":
                base = doc_day
                anchor = f"document date {doc_day.isoformat()}" if doc_day else "none"
                if t.parts.get("dir") in ("earlier", "later", "before", "after") and narrative:
                    base, anchor = narrative, f"narrative {narrative.isoformat()}"
                if base is not None:
                    if "rel" in t.parts and "m" in t.parts:
                        year = int(relative_value(t.parts["rel"], base)[:4])
                        m, d1, d2 = t.parts["m"], t.parts.get("d1") or t.parts.get("d"), t.parts.get("d2")
                        t.value = f"{year:04d}-{m:02d}-{d1:02d}" + (f"/{year:04d}-{m:02d}-{d2:02d}" if d2 else "")
                    elif "rel" in t.parts:
                        t.value = relative_value(t.parts["rel"], base)
                    else:
                        sign = 1 if t.parts["dir"] in ("later", "after") else -1
                        t.value = _shift(base, t.parts["n"], t.parts["unit"], sign)
                        t.mod = None if t.mod in ("MORE_THAN", "LESS_THAN") else t.mod
            elif t.needs == "anaphor":
                if t.parts["head"] in ("day", "night", "morning", "evening", "date"):
                    t.value, anchor = last_day, "previous day in text"
                else:
                    t.value = last_value[:4] if last_value and last_value[:4].isdigit() else None
                    anchor = "previous date in text (year)"
            else:
                anchor = "explicit"
            if t is not doc_span and t.value:
                if granularity(t.value.split("/")[0]) >= 2 and t.value[:4].isdigit():
                    narrative = parse_value_date(t.value.split("/")[-1])
                day = _day(t.value)
                if day:
                    last_day = day
                if t.value[:4].isdigit():
                    last_value = t.value
            out.append((t, anchor))
        return out

    def date_named_days(self, doc: Document, resolved: list[tuple[Timex, str]]) -> list[tuple[Timex, str]]:
        """A named day takes the day its sentence gives ("On 20 January 2024, X commemorates
        National Mourning Day"); with no day in the sentence it is left out."""
        out = []
        for t, anchor in resolved:
            if t.needs == "sentence-date":
                sentence = self._sentence(doc, t.start)
                days = [o for o, _ in resolved if o is not t and o.value and sentence[0] <= o.start < sentence[1]
                        and re.fullmatch(r"(\d{4}|XXXX)-\d{2}-\d{2}", o.value)]
                if not days:
                    continue
                nearest = min(days, key=lambda o: abs(o.start - t.start))
                t.value, anchor = nearest.value, "day given in the same sentence"
            out.append((t, anchor))
        return out

    def __call__(self, doc: Document) -> Document:
        text = doc.textmap.text
        timexes = [t for t in self.finder.find(text) if not is_identifier_number(text, t.start, t.end)
                   or t.rule not in ("year", "year-range")]
        timexes = merge_relative_year(text, sorted(timexes + self._model_candidates(doc, timexes), key=lambda t: t.start))
        doc_span = doc_date_candidates(text, timexes)
        doc_day = parse_value_date(doc_span.value) if doc_span else None
        if doc_span is not None:
            # The date part only (a dateline's clock time is not the document date).
            day_value = doc_span.value[:10]
            o_start, o_end = doc.from_normalised(doc_span.start, doc_span.end)
            date_text = re.match(r".*?\b(?:\d{4}|\d{4}-\d{2}-\d{2})\b", doc.text[o_start:o_end], re.S)
            if date_text:
                o_end = o_start + date_text.end()
            doc.doc_date = {"value": day_value, "start": o_start, "end": o_end}
        resolved = self.date_named_days(doc, self.resolve(doc, timexes, doc_day, doc_span))
        doc.dates, provenance = [], []
        for t, anchor in resolved:
            o_start, o_end = doc.from_normalised(t.start, t.end)
            doc.dates.append({**doc.span(o_start, o_end), "value": t.value, "mod": t.mod})
            provenance.append({"start": o_start, "end": o_end, "rule": t.rule, "anchor": anchor})
        doc.provenance["dates"] = provenance
        return doc
