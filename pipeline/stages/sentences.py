"""Sentences stage: spaCy's sentences, repaired for this genre, in original offsets.

The parser splits inside names (``News.Az``) and after abbreviations
(``Distr.:``, ``Tel. +226``); the normaliser already marked hard line breaks. A
boundary is kept only at a hard break or after sentence-final punctuation
followed by white space; segments are trimmed so they start and end on a
non-space char. A paragraph number or bullet stays with its paragraph
("1. The Government ..."), a bullet glyph inside a line starts a segment, and a
dotted abbreviation ends a sentence when a new one follows ("the E.U. The talks",
"at 6 P.M. Police said"), but not inside a name ("the U.N. Security Council").
"""

from __future__ import annotations

import re

from ..document import Document

FINAL = re.compile(r"[.!?…][\"”’'»)\]]*$")
# A segment that is only a paragraph number or a bullet: it belongs to what follows.
MARKER_ONLY = re.compile(r"(?:\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z]\)|\(?[ivxlc]{1,6}[.)]|[•●▪◦‣∙·*\-–—])")
# Bullet glyphs inside a line ("… attack; • support …").
INLINE_BULLET = re.compile(r"(?<=\S)\s+(?=[•●▪◦‣]\s)")
# "Tel. +226 ...", "No. 12": a short abbreviation before a number does not end a sentence.
ABBREV_BEFORE_NUMBER = re.compile(r"(?:^|\s)[A-Za-z]{1,4}\.$")
# ... nor before a reference in capitals and digits: "Ref. NHRC/PR/117/2025", "Doc. A/74/649".
IDENTIFIER = re.compile(r"[A-Z]{1,10}[/\-][A-Z0-9/\-]*\d")
# A dotted abbreviation, then a capitalised word: "E.U. The", "6 P.M. Police".
DOTTED_END = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,})\s+(?=([A-Z][\w’']*))")
CLOCK_ABBREV = frozenset({"a.m.", "p.m."})
# A date line glued to the first sentence: "date 2026-02-26 Azerbaijan's Ministry ...".
LEADING_ISO_DATE = re.compile(r"^(?:\S+\s+){0,2}\d{4}-\d{2}-\d{2}\s+(?=[A-Z\"“])")


def _starter_words() -> frozenset[str]:
    """Words that begin a sentence far more often than a name: spaCy's English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_STARTERS: frozenset[str] | None = None


def _split_inside(norm_text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut one segment before inline bullets, after a leading ISO date line, and after
    a dotted abbreviation that ends a sentence: always after a.m./p.m., else when the
    next word is a stop word."""
    global _STARTERS
    cuts = [m.end() for m in INLINE_BULLET.finditer(norm_text, start, end)]
    lead = LEADING_ISO_DATE.match(norm_text[start:end])
    if lead:
        cuts.append(start + lead.end())
    for m in DOTTED_END.finditer(norm_text, start, end):
        if m.end() >= end:
            continue
        if _STARTERS is None:
            _STARTERS = _starter_words()
        if m.group(1).lower() in CLOCK_ABBREV or m.group(2).lower() in _STARTERS:
            cuts.append(m.end())
    out, s = [], start
    for cut in sorted(set(cuts)):
        piece_end = s + len(norm_text[s:cut].rstrip())
        if piece_end > s:
            out.append((s, piece_end))
        s = cut
    out.append((s, end))
    return out


def segments(norm_text: str, sentence_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge parser sentences whose boundary is not a real one; split where a list
    item or a sentence after an abbreviation starts; trim white space.

    ``sentence_spans``: the parser's (start, end) char spans over ``norm_text``;
    returns (start, end) spans of the segments in order.
    """
    merged: list[list[int]] = []
    for start, end in sentence_spans:
        piece = norm_text[start:end]
        lead = len(piece) - len(piece.lstrip())
        start += lead
        end = start + len(norm_text[start:end].rstrip())
        if end <= start:
            continue
        if merged:
            prev_start, prev_end = merged[-1]
            gap = norm_text[prev_end:start]
            hard = "\n" in gap
            final = FINAL.search(norm_text[prev_start:prev_end]) is not None and gap != ""
            if not hard and not final:
                merged[-1][1] = end
                continue
            if not hard and norm_text[start].islower():
                merged[-1][1] = end
                continue
            if MARKER_ONLY.fullmatch(norm_text[prev_start:prev_end]):
                merged[-1][1] = end  # "1." + "The Government ...": one paragraph
                continue
            if not hard and (norm_text[start] in "+(0123456789" or IDENTIFIER.match(norm_text, start)) \
                    and ABBREV_BEFORE_NUMBER.search(norm_text[prev_start:prev_end]):
                merged[-1][1] = end
                continue
        merged.append([start, end])
    return [piece for s, e in merged for piece in _split_inside(norm_text, s, e)]


class SentencesStage:
    """Stage ``sentences``: reads ``textmap`` and ``parsed``; writes ``sentences``, one
    {"start", "end"} dict per segment (half-open offsets into the original text, in
    order), from the parser's sentences repaired by :func:`segments`. Takes no config.
    """

    name = "sentences"
    requires = ("textmap", "parsed")
    assigns = ("sentences",)

    def __call__(self, doc: Document) -> Document:
        spans = [(s.start_char, s.end_char) for s in doc.parsed.sents]
        doc.sentences = [
            dict(zip(("start", "end"), doc.from_normalised(s, e)))
            for s, e in segments(doc.textmap.text, spans)
        ]
        return doc
