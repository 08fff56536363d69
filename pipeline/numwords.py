"""Spelled-out numbers and ordinals ("Seventy-eighth" -> 78, "two million" -> 2000000).

Shared by the dates stage (durations such as "six months") and the numbers
stage; pure functions, no third-party parser needed for words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


# ---------------------------------------------------------------------------
# Spelled numbers with fractions, multipliers and extra scale words (numbers stage).

@dataclass(frozen=True)
class WordGrammar:
    """The word lists that extend the fixed English number words above.

    ``scales`` maps scale words of 1000 and more ("thousand", "lakh", "crore") to
    their value; ``multipliers`` words that multiply what precedes ("dozen" -> 12);
    ``fractions`` denominator words to their value ("thirds" -> 1/3); ``zeros``
    extra words for 0 ("nil"); ``point`` the decimal-point word. All lower case.
    They come from configs/lexicons/numbers.toml.
    """

    scales: dict
    multipliers: dict
    fractions: dict
    zeros: frozenset
    point: str = "point"

    def vocabulary(self) -> set[str]:
        """Every word that can be part of a spelled number (joiners excluded)."""
        return (CARDINAL_WORDS | set(ORDINAL_UNITS) | set(self.scales) | set(self.multipliers)
                | set(self.fractions) | set(self.zeros))


@dataclass
class WordNumber:
    """One spelled number found in a run of tokens: tokens [first, last] inclusive."""

    first: int
    last: int
    value: float
    ordinal: bool = False


def _is_plural_fraction(word: str) -> bool:
    return word.endswith("s") or word == "halves"


def parse_word_run(words: list[str], grammar: WordGrammar) -> list[WordNumber]:
    """Split a run of lower-case words into the spelled numbers it holds.

    ``words`` are the tokens of a run such as ["one", "and", "a", "half", "thousand"]
    (joiners "and", "&", the decimal word and "a"/"an" included as tokens).
    Returns the numbers left to right with their token ranges; tokens that make no
    number ("a" alone, a dangling "and") are left out. Rules: English cardinal
    grammar (units, tens, "hundred", scales multiply what precedes, a larger scale
    after a complete total multiplies it: "three thousand millions" -> 3e9);
    "N and a half" and "N and three quarters" are mixed numbers; a plural
    denominator after a numerator is a fraction ("two thirds" -> 0.667), a singular
    one only after "one"/"a"/"an" ("a quarter" -> 0.25); "half a dozen" -> 6;
    "two point five" -> 2.5; an ordinal word ends a number.
    """
    out: list[WordNumber] = []
    i, n = 0, len(words)
    while i < n:
        found = _parse_one(words, i, grammar)
        if found is None:
            i += 1
            continue
        out.append(found)
        i = found.last + 1
    return out


def _parse_one(words: list[str], start: int, g: WordGrammar) -> WordNumber | None:
    """The longest number starting at ``words[start]``, or None."""
    total = 0.0
    current = 0.0
    has = False  # a number word has been read
    last_scale = float("inf")
    last_good: WordNumber | None = None
    numerator_only = False  # current holds only "a"/"an" or one units word (a fraction's numerator)
    words_read = 0
    i = start
    n = len(words)

    def good(last: int, value: float, ordinal: bool = False) -> WordNumber:
        return WordNumber(start, last, value, ordinal)

    while i < n:
        w = words[i]
        nxt = words[i + 1] if i + 1 < n else None
        if w in ("a", "an"):
            # "a" counts as one only before a scale, multiplier or fraction word.
            if nxt in g.scales or nxt in g.multipliers or nxt in g.fractions or nxt == "hundred":
                if has and not (i > start and words[i - 1] in ("and", "&")):
                    break
                current += 1
                words_read += 1
                has = True
                numerator_only = total == 0 and words_read == 1
                i += 1
                continue
            break
        if w == "half" and not has:
            # "half a dozen", "half a million"
            if nxt in ("a", "an") and i + 2 < n and (words[i + 2] in g.multipliers or words[i + 2] in g.scales):
                mult = g.multipliers.get(words[i + 2]) or g.scales[words[i + 2]]
                return good(i + 2, 0.5 * mult)
            break
        if w in ("and", "&"):
            if not has or nxt is None:
                break
            after = words[i + 2] if i + 2 < n else None
            # mixed number: "one and a half", "five and a quarter", "two and three quarters"
            if nxt in ("a", "an", "one") and after in g.fractions and not _is_plural_fraction(after):
                prev = words[i - 1]
                if current == 0 and prev in g.scales:  # "a million and a half" -> 1.5 million
                    total += g.scales[prev] * g.fractions[after]
                else:
                    current += g.fractions[after]
                numerator_only = False
                i += 3
                last_good = good(i - 1, total + current)
                continue
            if nxt in UNITS and after in g.fractions and _is_plural_fraction(after) and nxt != "zero":
                current += UNITS[nxt] * g.fractions[after]
                i += 3
                last_good = good(i - 1, total + current)
                continue
            # "two hundred and five", "one thousand and one"
            prev = words[i - 1]
            if (prev == "hundred" or prev in g.scales) and (nxt in UNITS or nxt in TENS or nxt in ORDINAL_UNITS):
                i += 1
                continue
            break
        if w == g.point:
            if not has or current != int(current) or nxt not in UNITS or UNITS[nxt] > 9:
                break
            digits = ""
            j = i + 1
            while j < n and words[j] in UNITS and UNITS[words[j]] <= 9:
                digits += str(UNITS[words[j]])
                j += 1
            current = float(f"{int(current)}.{digits}")
            i = j
            last_good = good(i - 1, total + current)
            continue
        if w in g.zeros or w == "zero":
            if has:
                break
            if nxt != g.point:
                return good(i, 0.0)
            has = True  # "zero point five"
            i += 1
            continue
        if w in UNITS or w in TENS:
            value = UNITS.get(w, TENS.get(w))
            rest = current % 100
            if not (rest == 0 or (w in UNITS and value < 10 and rest >= 20 and rest % 10 == 0)):
                break  # "one twenty", "five six" are not one number
            current += value
            words_read += 1
            has = True
            numerator_only = total == 0 and words_read == 1
            i += 1
            last_good = good(i - 1, total + current)
            continue
        if w == "hundred":
            if has and current >= 100:
                break
            current = max(current, 1) * 100
            has = True
            numerator_only = False
            i += 1
            last_good = good(i - 1, total + current)
            continue
        if w in g.scales:
            scale = g.scales[w]
            if not has:
                break
            if current == 0 and total > 0 and scale > last_scale:
                total *= scale
            elif scale >= last_scale and total > 0:
                break
            else:
                total += max(current, 1) * scale
            last_scale = min(last_scale, scale) if current == 0 and total > 0 and scale > last_scale else scale
            current = 0
            numerator_only = False
            i += 1
            last_good = good(i - 1, total + current)
            continue
        if w in g.multipliers:
            if not has:
                break  # "dozens" alone is a vague magnitude, not a number word
            return good(i, (total + current) * g.multipliers[w])
        if w in g.fractions and has and numerator_only and (_is_plural_fraction(w) or current == 1):
            return good(i, current * g.fractions[w])
        if w in ORDINAL_UNITS:
            value = ORDINAL_UNITS[w]
            rest = current % 100
            if value < 100 and not (rest == 0 or (value < 10 and rest >= 20 and rest % 10 == 0)):
                break
            if value >= 100:
                current = max(current, 1) * value
            else:
                current += value
            return good(i, total + current, True)
        break
    return last_good
