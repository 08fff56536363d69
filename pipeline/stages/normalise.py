"""Normalise stage: unwrap and fold whitespace, keeping a map to the original."""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..lexicon import read_word_list
from ..textmap import normalise


class NormaliseStage:
    """Stage ``normalise``: reads ``text``; writes ``textmap`` (pipeline/textmap.py), the
    unwrapped, white-space-folded copy and its offset map back to the original.

    Config ``[normalise]``: ``joining_words``, a word list (one a line) of words that
    cannot end a line of running text: a line break after one is taken as a wrap
    (textmap.is_soft_break). OSError when the list cannot be read.
    """

    name = "normalise"
    requires = ("text",)
    assigns = ("textmap",)

    def __init__(self, joining_words: Path):
        self.joining_words = frozenset(read_word_list(joining_words))

    def __call__(self, doc: Document) -> Document:
        doc.textmap = normalise(doc.text, self.joining_words)
        return doc
