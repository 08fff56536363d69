"""Facts stage placeholder (issue 5 replaces it): links nothing yet, layer present."""

from __future__ import annotations

from pathlib import Path

from ..document import Document


class FactsStage:
    name = "facts"
    requires = ("parsed", "numbers")
    assigns = ("facts",)

    def __init__(self, triggers: Path):
        self.triggers = triggers

    def __call__(self, doc: Document) -> Document:
        doc.facts = []
        return doc
