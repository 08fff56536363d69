"""The Document that flows from stage to stage.

Every layer item is a SPEC-shaped dict in ORIGINAL offsets; stages that work on
the normalised copy convert through ``textmap`` before they write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .textmap import TextMap


@dataclass
class Document:
    """One input document and the layers the stages add to it.

    ``text`` is the decoded input; every layer list holds SPEC v2 item dicts whose
    ``start``/``end`` are half-open offsets into ``text``. ``textmap`` (normalise stage)
    maps them to the normalised copy that ``parsed`` (a spaCy Doc, parse stage) covers.
    ``errors`` collects per-document problems, ``provenance`` per-layer rule notes,
    ``assigned`` the layer names set so far.
    """

    doc_id: str
    path: str
    sha256: str
    text: str
    textmap: Optional[TextMap] = None
    parsed: Any = None  # the spaCy Doc over textmap.text
    doc_date: Optional[dict] = None
    # From a .jsonl input line: {"line", "name", "url", "title", "extra"} (SPEC v2 `source`).
    source_info: dict = field(default_factory=dict)
    # A doc_date given as metadata (TIMEX3 value); it wins over any date in the text.
    meta_doc_date: Optional[str] = None
    sentences: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    numbers: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    provenance: dict[str, list[dict]] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=lambda: {"text"})

    def span(self, start: int, end: int) -> dict:
        """A SPEC span dict (start, end, text) in original offsets."""
        return {"start": start, "end": end, "text": self.text[start:end]}

    def tokens(self, start: int, end: int) -> Any:
        """The spaCy Span of the parse over ORIGINAL offsets [start, end), widened to
        whole tokens; None when there is no parse or no token there."""
        if self.parsed is None or self.textmap is None:
            return None
        span = self.parsed.char_span(*self.textmap.span_to_normalised(start, end), alignment_mode="expand")
        return span if span is not None and len(span) else None

    def from_normalised(self, start: int, end: int) -> tuple[int, int]:
        """Half-open span [start, end) of the normalised text -> the half-open span of
        ``text`` it came from (TextMap.span_to_original). AssertionError when there is no
        ``textmap`` yet (before the normalise stage)."""
        assert self.textmap is not None
        return self.textmap.span_to_original(start, end)
