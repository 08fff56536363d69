"""Entities stage: spaCy's entities (model + gazetteer ruler), cut to SPEC extents.

The model's systematic errors on this genre are fixed by general rules whose
word lists live in configs/: strip a leading article, a possessive, quotes and
trailing punctuation; drop titles and roles; retag demonyms as NORP; never let a
span cross a sentence boundary; drop numbers that are identifiers.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from ..document import Document
from ..identifiers import is_identifier_number
from ..lexicon import read_toml, read_word_list
from .parse import GAZETTEER_KEY

# Proper-name labels: such a span never starts with a lower-case word.
NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT")
EDGE_PUNCT = "\"'“”‘’«»()[]{},.;:!?–—-"


def trim_span(text: str, start: int, end: int, strip_words: frozenset[str]) -> tuple[int, int]:
    """Shrink [start, end) past articles, possessives, quotes and punctuation."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and (text[start].isspace() or text[start] in EDGE_PUNCT):
            start, changed = start + 1, True
        while end > start and (text[end - 1].isspace() or text[end - 1] in EDGE_PUNCT):
            end, changed = end - 1, True
        m = re.match(r"(\w+)\s+", text[start:end])
        if m and m.group(1).lower() in strip_words:
            start, changed = start + m.end(), True
        m = re.search(r"['’]s?$", text[start:end])
        if m and end - start > 2:
            end, changed = start + m.start(), True
        span = text[start:end]
        if span.count("(") > span.count(")"):  # "X (Ombudsman" -> "X"
            end, changed = start + span.rindex("("), True
        m = re.search(r"\s+(?:of|the|and|for|in|to)$", text[start:end])
        if m:  # a name cut by the model: "Ministry of Foreign Affairs of"
            end, changed = start + m.start(), True
    return start, end


CLOCK_TIME = re.compile(r"(,?\s+(?:at\s+)?)(\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)")
INSTITUTION_OF = re.compile(r"^\s+of\s+(?:the\s+)?$")


def merge_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join names the model cut in two (longest name wins, SPEC).

    "Ministry of Foreign Affairs" + "of the" + "Republic of Azerbaijan" -> one ORG;
    "Soviet" (NORP) + "Army" (ORG) written together -> one ORG.
    """
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if out:
            p_start, p_end, p_label = out[-1]
            gap = text[p_end:start]
            if p_label in ("ORG", "FAC") and label in ("ORG", "GPE") and INSTITUTION_OF.match(gap):
                out[-1] = (p_start, end, "ORG")
                continue
            if p_label == "NORP" and label == "ORG" and gap == " " and text[p_start].isupper():
                out[-1] = (p_start, end, "ORG")
                continue
        out.append((start, end, label))
    return out


class EntitiesStage:
    name = "entities"
    requires = ("textmap", "parsed", "sentences", "dates")
    assigns = ("entities",)

    def __init__(self, label_fixes: Path, strip_words: Path):
        fixes = read_toml(label_fixes)
        self.strip_words = frozenset(read_word_list(strip_words))
        self.not_entities = {s.lower() for s in fixes.get("not_entities", {}).get("phrases", [])}
        self.title_prefixes = sorted(
            (s.lower() for s in fixes.get("titles", {}).get("prefixes", [])), key=len, reverse=True
        )
        self.head_label = {
            word: label for label, words in fixes.get("head_label", {}).items() for word in words
        }
        self.force_label = {
            word.lower(): label
            for label, words in fixes.get("force_label", {}).items()
            for word in words
        }

    def _label(self, span_text: str, label: str) -> str:
        forced = self.force_label.get(span_text.lower())
        if forced:
            return forced
        words = span_text.split()
        if label in ("ORG", "GPE", "LOC", "PERSON") and len(words) > 1:
            for head in (words[-1], words[0]):  # "Alley of Martyrs", "Martyrs’ Alley"
                if head in self.head_label:
                    return self.head_label[head]
        return label

    def _trimmed(self, text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
        """SPEC extent of a candidate, or None when nothing of it is an entity."""
        start, end = trim_span(text, start, end, self.strip_words)
        lowered = text[start:end].lower()
        if label == "PERSON":
            for prefix in self.title_prefixes:
                if lowered.startswith(prefix + " "):
                    start += len(prefix) + 1
                    lowered = text[start:end].lower()
                    break
        if end <= start or lowered in self.not_entities:
            return None
        if any(lowered.startswith(title + " of ") for title in self.not_entities):
            return None  # "Permanent Representative of X": a title; X is found on its own
        if text[start].islower() and label in NAME_LABELS:
            return None
        if label in ("CARDINAL", "ORDINAL") and is_identifier_number(text, start, end):
            return None
        return start, end

    def _candidates(self, doc: Document) -> list[tuple[int, int, str]]:
        """Model entities and gazetteer matches, trimmed, then longest first; ties go to
        the gazetteer. The dates layer is authoritative for time: model DATE/TIME spans
        are replaced by one DATE entity per dates entry (same extent, SPEC house rule).
        """
        tm = doc.textmap
        text = tm.text
        dates = [tm.span_to_normalised(d["start"], d["end"]) for d in doc.dates
                 if d["value"] not in ("PRESENT_REF", "PAST_REF", "FUTURE_REF")]
        raw = [(e.start_char, e.end_char, e.label_, 0) for e in doc.parsed.ents
               if e.label_ not in ("DATE", "TIME")]
        raw += [(s.start_char, s.end_char, s.label_, 1) for s in doc.parsed.spans.get(GAZETTEER_KEY, [])]
        spans = []
        for s, e in dates:
            # A dateline: the date is DATE and the clock time TIME (SPEC).
            clock = CLOCK_TIME.search(text, s, e)
            if clock:
                spans += [(s, clock.start(1), "DATE", 2), (clock.start(2), clock.end(2), "TIME", 2)]
            else:
                spans.append((s, e, "DATE", 2))
        for start, end, label, priority in raw:
            trimmed = self._trimmed(text, start, end, label)
            if trimmed:
                spans.append((*trimmed, label, priority))
        spans.sort(key=lambda x: (-(x[1] - x[0]), -x[3], x[0]))
        chosen: list[tuple[int, int, str]] = []
        for start, end, label, _ in spans:
            if all(end <= s or e <= start for s, e, _ in chosen):
                chosen.append((start, end, label))
        return merge_names(text, sorted(chosen))

    def __call__(self, doc: Document) -> Document:
        text = doc.textmap.text
        ends = [s["end"] for s in doc.sentences]
        out = []
        for start, end, c_label in self._candidates(doc):
            o_start, o_end = doc.from_normalised(start, end)
            # Never cross a sentence boundary: keep the part in the first sentence.
            i = bisect.bisect_right(ends, o_start)
            if i < len(ends) and o_end > ends[i]:
                o_end = ends[i]
                o_start, o_end = trim_span(doc.text, o_start, o_end, self.strip_words)
                if o_end <= o_start:
                    continue
            label = self._label(doc.text[o_start:o_end], c_label)
            out.append({**doc.span(o_start, o_end), "label": label})
        doc.entities = out
        return doc
