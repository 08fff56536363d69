"""Sentences stage: spaCy's sentences, repaired for this genre, in original offsets.

The parser splits inside names (``News.Az``) and after abbreviations
(``Distr.:``); the normaliser already marked hard line breaks. A boundary is
kept only at a hard break or after sentence-final punctuation followed by
white space; segments are trimmed so they start and end on a non-space char.
"""

from __future__ import annotations

import re

from ..document import Document

FINAL = re.compile(r"[.!?…][\"”’'»)\]]*$")


def segments(norm_text: str, sentence_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge parser sentences whose boundary is not a real one; trim white space."""
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
        merged.append([start, end])
    return [(s, e) for s, e in merged]


class SentencesStage:
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
