"""Dates stage: temporal expressions with TIMEX3 values, and the document date.

Candidates come from the TIMEX grammar (``pipeline/timex_rules.py``, rules in
``configs/lexicons/timex_grammar.toml``) and from the model's DATE/TIME entities
that carry a year (dateparser, behind its adapter, reads those the grammar does
not cover). The document date is the metadata's when given (SPEC v2: it wins),
else the date line at the top of the text. Values that need an anchor are
resolved in text order by ``pipeline/timex_resolve.py`` (one function per kind of
anchor). Each item's rule and anchor go to ``provenance``. A rule or resolution
that fails on one expression loses that expression only, with a line in
``errors``.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Callable, Optional

from ..adapters.dateparser_adapter import parse_date
from ..document import Document
from ..identifiers import is_identifier_number
from ..lexicon import read_toml
from ..timex import Anchor, Timex, granularity, parse_value_date
from ..timex_resolve import Context, resolve_all
from ..timex_rules import TimexFinder, _alternation, is_phone_number, load_qualifiers

LEADING_WORDS = re.compile(r"^(?:the|a|an|on|in|at|by|since|until|till|from|before|after|during|of|for|over|about|around)\s+", re.I)
BARE_NUMBER = re.compile(r"\d+")


def doc_date_candidate(text: str, timexes: list[Timex], cues: list[str], top_lines: int = 8,
                       max_extra: int = 60, weak_cues: tuple[str, ...] = (),
                       to_text: Callable[[int, int], tuple[int, int]] = lambda s, e: (s, e),
                       dateline: tuple[str, str] = ("(?!)", "(?!)")) -> Optional[Timex]:
    """The expression that is the document's date: a date line or dateline at the top
    ("date 2025-01-17", "Issued on 7 November 2016.", "Posted: 14 Nov 2022",
    "Mon 14th November 2022 | 09:45 AM"), else the last day standing alone on a line
    (a signature date). Only expressions naming one day count; None if there is none.
    ``cues``: words that may stand before the date on its line, whatever follows it;
    ``weak_cues`` ("on"): only when little follows (dates.toml [doc_date]); ``dateline``:
    patterns of the place before and the dash after a wire dateline's date ("GENEVA,
    12 February 2026 - ..."). ``to_text`` maps an expression's offsets into ``text`` (the
    original text: its lines are the document's lines, before any unwrapping)."""
    place_re, dash_re = re.compile(dateline[0]), re.compile(dateline[1])
    cue_re = re.compile(r"(?:^|\b)(?:" + _alternation(cues) + r")\s*[:.,-]?$", re.I)
    weak_re = re.compile(r"(?:^|\b)(?:" + _alternation(weak_cues) + r")\s*[:.,-]?$", re.I)
    full = [(t, *to_text(t.start, t.end)) for t in timexes if _stated_day(t)]
    for t, start, end in full:
        if sum(1 for line in text[:start].splitlines() if line.strip()) > top_lines:
            break  # only the top lines (non-blank) hold a date line
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        before = text[line_start:start].strip()
        after = re.sub(r"^[\s.,;:|)\]]+|[\s.,;:|]+$", "", text[end:line_end])
        strong = bool(before) and len(before) <= max_extra and cue_re.search(before) is not None
        weak = bool(before) and weak_re.search(before) is not None and len(after) <= 25
        wire = place_re.search(before) is not None and dash_re.search(text[end:line_end].lstrip(" ,")) is not None
        if strong or weak or wire or (not before and len(after) <= max_extra) or (not after and len(before) <= max_extra):
            return t
    for t, start, end in reversed(full):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:start].strip() and not re.sub(r"[\s.]", "", text[end:line_end]):
            return t
    return None


def _stated_day(t: Timex) -> Optional[str]:
    """The day an expression states outright (before any resolution), or None."""
    if t.op == "datetime" and t.children:
        return _stated_day(t.children[0])
    v = t.value
    if v and "/" not in v and v[:4].isdigit() and granularity(v[:10]) == 3:
        return v[:10]
    return None


def _words_pattern(words: list[str]) -> re.Pattern:
    """Lower-case phrases as one whole-word pattern (never matches when empty)."""
    from ..patterns import trie_alternation

    return re.compile(r"\b(?:" + trie_alternation([w.lower() for w in words], flexible_spaces=True) + r")\b")


class DatesStage:
    """Stage ``dates``: reads ``textmap``, ``parsed`` and ``sentences`` (and the input's
    ``meta_doc_date``); writes ``dates`` (SPEC v2 items, half-open offsets into the
    original text), ``doc_date``, ``provenance["dates"]`` (rule and anchor per item) and
    ``errors`` lines for expressions it had to drop.

    Config ``[dates]``: ``lexicon`` (dates.toml), ``grammar`` (timex_grammar.toml),
    ``qualifiers`` (qualifiers.toml, its ``dates`` column). The constructor raises
    ValueError when the grammar, lexicon or qualifiers break their schema, and OSError /
    tomllib.TOMLDecodeError when a file cannot be read as TOML.
    """

    name = "dates"
    requires = ("textmap", "parsed", "sentences")
    assigns = ("dates", "doc_date")

    def __init__(self, lexicon: Path, grammar: Path, qualifiers: Path):
        self.lexicon = read_toml(lexicon)
        self.finder = TimexFinder(read_toml(grammar), self.lexicon, load_qualifiers(qualifiers))
        lx = self.finder.lex
        self.event_heads = set(lx.event_heads.get("words", []))
        self.recurring_cues = _words_pattern(lx.recurring.get("cues", []))
        self.declarations = _words_pattern(lx.recurring.get("declarations", []))
        self.day_nouns = _words_pattern(lx.recurring.get("day_nouns", []))
        self.not_dates = {w.lower() for w in lx.not_dates.get("phrases", [])}
        self.doc_cues = [str(c) for c in lx.doc_date.get("cues", [])]
        self.top_lines = int(lx.doc_date.get("top_lines", 8))
        self.max_extra = int(lx.doc_date.get("max_line_extra", 60))
        self.weak_cues = tuple(str(c) for c in lx.doc_date.get("weak_cues", []))
        self.dateline = (str(lx.doc_date.get("dateline_place", "(?!)")), str(lx.doc_date.get("dateline_after", "(?!)")))
        self.phone_cues = lx.phone.get("cues", [])
        self.future_aux = {w.lower() for w in lx.tense.get("future_aux", [])}
        self.future_heads = {w.lower() for w in lx.tense.get("future_heads", [])}
        self.day_heads = tuple(lx.anaphors.get("day_heads", ["day"]))

    # -- candidates -------------------------------------------------------
    def _model_candidates(self, doc: Document, taken: list[Timex], doc_day) -> list[Timex]:
        """Model DATE/TIME spans the grammar missed, kept only if they carry a year and
        dateparser reads them (so no value depends on the day the run happens), and are
        more than a bare number (the grammar's year rule decides those, units and counts
        after them included)."""
        out = []
        text = doc.textmap.text
        for ent in doc.parsed.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            s, e = ent.start_char, ent.end_char
            if any(t.start < e and s < t.end for t in taken):
                continue
            span = text[s:e]
            m = LEADING_WORDS.match(span)
            while m:
                s += m.end()
                span = text[s:e]
                m = LEADING_WORDS.match(span)
            if not span or span.lower() in self.not_dates or not re.search(r"\b(1[0-9]\d\d|20\d\d)\b", span):
                continue
            if BARE_NUMBER.fullmatch(span):
                continue  # a bare year is the grammar's call ("2000 milligrams", "2001 people")
            if is_identifier_number(text, s, e) or is_phone_number(text, s, e, self.phone_cues):
                continue
            value = parse_date(span)
            if value:
                out.append(Timex(s, e, "model+dateparser", value=value, kind="day" if granularity(value) == 3 else "other"))
        return out

    # -- context for resolution -------------------------------------------
    def _sentence(self, doc: Document, start: int) -> tuple[int, int]:
        """Normalised span of the segment (sentences layer) holding a normalised offset."""
        o_start, _ = doc.from_normalised(start, start + 1)
        starts = [s["start"] for s in doc.sentences]
        i = bisect.bisect_right(starts, o_start) - 1
        if i >= 0 and o_start < doc.sentences[i]["end"]:
            return doc.textmap.span_to_normalised(doc.sentences[i]["start"], doc.sentences[i]["end"])
        return start, start + 1

    def _tense(self, doc: Document, t: Timex) -> int:
        """-1 past, +1 future, 0 unknown: the verb the expression hangs on (its
        auxiliaries, or a head such as "expected to"), else the whole sentence."""
        span = doc.parsed.char_span(t.start, t.end, alignment_mode="expand")
        if span is not None:
            tok = span.root
            for _ in range(8):
                if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
                    break
                tok = tok.head
            if tok.pos_ in ("VERB", "AUX"):
                auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
                if any(a.lower_ in self.future_aux for a in auxes) or tok.lower_ in self.future_aux:
                    return 1
                if tok.dep_ == "xcomp" and (tok.head.lemma_.lower() in self.future_heads
                                            or any(a.lower_ in self.future_aux for a in tok.head.children)):
                    return 1
                if any(a.tag_ == "VBD" for a in auxes) or (tok.tag_ == "VBD" and not auxes):
                    return -1
                if tok.tag_ == "VBN" and any(a.lower_ in ("has", "have", "had", "was", "were") for a in auxes):
                    return -1
                if tok.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
                    return 0
        s, e = self._sentence(doc, t.start)
        sent = doc.parsed.char_span(s, e, alignment_mode="expand")
        if sent is None:
            return 0
        if any(tok.lower_ in ("will", "shall") for tok in sent):
            return 1
        if any(tok.tag_ == "VBD" for tok in sent):
            return -1
        return 0

    def _recurring(self, doc: Document, t: Timex) -> bool:
        """A cue of [recurring] in the date's sentence, or a declaration whose object
        names a day (after the declaring word, in the same sentence)."""
        s, e = self._sentence(doc, t.start)
        sentence = doc.textmap.text[s:e].lower()
        if self.recurring_cues.search(sentence):
            return True
        declared = self.declarations.search(sentence)
        return bool(declared and self.day_nouns.search(sentence, declared.end()))

    def _in_event_name(self, text: str, t: Timex) -> bool:
        """"20 January tragedy", "the tragedy of January 20", "Black January": the date names an event."""
        if t.rule.startswith("event-month"):
            return True
        nxt = re.match(r"[\s,]*(?:\d{4}\s+)?(\w+)", text[t.end:t.end + 30])
        prev = re.search(r"(\w+)\s+of\s+$", text[max(0, t.start - 30):t.start])
        return bool(nxt and nxt.group(1).lower() in self.event_heads) or bool(
            prev and prev.group(1).lower() in self.event_heads)

    def date_named_days(self, doc: Document, resolved: list[tuple[Timex, str]]) -> list[tuple[Timex, str]]:
        """A named day takes the day its sentence gives ("On 20 January 2024, X commemorates
        National Mourning Day"); with no day in the sentence it is left out."""
        out = []
        for t, anchor in resolved:
            if t.anchor == Anchor.SENTENCE:
                sentence = self._sentence(doc, t.start)
                days = [o for o, _ in resolved if o is not t and o.value and sentence[0] <= o.start < sentence[1]
                        and re.fullmatch(r"(\d{4}|XXXX)-\d{2}-\d{2}", o.value)]
                if not days:
                    continue
                nearest = min(days, key=lambda o: abs(o.start - t.start))
                t.value, anchor = nearest.value, "day given in the same sentence"
            out.append((t, anchor))
        return out

    # -- the stage ---------------------------------------------------------
    def __call__(self, doc: Document) -> Document:
        text = doc.textmap.text
        errors: list[str] = []
        timexes = self.finder.find(text, errors)
        doc_span = _guarded(errors, "document date", lambda: doc_date_candidate(
            doc.text, timexes, self.doc_cues, self.top_lines, self.max_extra, self.weak_cues,
            to_text=doc.from_normalised, dateline=self.dateline), None)
        doc_day = None
        if doc.meta_doc_date:
            doc.doc_date = {"value": doc.meta_doc_date, "start": None, "end": None, "from": "metadata"}
            doc_day = parse_value_date(doc.meta_doc_date)
        elif doc_span is not None:
            day_value = _stated_day(doc_span)
            end = doc_span.date_end or doc_span.end
            if doc_span.date_end is None and doc_span.children:
                end = doc_span.children[0].end
            o_start, o_end = doc.from_normalised(doc_span.start, end)
            doc.doc_date = {"value": day_value, "start": o_start, "end": o_end, "from": "text"}
            doc_day = parse_value_date(day_value)
        extra = _guarded(errors, "model candidates", lambda: self._model_candidates(doc, timexes, doc_day), [])
        timexes = sorted(timexes + extra, key=lambda t: t.start)
        ctx = Context(
            doc_day=doc_day,
            tense=lambda t: self._tense(doc, t),
            recurring=lambda t: self._recurring(doc, t),
            in_event_name=lambda t: self._in_event_name(text, t),
            same_sentence=lambda a, b: self._sentence(doc, a.start) == self._sentence(doc, b.start),
            day_heads=self.day_heads,
        )
        resolved = resolve_all(timexes, ctx, skip=doc_span, errors=errors)
        resolved = _guarded(errors, "named days", lambda: self.date_named_days(doc, resolved),
                            [(t, a) for t, a in resolved if t.anchor != Anchor.SENTENCE])
        doc.dates, provenance = [], []
        for t, anchor in resolved:
            try:
                o_start, o_end = doc.from_normalised(t.start, t.end)
                item = {**doc.span(o_start, o_end), "value": t.value, "mod": t.mod}
            except Exception as exc:  # one expression lost, never the document
                errors.append(f"dates: could not place {t.rule} at {t.start}: {type(exc).__name__}: {exc}")
                continue
            doc.dates.append(item)
            provenance.append({"start": o_start, "end": o_end, "rule": t.rule, "anchor": anchor})
        doc.provenance["dates"] = provenance
        doc.errors.extend(errors)
        return doc


def _guarded(errors: list[str], what: str, step: Callable, default):
    """Run one step of the stage; a failure is an ``errors`` line and the default, so the
    document keeps every other date."""
    try:
        return step()
    except Exception as exc:
        errors.append(f"dates: {what} failed: {type(exc).__name__}: {exc}")
        return default
