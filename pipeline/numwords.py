"""Spelled-out numbers and ordinals ("Seventy-eighth" -> 78, "two million" -> 2000000).

Shared by the dates stage (durations such as "six months") and the numbers
stage; pure functions, no third-party parser needed for words.
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    "thousandth": 1000, "millionth": 10**6,
}
CARDINAL_WORDS = set(UNITS) | set(TENS) | set(SCALES)
NUMBER_WORD = r"(?:" + "|".join(sorted(CARDINAL_WORDS | set(ORDINAL_UNITS), key=len, reverse=True)) + r")"
# A run of number words joined by spaces, hyphens or "and": "seventy-eighth", "two hundred and five".
SPELLED = re.compile(rf"\b{NUMBER_WORD}(?:(?:[\s-]+|\s+and\s+){NUMBER_WORD})*\b", re.IGNORECASE)


def words_to_number(phrase: str) -> tuple[int, bool] | None:
    """(value, is_ordinal) for a spelled number, or None when it is not one."""
    words = [w for w in re.split(r"[\s-]+", phrase.lower().strip()) if w and w != "and"]
    if not words:
        return None
    total, current, ordinal = 0, 0, False
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if word in ORDINAL_UNITS and last:
            value = ORDINAL_UNITS[word]
            ordinal = True
            if value >= 100:
                current = max(current, 1) * value
            else:
                current += value
        elif word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            scale = SCALES[word]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
        else:
            return None
    return total + current, ordinal


def parse_numeral(token: str) -> float | None:
    """A digit numeral with thousands separators: "26,000" -> 26000, "2.5" -> 2.5."""
    token = token.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", token):
        token = token.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    return None


def as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
