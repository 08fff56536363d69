"""Numbers that are identifiers (document symbols, agenda items, phone and street
numbers) never enter the numbers layer and are not CARDINAL entities."""

from __future__ import annotations

import re

from .patterns import trie_alternation

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


# Cheap necessary conditions tried before the scans above (same answers, less work).
# Every PHONE match holds one of these, each read off one PHONE alternative: "+" and a
# digit; "(" and 2-5 digits and ")"; "-" between 2 digits and 2 more (three-digit groups
# by hyphens, UN job numbers); "." between 3 digits and 2-4 digits and another "."; a "0"
# after no word character or slash, then two digits or a space and a digit (trunk "0").
# A BRANCH of literals, so the engine jumps between candidate characters.
PHONE_HINT = re.compile(
    r"(?:\+(?=\s?\d)|\((?=\d{2,5}\))|-(?<=\d\d-)(?=\d\d)|\.(?<=\d{3}\.)(?=\d{2,4}\.\d)|0(?<![\w/]0)(?=\d\d| \d))")
# LIST_CONTEXT read backwards, matched at the start of the reversed text before the number:
# it matches exactly when LIST_CONTEXT.search finds a match ending there (a regex's reverse
# accepts the reversed strings, and \b is symmetric), at one try instead of one per position.
# Its words are LIST_CONTEXT's, spelled out (a space stands for any run of white space);
# "[.:]?\s*" then the tail class becomes the tail class then ":?" (\s and "." are in the class).
LIST_WORDS = ["agenda item", "agenda items", "item", "items", "paragraph", "paragraphs", "article", "articles",
              "resolution", "resolutions", "rule", "rules", "section", "sections", "no.", "nos.", "number",
              "numbers", "tel", "tel.", "fax", "phone", "call", "dial", "hotline", "helpline", "p.o. box"]
LIST_CONTEXT_REVERSED = re.compile(
    rf"[\d,\sand+()\-.]*:?{trie_alternation([w[::-1] for w in LIST_WORDS], flexible_spaces=True)}\b",
    re.IGNORECASE,
)
VERSION_CONTEXT_REVERSED = re.compile(r"\s+(?:etadpu|noisrev)\b", re.IGNORECASE)
REFERENCE_CONTEXT_REVERSED = re.compile(
    r"(?:\s+rebmun|\s*\.?on)?\s+(?:tnedicni|esac|ecnerefer|\.?fer|elif|emirc)\b", re.IGNORECASE)
# Any of the three: one try decides that none of them can match (the usual case).
ANY_CONTEXT_REVERSED = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (LIST_CONTEXT_REVERSED, VERSION_CONTEXT_REVERSED, REFERENCE_CONTEXT_REVERSED)),
    re.IGNORECASE)
THREE_DIGITS = re.compile(r"\d{3,}")
TRUNK_TAIL = re.compile(r"\s*[-–]\s*\d{2,}")


def is_identifier_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a number used as an identifier: inside a document
    symbol (A/74/649) or a telephone number, or after a word that numbers things
    ("agenda item 31", "paragraph 4", "Tel."). Offsets index ``text``.

    Each scan runs only when its necessary condition holds (a "/" in the window for
    SYMBOL, a PHONE_HINT character for PHONE, a match of the reversed pattern for the
    context patterns); the answers are those of the scans alone."""
    lo, hi = max(0, start - 30), min(len(text), end + 30)
    if text.find("/", lo, hi) >= 0:
        for m in SYMBOL.finditer(text, lo, hi):
            if m.start() <= start and end <= m.end():
                return True
    if PHONE_HINT.search(text, lo, hi):
        for m in PHONE.finditer(text, lo, hi):
            if m.start() <= start and end <= m.end():
                return True
    before = text[max(0, start - 80):start]
    backwards = before[::-1]
    if ANY_CONTEXT_REVERSED.match(backwards):
        if LIST_CONTEXT_REVERSED.match(backwards) and LIST_CONTEXT.search(before):
            return True
        if VERSION_CONTEXT_REVERSED.match(backwards) and VERSION_CONTEXT.search(before):
            return True
        if REFERENCE_CONTEXT_REVERSED.match(backwards) and THREE_DIGITS.fullmatch(text, start, end) \
                and REFERENCE_CONTEXT.search(before):
            return True
    if TRUNK_TAIL.match(text, end, end + 6) and re.search(r"\+\s*$|\(\d+\)\s*$", before):
        return True
    return False
