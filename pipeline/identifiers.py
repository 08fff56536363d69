"""Numbers that are identifiers (document symbols, agenda items, phone and street
numbers) never enter the numbers layer and are not CARDINAL entities."""

from __future__ import annotations

import re

SYMBOL = re.compile(r"\b[A-Z]{1,4}/(?:[A-Z0-9.\-]+/)*[A-Z0-9.\-]+")
LIST_CONTEXT = re.compile(
    r"\b(?:agenda\s+items?|items?|paragraphs?|articles?|resolutions?|rules?|sections?|nos?\.|numbers?|tel\.?|fax|phone|p\.o\.\s+box)\s*[\d,\sand]*$",
    re.IGNORECASE,
)


def is_identifier_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a number used as an identifier."""
    for m in SYMBOL.finditer(text, max(0, start - 30), min(len(text), end + 30)):
        if m.start() <= start and end <= m.end():
            return True
    before = text[max(0, start - 80):start]
    if LIST_CONTEXT.search(before):
        return True
    if re.match(r"\s*[-–]\s*\d{2,}", text[end:end + 6]) and re.search(r"\+\s*$|\(\d+\)\s*$", before):
        return True
    return False
