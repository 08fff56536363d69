"""Numbers that are identifiers (document symbols, agenda items, phone and street
numbers) never enter the numbers layer and are not CARDINAL entities."""

from __future__ import annotations

import re

SYMBOL = re.compile(r"\b[A-Z]{1,4}/(?:[A-Z0-9.\-]+/)*[A-Z0-9.\-]+")
LIST_CONTEXT = re.compile(
    r"\b(?:agenda\s+items?|items?|paragraphs?|articles?|resolutions?|rules?|sections?|nos?\.|numbers?|tel\.?|fax|phone|call|dial|hotline|helpline|p\.o\.\s+box)[.:]?\s*[\d,\sand+()\-.]*$",
    re.IGNORECASE,
)
# "UPDATE 4", "version 2": a number right after these names a release, not a quantity.
VERSION_CONTEXT = re.compile(r"\b(?:update|version)\s+$", re.IGNORECASE)

# "incident 1487", "case 20231", "ref. 557": a reference number (three digits or more).
REFERENCE_CONTEXT = re.compile(r"\b(?:incident|case|reference|ref\.?|file|crime)\s+(?:number\s+|no\.?\s*)?$",
                               re.IGNORECASE)

# Telephone numbers: an international prefix ("+994 12 492 92 22"), an area code in
# brackets ("(012) 492-92-22"), or three or more groups joined by hyphens or dots whose
# first group has three digits ("492-92-22", "212-963-1234"; ISO dates start with four
# digits and day-first dates with one or two, so neither is read as a phone number), or a
# national number with a trunk "0" ("0161 555 0142", "07700 900 461", "0 800 31 31 31").
# UN document job numbers ("22-05617") are identifiers too.
PHONE = re.compile(
    r"(?<![\w/])(?:"
    r"\+\s?\d{1,4}(?:[\s.\-]?\(?\d{1,5}\)?){2,6}"
    r"|\(\d{2,5}\)\s?\d{2,4}(?:[\s.\-]\d{2,4}){1,4}"
    r"|\d{3}(?:-\d{2,4}){2,4}|\d{3}(?:\.\d{2,4}){2,4}"
    r"|(?<!\d )0(?!0+\b)\d{2,4}(?:[ \-]\d{2,4}){1,4}|(?<!\d )0 \d{3}(?: \d{2,3}){2,4}"
    r"|\d{2}-\d{5}"
    r")(?![\w/])"
)


def is_identifier_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a number used as an identifier: inside a document
    symbol (A/74/649) or a telephone number, or after a word that numbers things
    ("agenda item 31", "paragraph 4", "Tel."). Offsets index ``text``."""
    for m in SYMBOL.finditer(text, max(0, start - 30), min(len(text), end + 30)):
        if m.start() <= start and end <= m.end():
            return True
    for m in PHONE.finditer(text, max(0, start - 30), min(len(text), end + 30)):
        if m.start() <= start and end <= m.end():
            return True
    before = text[max(0, start - 80):start]
    if LIST_CONTEXT.search(before) or VERSION_CONTEXT.search(before):
        return True
    if REFERENCE_CONTEXT.search(before) and re.fullmatch(r"\d{3,}", text[start:end]):
        return True
    if re.match(r"\s*[-–]\s*\d{2,}", text[end:end + 6]) and re.search(r"\+\s*$|\(\d+\)\s*$", before):
        return True
    return False
