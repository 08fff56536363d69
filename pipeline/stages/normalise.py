"""Normalise stage: unwrap and fold whitespace, keeping a map to the original."""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..lexicon import read_word_list
from ..textmap import normalise


class NormaliseStage:
    name = "normalise"
    requires = ("text",)
    assigns = ("textmap",)

    def __init__(self, joining_words: Path):
        self.joining_words = frozenset(read_word_list(joining_words))

    def __call__(self, doc: Document) -> Document:
        doc.textmap = normalise(doc.text, self.joining_words)
        return doc
