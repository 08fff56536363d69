"""Numbers stage: every numeric expression outside dates and identifiers (SPEC "numbers").

A candidate is a digit numeral (thousands grouped by commas or by spaces, decimals,
fractions, glued scale letters such as "10k"), a spelled number ("one and a half
thousand", "two thirds", "half a dozen") or a vague magnitude ("hundreds of
thousands"). Around that core the extent grows to the right over scale words,
multipliers, a percent sign, a currency or a unit (and a currency's subunit:
"20 dollars 43 cents"), and to the left over a currency sign or code, a negative
word and a qualifier ("more than"), which gives ``mod``.

Not numbers: anything inside a dates span (the text is masked there first),
identifiers (pipeline/identifiers.py, plus street numbers and unit designations from
the lexicon), paragraph numbers and list bullets at the start of a line, clock times
("16:23", "2pm").

Every word list is data in configs/lexicons/numbers.toml, checked at load by
:class:`NumbersLexicon`. Unit symbols for words the lexicon does not list come from
quantulum3's unit catalogue, behind pipeline/adapters/quantulum_adapter.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, field_validator

from ..adapters.quantulum_adapter import unit_phrase_starts, unit_symbol
from ..document import Document
from ..identifiers import is_identifier_number
from ..errors import ConfigError
from ..lexicon import read_model
from ..records import NumberMod
from ..spans import SpanSet
from ..patterns import lowered
from ..patterns import trie_alternation as _trie_alternation
from ..numwords import WordGrammar, WordNumber, as_number, parse_word_run, ORDINAL_UNITS

Mod = NumberMod  # SPEC numbers mods, one definition (pipeline/records.py)
MASK = "\x00"  # stands for a character inside a dates span in the masked copy
# Patterns used on every number, compiled once (module-level re calls look them up each time).
SPACES = re.compile(r"\s+")
SCIENTIFIC = re.compile(r"([\d.]+)\s?[×x]\s?10\^?([-−+]?\d+)")
DIGIT_SEPARATORS = re.compile(r"[,\s\u00a0\u2009\u202f]")
RANGE_AND = re.compile(r"\s+and\s+")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordsSection(_Strict):
    negatives: list[str]
    zeros: list[str]
    decimal_point: str


class SuffixSection(_Strict):
    glued: dict[str, float]
    spaced: list[str]
    money_only: list[str]


class PercentSection(_Strict):
    signs: list[str]


class CurrencySection(_Strict):
    prefix: dict[str, str]
    words: dict[str, str]
    subunits: dict[str, tuple[str, int]]
    glued_subunits: dict[str, tuple[str, int]]
    iso_codes: list[str]

    @field_validator("iso_codes")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        bad = [c for c in codes if not re.fullmatch(r"[A-Z]{3}", c)]
        if bad:
            raise ValueError(f"not ISO 4217 alphabetic codes: {bad}")
        return codes


class UnitSection(_Strict):
    symbols: dict[str, str]
    per_time: dict[str, str]
    measure_before_of: dict[str, str]
    not_units: list[str]


class NotNumbersSection(_Strict):
    words: list[str]
    title_words: list[str]
    unit_designations: list[str]
    street_types: list[str]
    address_words: list[str]
    clock_prepositions: list[str]
    clock_prepositions_weak: list[str]
    clock_followers: list[str]
    clock_zones: list[str]


class RangesSection(_Strict):
    openers: list[str]
    not_after: list[str]


class NumbersLexicon(_Strict):
    """Schema of configs/lexicons/numbers.toml (unknown keys are errors)."""

    words: WordsSection
    scales: dict[str, float]
    suffixes: SuffixSection
    multipliers: dict[str, float]
    fractions: dict[str, float]
    vague: dict[str, int]
    ranges: RangesSection
    percent: PercentSection
    currencies: CurrencySection
    units: UnitSection
    not_numbers: NotNumbersSection


def load_lexicon(path: Path) -> NumbersLexicon:
    """Read and check the numbers lexicon; a problem is a ConfigError naming the file."""
    return read_model(path, NumbersLexicon)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=512)
def _cached_trie(words: frozenset, flexible_spaces: bool) -> str:
    return _trie_alternation(words, flexible_spaces=flexible_spaces)


def trie_alternation(words, flexible_spaces: bool = False) -> str:
    """pipeline/patterns.py's trie_alternation, memoised by word set: the stage is built for
    every run, and the pattern text depends on the lexicon's word lists only."""
    return _cached_trie(frozenset(words), flexible_spaces)


def _trie(words) -> str:
    """Prefix-factored alternation of ``words`` (pipeline/patterns.py)."""
    return trie_alternation(words)


def _words_re(words) -> str:
    """Alternation of phrases, inner spaces matching any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def _longest_first(words, flexible_spaces: bool = False, ignore_case: bool = False) -> str:
    """An alternation of ``words`` that, matched at one position, takes the longest word
    that lets the rest of the pattern match, as the flat longest-first alternation
    (_alternation, _words_re) does: a trie (pipeline/patterns.py) when that is certain,
    which tries a few branches where the flat list tries every word; else the flat list.

    Certain when no text character can match two sibling characters of the trie (always
    without ``ignore_case``; with it, when every word is lower case and each character is
    ASCII or has no case), and, with ``flexible_spaces``, no word has a leading, trailing or
    double space: then the words matching at a position are prefixes of one another in the
    text, the trie tries each continuation before stopping, and the first success of both
    forms is the longest word whose continuation succeeds."""
    words = set(words)
    certain = not flexible_spaces or all(w == w.strip() and "  " not in w for w in words)
    if ignore_case:
        certain = certain and all(w == w.lower() and all(c.isascii() or c.lower() == c == c.upper() for c in w)
                                  for w in words)
    if not certain:
        return _words_re(words) if flexible_spaces else _alternation(words)
    return trie_alternation(words, flexible_spaces=flexible_spaces)


def _reversed_words(words, flexible_spaces: bool = False) -> str:
    """Alternation of ``words`` spelled backwards (for a pattern matched on reversed text).

    A search anchored at the end (``X$``) tries every start position; the reversed
    pattern, matched once at the start of the reversed text, accepts exactly when some
    end-anchored match exists (a regex's reverse accepts the reversed strings, ``\\b`` is
    symmetric). Used as a cheap necessary condition before the forward search, whose
    match object is still the one used."""
    return trie_alternation([w[::-1] for w in words], flexible_spaces=flexible_spaces)


def _initial_class(words, flexible_spaces: bool = False) -> tuple[str, str]:
    """(first, rest): ``first`` + ``rest`` matches what ``\\b(?i:trie of words)`` matches, in a
    form Python's engine scans fast.

    ``first`` is one character class (each word's first letter in both cases, plus every
    non-ASCII character, which may be a case variant such as the Kelvin sign), followed by
    ``(?<!\\w.)``, the word boundary before it; ``rest`` checks that character with the
    case-insensitive letter it stands for and matches the remainder of the words. A
    pattern that starts with one character class lets ``re`` skip, in C, every position
    whose character is not in it (re/_compiler.py, ``_get_charset_prefix``), which a
    leading ``\\b`` or a case-insensitive first letter prevents. ``flexible_spaces``: a
    space in a word matches any run of white space. Every word must start with an ASCII
    letter (ValueError otherwise)."""
    groups: dict[str, list[str]] = {}
    for w in set(words):
        if not (w[:1].isascii() and w[:1].isalpha()):
            raise ValueError(f"not a word starting with an ASCII letter: {w!r}")
        groups.setdefault(w[0].lower(), []).append(w[1:])
    letters = "".join(sorted(c + c.upper() for c in groups))
    first = rf"[{letters}\u0080-\U0010ffff](?<!\w.)"
    rest = "|".join(rf"(?<=(?i:{re.escape(c)}))(?i:{trie_alternation(tails, flexible_spaces)})"
                    for c, tails in sorted(groups.items()))
    return first, f"(?:{rest})"


def _word_starts(words, flexible_spaces: bool = False, not_after: str = r"\w") -> str:
    """``\\b(?:trie of words)`` for lower-case words, as one branch per first letter with
    the word boundary checked after it (``c(?<!\\w.)rest``): a pattern that starts with
    literal branches lets ``re`` skip, in C, every position holding none of those letters
    (re/_compiler.py, ``_get_charset_prefix``). Words must start with a word character.
    ``not_after``: the class of characters that may not precede a word (``\\w`` makes the
    word boundary; ``[^\\s(]`` would mean "at the start or after a space or bracket")."""
    groups: dict[str, list[str]] = {}
    for w in set(words):
        if not re.match(r"\w", w):
            raise ValueError(f"not a word: {w!r}")
        groups.setdefault(w[0], []).append(w[1:])
    return "(?:" + "|".join(rf"{re.escape(c)}(?<!{not_after}.){trie_alternation(tails, flexible_spaces)}"
                            for c, tails in sorted(groups.items())) + ")"


def _ascii_lower(words) -> Optional[list[str]]:
    """``words`` lower-cased, or None when one of them has a non-ASCII character (the
    lowered-text patterns, see patterns.lowered, are built only from ASCII words)."""
    out = [w.lower() for w in words]
    return out if all(w.isascii() for w in out) else None


@dataclass
class Item:
    """A number being built, in masked-text offsets."""

    start: int
    end: int
    value: float
    kind: str = "cardinal"
    unit: Optional[str] = None
    mod: Optional[str] = None
    fraction: bool = False  # the value came from a fraction ("two thirds", "1/3")

    def record(self) -> dict:
        """SPEC fields; a fraction's value is rounded to 4 decimals ("two thirds" -> 0.6667,
        as the brief of issue 12 and the dev gold write it)."""
        value = round(self.value, 4) if self.fraction else self.value
        return {"start": self.start, "end": self.end, "value": as_number(value), "kind": self.kind,
                "unit": self.unit, "mod": self.mod}


class NumbersStage:
    name = "numbers"
    requires = ("textmap", "parsed", "dates")
    assigns = ("numbers",)

    def __init__(self, lexicon: Path, qualifiers: Path):
        from ..timex_rules import load_qualifiers

        lex = load_lexicon(lexicon)
        self.lex = lex
        try:  # one table for the numbers and dates layers (configs/lexicons/qualifiers.toml)
            self.qualifiers = load_qualifiers(qualifiers, "numbers")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        self.scales = {k.lower(): v for k, v in lex.scales.items()}
        self.vague = {k.lower(): v for k, v in lex.vague.items()}
        self.not_numbers = {w.lower() for w in lex.not_numbers.words}
        self.title_words = {w.lower() for w in lex.not_numbers.title_words}
        self.grammar = WordGrammar(
            scales={k: v for k, v in self.scales.items() if v >= 1000},
            multipliers={k.lower(): v for k, v in lex.multipliers.items()},
            fractions={k.lower(): v for k, v in lex.fractions.items()},
            zeros=frozenset(w.lower() for w in lex.words.zeros),
            point=lex.words.decimal_point.lower(),
        )
        cur = lex.currencies
        self.prefix_cur = dict(cur.prefix) | {c: c for c in cur.iso_codes}
        self.cur_words = {k.lower(): v for k, v in cur.words.items()}
        self.subunits = {k.lower(): tuple(v) for k, v in cur.subunits.items()}
        self.glued_subunits = {k: tuple(v) for k, v in cur.glued_subunits.items()}
        self.unit_symbols = dict(lex.units.symbols)
        self.unit_symbols_ci = {k.lower(): v for k, v in lex.units.symbols.items() if len(k) >= 3}
        self.measure_of = {k.lower(): v for k, v in lex.units.measure_before_of.items()}
        self.not_units = set(lex.units.not_units)
        self.per_units = {k.lower(): v for k, v in lex.units.per_time.items()}
        self.glued_scale = dict(lex.suffixes.glued)
        self.money_only_suffix = set(lex.suffixes.money_only)

        qual = _trie(self.qualifiers).replace("\\ ", "\\s+")
        neg = _words_re(lex.words.negatives)
        prefix = _alternation(self.prefix_cur)
        # Left context: [qualifier] [negative word] [currency sign/code], ending at the core.
        self.qual_left_re = re.compile(rf"(?:^|(?<=[\s(\[\"“]))(?P<qual>{qual})\s+$", re.IGNORECASE)
        self.neg_left_re = re.compile(rf"(?:^|(?<=[\s(\[\"“]))(?P<neg>{neg})\s+$", re.IGNORECASE)
        self.cur_left_re = re.compile(rf"(?:^|(?<![\w$£€¥₹]))(?P<cur>{prefix})[ \u00a0]?$")
        # The same three read backwards, matched on the reversed left context: a cheap
        # necessary condition for the searches above ("$" also matches before a final "\n").
        self.qual_left_rev = re.compile(rf"\s+(?:{_reversed_words(self.qualifiers, True)})", re.IGNORECASE)
        self.neg_left_rev = re.compile(rf"\s+(?:{_reversed_words(lex.words.negatives, True)})", re.IGNORECASE)
        self.cur_left_rev = re.compile(rf"\n?[ \u00a0]?(?:{_reversed_words(self.prefix_cur)})")
        # Digit cores. Thousands by commas, or by spaces/no-break/thin spaces (each group
        # exactly three digits, the first one to three); decimals; "2 1/2"; "3/4"; ".75".
        self.digit_re = re.compile(
            r"(?=[\d.])(?<![\d/.,:_])"
            r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"
            r"|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3}(?![\d]|[.,:/]\d))+(?:\.\d+)?"
            r"|\d{1,3}\s\d{1,2}/\d{1,2}(?![\d/])"
            r"|(?P<fn>\d{1,3})/(?P<fd>[1-9]\d{0,2})(?![\d/]|[.,]\d)"
            r"|\d+(?:\.\d+)?(?:[eE][-−+]?\d+|\s?[×x]\s?10(?:\^[-−+]?|[-−])\d+)(?![\w])"
            r"|\d+(?:\.\d+)?"
            r"|\.\d+)"
            r"(?P<vf>[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])?"
            r"(?![.,]\d|:\d|/\d|\d)"
        )
        self.glued_re = re.compile(r"(?:-th\b|[^\W\d_]+\.?(?:[²³])?|[$€£¥₹¢%]|°[CF]?)")
        vocab = self.grammar.vocabulary() | {"a", "an", "half", self.grammar.point}
        vocab |= {k for k in self.scales if k.isalpha()}
        word = _trie(w.lower() for w in vocab)
        joiner = r"(?:\s+(?:and|&)\s+|\s*&\s*|[-—]|\s+)"
        # \b(?i:word)(?i:joiner word)*\b, its first letter in the fast-scanning form
        first, rest = _initial_class(w.lower() for w in vocab)
        self.spelled_re = re.compile(rf"{first}{rest}(?i:(?:{joiner}(?:{word}))*)\b")
        # Case-sensitive forms for lower-cased text (patterns.lowered); None when a word is not ASCII.
        vocab_low = _ascii_lower(vocab)
        self.spelled_low_re = vocab_low and re.compile(
            rf"\b(?:{_trie(vocab_low)})(?:{joiner}(?:{_trie(vocab_low)}))*\b")
        # One-word runs -> the numbers they hold, for every word of the vocabulary.
        self.one_word_runs = {w: parse_word_run([w], self.grammar) for w in (x.lower() for x in vocab) if w.isalpha()}
        self.token_re = re.compile(rf"\b(?:and|{word})\b|&", re.IGNORECASE)
        first, rest = _initial_class(self.vague, flexible_spaces=True)  # \b(?i:vague phrase)\b
        self.vague_re = re.compile(rf"(?P<vague>{first}{rest})\b")
        vague_low = _ascii_lower(self.vague)
        self.vague_low_re = vague_low and re.compile(
            rf"(?P<vague>{_word_starts(vague_low, flexible_spaces=True)})\b")
        digit_scales = [k for k in self.scales] + list(lex.suffixes.spaced)
        self.scale_re = re.compile(rf"(?:\s*(?:{_alternation(digit_scales)})(?![\w]|\.\w))+")
        self.scale_word_re = re.compile(rf"\s*({_alternation(digit_scales)})(?![\w])")
        self.mult_re = re.compile(rf"\s+({_words_re(lex.multipliers)})\b", re.IGNORECASE)
        self.pct_re = re.compile(rf"\s?(?:{_words_re(lex.percent.signs)})(?![\w])", re.IGNORECASE)
        cs_units = list(self.unit_symbols) + list(cur.iso_codes) + list(cur.prefix) + list(self.glued_subunits)
        self.unit_cs_re = re.compile(rf"\s?({_longest_first(cs_units)})(?![^\W²³])")
        ci_units = list(self.unit_symbols_ci) + list(self.cur_words) + list(self.subunits)
        self.unit_ci_re = re.compile(rf"\s?({_longest_first(ci_units, True, True)})(?![^\W²³])", re.IGNORECASE)
        word_ = r"([^\W\d_][\w²³]*)"
        self.next_words_re = re.compile(rf"[\s-]?{word_}(?:\s+{word_})?(?:\s+{word_})?")
        self.power_re = re.compile(r"(?:\^([23])|([²³])|\s+(squared|cubed))(?![\w])", re.IGNORECASE)
        self.per_re = re.compile(r"(?:/|\s+per\s+)([^\W\d_]+)(?![\w])")
        self.of_scale_re = re.compile(rf"\s+of\s+an?\s+({_alternation(k for k in self.scales if k.isalpha())})\b",
                                      re.IGNORECASE)
        self.of_re = re.compile(r"\s+of\b", re.IGNORECASE)
        self.point_digits_re = re.compile(rf"\s+{re.escape(lex.words.decimal_point)}\s+(\d+)(?![\w.,])", re.IGNORECASE)
        sub = _words_re(list(self.subunits))
        self.subunit_after_re = re.compile(
            rf"(?:\s*,?\s+and\s+|\s+)(?P<num>\d{{1,3}}|[a-z]+(?:-[a-z]+)?)\s*(?P<sub>{sub}|c\b|¢)(?![\w])",
            re.IGNORECASE)
        first, rest = _initial_class(["a", "an"])  # \b(?i:an?)
        a_units = [w for w in list(self.unit_symbols_ci) + list(self.cur_words) if w.isalpha() and not w.endswith('s')]
        self.a_unit_re = re.compile(rf"(?P<a>{first}{rest})(?i:\s+(?=(?:{_words_re(a_units)})\b))")
        a_units_low = _ascii_lower(a_units)
        self.a_unit_low_re = a_units_low and re.compile(
            rf"(?P<a>{_word_starts(['a', 'an'])})\s+(?=(?:{_trie(a_units_low)})\b)")
        desig = _words_re(lex.not_numbers.unit_designations)
        self.designation_re = re.compile(rf"(?:\s+[\w'’-]+){{0,3}}?\s+(?i:{desig})\b")
        street = _words_re(lex.not_numbers.street_types)
        # The same two searches as used (only whether they find something matters): the
        # address words with their first letter as one class (_initial_class), the street
        # number pattern as its two alternatives, the first starting with a digit; both
        # forms let re skip positions that cannot start a match.
        first, rest = _initial_class(lex.not_numbers.address_words, flexible_spaces=True)
        self.address_word_fast_re = re.compile(rf"{first}{rest}(?!\w)")
        first, rest = _initial_class(lex.not_numbers.street_types, flexible_spaces=True)
        self.street_number_after_re = re.compile(rf"\d[\w,]*\s+(?:\S+\s+)?(?i:{street})(?!\w)")
        self.street_number_before_re = re.compile(rf"{first}{rest}\s+(?:\S+\s+)?\d")
        # their plain forms (tests/test_numbers.py checks the fast ones against them)
        self.address_word_re = re.compile(rf"(?<!\w)(?i:{_words_re(lex.not_numbers.address_words)})(?!\w)")
        self.street_number_re = re.compile(
            rf"\d[\w,]*\s+(?:\S+\s+)?(?i:{street})(?!\w)|(?<!\w)(?i:{street})\s+(?:\S+\s+)?\d")
        hh_mm = r"(?:[01]?\d|2[0-3])\.[0-5]\d$"
        self.dotted_clock_re = re.compile(rf"(?<!\w)(?i:{_words_re(lex.not_numbers.clock_prepositions)})\s+{hh_mm}")
        self.dotted_clock_weak_re = re.compile(
            rf"(?<!\w)(?i:{_words_re(lex.not_numbers.clock_prepositions_weak)})\s+{hh_mm}")
        self.clock_follower_re = re.compile(rf"\s+(?:{_words_re(lex.not_numbers.clock_followers)})\b", re.IGNORECASE)
        self.zone_re = re.compile(rf"\b(?:{_alternation(lex.not_numbers.clock_zones)})\s?[+\-−]\s?$")
        # Reversed forms of end-anchored searches below, matched on reversed text first
        # (necessary conditions; "$" also matches before a final "\n").
        self.zone_rev = re.compile(rf"\n?\s?[+\-−]\s?(?:{_reversed_words(lex.not_numbers.clock_zones)})\b")
        self.dotted_clock_rev = re.compile(r"\n?\d[0-5]\.(?:\d[01]?|[0-3]2)\s+")
        self.half_re = re.compile(rf"(?:^|(?<=[\s(\[\"“]))(?P<qual>{qual})\s+(?P<half>half)\b", re.IGNORECASE)
        self.half_word_re = re.compile("half", re.IGNORECASE)  # in every match of half_re
        qual_low = _ascii_lower(self.qualifiers)
        # half_re on lower-cased text; "(?:^|(?<=[\s(\[\"“]))" becomes the words' not_after
        qual_start = _word_starts(qual_low, True, not_after=r'[^\s(\["“]') if qual_low else ""
        self.half_low_re = qual_low and re.compile(rf"(?P<qual>{qual_start})\s+(?P<half>half)\b")
        self.between_re = re.compile(rf"\b(?P<before>\w+\s+)?(?:{_words_re(lex.ranges.openers)})\s+$", re.IGNORECASE)
        self.range_skip = {w.lower() for w in lex.ranges.not_after}
        self.a_unit_after_re = re.compile(
            r"\s*(?:of\b|[.,;:)!?]|$|\s+(?:at|in|on|for|per|to|and|or|each|a|an|the|was|is|were|are)\b)",
            re.IGNORECASE)
        self.street_after_re = re.compile(rf"(?:\s+[A-Z][\w'’-]*){{1,3}}\s+(?i:{street})(?!\w)")
        self.street_before_re = re.compile(rf"(?<!\w)(?i:{street})\s*$")
        self.marker_after_re = re.compile(r"[.)](?:\s|$)")
        self.street_before_rev = re.compile(rf"\s*(?i:{_reversed_words(lex.not_numbers.street_types)})")
        self.clock_after_re = re.compile(r"\s?(?:[ap]\.?m\.?|[AP]\.?M\.?|h\b|hrs\b|GMT\b|UTC\b)(?![\w])")

    # -- pieces --------------------------------------------------------------

    def _left(self, text: str, item: Item, allow_currency: bool = True) -> None:
        """Grow ``item`` to the left over a currency sign or code, a negative word, a qualifier.

        Each end-anchored search runs only when its reversed pattern (``*_left_rev``)
        matches the reversed left context, a necessary condition."""
        before = text[max(0, item.start - 40):item.start]
        base = item.start - len(before)
        backwards = before[::-1]  # each search runs only when its reversed pattern matches here
        if allow_currency and item.kind == "cardinal" and self.cur_left_rev.match(backwards):
            m = self.cur_left_re.search(before)
            if m:
                item.kind, item.unit = "money", self.prefix_cur[m.group("cur")]
                before = before[:m.start()]
                backwards = before[::-1]
                item.start = base + m.start()
        m = self.neg_left_rev.match(backwards) and self.neg_left_re.search(before)
        if m:
            item.value = -item.value
            before = before[:m.start()]
            backwards = before[::-1]
            item.start = base + m.start()
        m = self.qual_left_rev.match(backwards) and self.qual_left_re.search(before)
        if m:
            item.mod = self.qualifiers[SPACES.sub(" ", m.group("qual").lower())]
            item.start = base + m.start()

    def _unit_at(self, text: str, pos: int) -> tuple[int, str, str] | None:
        """(end, kind, unit) for a currency or measure unit right after ``pos``."""
        best = None
        for rx in (self.unit_cs_re, self.unit_ci_re):
            m = rx.match(text, pos)
            if m and (best is None or m.end() > best.end()):
                best = m
        if best is not None:
            word = best.group(1)
            low = SPACES.sub(" ", word.lower())
            if low in self.measure_of and self.of_re.match(text, best.end()):
                return best.end(), "quantity", self.measure_of[low]
            if word in self.prefix_cur:
                return best.end(), "money", self.prefix_cur[word]
            if word in self.glued_subunits:
                if best.start(1) != pos:
                    return None  # "43 c" is not a subunit; only "43c"
                code, per = self.glued_subunits[word]
                return best.end(), f"sub:{per}", code
            if low in self.subunits:
                code, per = self.subunits[low]
                return best.end(), f"sub:{per}", code
            if low in self.cur_words:
                return best.end(), "money", self.cur_words[low]
            if word in self.unit_symbols:
                return best.end(), "quantity", self.unit_symbols[word]
            if low in self.unit_symbols_ci:
                return best.end(), "quantity", self.unit_symbols_ci[low]
        m = self.next_words_re.match(text, pos)
        if m and m.group(1) not in self.not_units and m.group(1).lower() not in self.not_units:
            phrase_start = m.group(1).lower() in unit_phrase_starts()  # (catalogue read on first use)
            for k in (3, 2, 1):  # the longest unit name first: "kilometres per hour"
                if m.group(k) is None or (k > 1 and not phrase_start):
                    continue  # (no unit of several words starts with that word)
                symbol = unit_symbol(" ".join(m.group(j) for j in range(1, k + 1)))
                if symbol:
                    return m.end(k), "quantity", symbol
        return None

    def _right(self, text: str, item: Item, glued_ok: bool) -> bool:
        """Grow ``item`` to the right; False when the glued tail makes it no number."""
        pos = item.end
        if glued_ok:
            g = self.glued_re.match(text, pos)
            tail, tail_end = (g.group(0), g.end()) if g else ("", pos)
            if tail.endswith(".") and tail not in self.unit_symbols:
                tail, tail_end = tail[:-1], tail_end - 1  # "$2.1T.", "the 3rd." end a sentence
            if tail:
                low = tail.lower()
                if low in ("st", "nd", "rd", "th", "-th") and float(item.value).is_integer():
                    item.kind = "ordinal"
                    item.end = tail_end
                    return True
                if tail in self.glued_scale and (tail not in self.money_only_suffix or item.kind == "money"):
                    item.value *= self.glued_scale[tail]
                    item.end = pos = tail_end
                elif tail == "%":
                    item.kind = "percent"
                    item.end = tail_end
                    return True
                else:
                    found = self._unit_at(text, pos)
                    if found is None or found[0] < tail_end - (1 if tail.endswith(".") else 0):
                        return False  # "06F6", "J1149", "2pm": glued to something that is no unit
        if not glued_ok and 0 < abs(item.value) < 1:
            m = self.of_scale_re.match(text, pos)  # "a quarter of a million"
            if m:
                item.value *= self.scales[m.group(1).lower()]
                item.end = pos = m.end()
        if glued_ok and float(item.value).is_integer() and "." not in text[item.start:pos]:
            m = self.point_digits_re.match(text, pos)  # "1 point 5"
            if m:
                item.value = float(f"{int(item.value)}.{m.group(1)}")
                item.end = pos = m.end()
        m = self.scale_re.match(text, pos)
        if m:
            for s in self.scale_word_re.finditer(m.group(0)):
                word = s.group(1)
                item.value *= self.scales.get(word.lower(), self.glued_scale.get(word, 1))
            item.end = pos = m.end()
        m = self.mult_re.match(text, pos)
        if m:
            item.value *= self.grammar.multipliers[m.group(1).lower()]
            item.end = pos = m.end()
        if item.kind == "ordinal":
            return True
        m = self.pct_re.match(text, pos)
        if m:
            item.kind = "percent"
            item.end = m.end()
            return True
        found = self._unit_at(text, pos)
        if found and item.kind != "money":
            end, kind, unit = found
            if kind.startswith("sub:"):  # "50 cents" -> 0.5 USD
                item.value /= int(kind[4:])
                item.kind, item.unit, item.end = "money", unit, end
                return True
            item.kind, item.unit, item.end = kind, unit, end
            if kind == "quantity":
                power = self.power_re.match(text, end)  # "km^2", "m³", "km squared"
                if power and not unit.endswith(("2", "3")):
                    p = power.group(1) or power.group(2) or power.group(3).lower()
                    item.unit, item.end = unit + {"²": "2", "³": "3", "squared": "2", "cubed": "3"}.get(p, p), power.end()
                    end = power.end()
                per = self.per_re.match(text, end)
                if per:
                    denominator = self.per_units.get(per.group(1).lower()) or self._symbol(per.group(1))
                    if denominator:
                        item.unit, item.end = f"{item.unit}/{denominator}", per.end()
        if item.kind == "money":
            self._subunit(text, item)
        return True

    def _symbol(self, word: str) -> Optional[str]:
        """Symbol of a single unit word from the lexicon, else quantulum3's catalogue."""
        if word in self.unit_symbols:
            return self.unit_symbols[word]
        if word.lower() in self.unit_symbols_ci:
            return self.unit_symbols_ci[word.lower()]
        if word in self.not_units or word.lower() in self.not_units:
            return None
        return unit_symbol(word)

    def _subunit(self, text: str, item: Item) -> None:
        """"20 dollars 43 cents", "$20 and 43c": the subunit amount adds to the item."""
        m = self.subunit_after_re.match(text, item.end)
        if not m:
            return
        raw = m.group("num")
        if raw.isdigit():
            amount = int(raw)
        else:
            parsed = parse_word_run(re.split(r"[\s-]+", raw.lower()), self.grammar)
            if len(parsed) != 1:
                return
            amount = parsed[0].value
        sub = m.group("sub").lower()
        per = self.subunits.get(sub, self.glued_subunits.get(sub, ("", 100)))[1]
        if amount >= per:
            return
        item.value += amount / per
        item.end = m.end()

    def _not_a_number(self, text: str, item: Item, core: tuple[int, int]) -> bool:
        """Identifiers, list markers, clock times, unit designations, street numbers.

        ``core`` is the numeral itself (without qualifier, currency or unit). End-anchored
        searches run only when their reversed patterns match (necessary conditions)."""
        c_start, c_end = core
        if is_identifier_number(text, c_start, c_end):
            return True
        if item.start == c_start and item.kind in ("cardinal", "ordinal") \
                and self.marker_after_re.match(text[c_end:c_end + 2]) \
                and text[text.rfind("\n", 0, c_start) + 1:c_start].strip() in ("", "("):
            return True  # paragraph number "1." or bullet "2)" at the start of a line
        if item.kind == "cardinal" and self.clock_after_re.match(text, c_end):
            return True
        zone = text[max(0, c_start - 8):c_start]
        if self.zone_rev.match(zone[::-1]) and self.zone_re.search(zone):
            return True
        if item.kind == "cardinal" and item.end == c_end:
            window = text[max(0, c_start - 12):c_end]
            if self.dotted_clock_rev.match(window[::-1]) and (self.dotted_clock_re.search(window) or (
                    self.dotted_clock_weak_re.search(window) and self.clock_follower_re.match(text, c_end))):
                return True  # "until 10.30", "at 10.30 local time": a clock time
        if self._address_line(text, c_start):
            return True
        if item.kind == "ordinal" and self.designation_re.match(text, item.end):
            return True
        if item.kind == "cardinal":
            if self.street_after_re.match(text, c_end):
                return True
            street = text[max(0, c_start - 20):c_start]
            if self.street_before_rev.match(street[::-1]) and self.street_before_re.search(street):
                return True
        return False

    def _address_line(self, text: str, pos: int) -> bool:
        """Whether ``pos`` lies on an address line of a letterhead or contact block: a
        hard line (a line break before or after it) of at most 100 characters, with no
        final full stop, holding an address word ("Address:", "floor") or a street type
        with a number at most one word away ("866 Second Avenue", "Trg slobode 4")."""
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if start == 0 and end == len(text):
            return False
        line = text[start:end].strip()
        if len(line) > 100 or line.endswith((".", "!", "?")):
            return False
        return bool(self.address_word_fast_re.search(line) or self.street_number_after_re.search(line)
                    or self.street_number_before_re.search(line))

    # -- finders ---------------------------------------------------------------

    def _digits(self, text: str) -> list[Item]:
        out = []
        for m in self.digit_re.finditer(text):
            raw = m.group("num")
            start, end = m.start(), m.end()
            before = text[max(0, start - 6):start]
            if before[-1:].isalpha() and not self.cur_left_re.search(before):
                continue  # "J1149", "A4": glued to a word that is no currency
            if m.group("fn") and int(m.group("fn")) >= int(m.group("fd")):
                continue  # "15/03", "24/7": a date or a schedule, not a fraction
            value = _digit_value(raw, m.group("vf"))
            if value is None:
                continue
            item = Item(start, end, value, fraction="/" in raw or bool(m.group("vf")))
            if before[-1:] and before[-1:] in "-−":
                if re.search(r"(?:^|[\s(\[])[-−]$", before):
                    item.value = -item.value
                    item.start -= 1
                elif not re.search(r"\d\s?-$", before):
                    continue  # "COVID-19", "A-5": part of a name; "200-300" is a range of two numbers
            self._left(text, item)
            if not self._right(text, item, glued_ok=True):
                continue
            if self._not_a_number(text, item, (start, end)):
                continue
            out.append(item)
        return out

    def _spelled(self, text: str, low: Optional[str] = None) -> list[Item]:
        """Spelled numbers; ``low`` is lowered(text) or None (then the case-insensitive scan)."""
        out = []
        scan = self.spelled_low_re.finditer(low) if low is not None and self.spelled_low_re \
            else self.spelled_re.finditer(text)
        for m in scan:
            word = text[m.start():m.end()].lower()
            single = self.one_word_runs.get(word)
            if single is not None:  # a run of one vocabulary word: its token is the whole match
                if not single:
                    continue
                tokens = [(word, m.start(), m.end())]
                words = [word]
                runs = single
            else:
                tokens = [(t.group(0).lower(), t.start(), t.end())
                          for t in self.token_re.finditer(text, m.start(), m.end())]
                words = [t[0] for t in tokens]
                runs = parse_word_run(words, self.grammar)
            for found in runs:
                start, end = tokens[found.first][1], tokens[found.last][2]
                phrase = text[start:end]
                if phrase.lower() in self.not_numbers:
                    continue
                if not self._plausible(text, start, end, phrase, found):
                    last = words[found.last]
                    if found.first < found.last and last in ORDINAL_UNITS and words[found.first] in ("a", "an"):
                        found = WordNumber(found.last, found.last, ORDINAL_UNITS[last], True)
                        start = tokens[found.first][1]
                        phrase = text[start:end]
                    else:
                        continue
                item = Item(start, end, found.value, "ordinal" if found.ordinal else "cardinal",
                            fraction=any(w in self.grammar.fractions for w in words[found.first:found.last + 1])
                            and not found.ordinal)
                self._left(text, item)
                if not self._right(text, item, glued_ok=False):
                    continue
                if self._not_a_number(text, item, (start, end)):
                    continue
                out.append(item)
        return out

    def _a_units(self, text: str, low: Optional[str] = None) -> list[Item]:
        """"a dollar", "a kilogram": the article is the number one. ``low``: as in _spelled."""
        out = []
        scan = self.a_unit_low_re.finditer(low) if low is not None and self.a_unit_low_re \
            else self.a_unit_re.finditer(text)
        for m in scan:
            item = Item(m.start(), m.end("a"), 1.0)
            self._right(text, item, glued_ok=False)
            if item.kind == "cardinal" or not self.a_unit_after_re.match(text, item.end):
                continue  # "a cup tie": the unit word is a noun's modifier, not a measure
            self._left(text, item, allow_currency=False)
            out.append(item)
        return out

    def _plausible(self, text: str, start: int, end: int, phrase: str, found: WordNumber) -> bool:
        """Spelled words that are numbers here, not pronouns, titles or bare articles."""
        before = text[max(0, start - 12):start].lower()
        after = text[end:end + 20].lower()
        word = phrase.lower()
        if word == "one":
            if re.search(r"\b(no|any|every|each|some|this|that|the|little|loved)\s+$", before):
                return False
            if re.match(r"\s+(another|day|by one)\b", after) or re.match(r"['’]s", after):
                return False
        if found.ordinal and word in ("first", "second"):
            nxt = re.match(r"\s+(\w+)", after)
            if nxt and nxt.group(1) in self.title_words:
                return False
            if word == "second" and re.match(r"\s+(of|later)\b", after):
                return False
            # "first reported", "first appeared": an adverb before a past verb, unless
            # a determiner makes it the ordinal ("the first injured")
            if word == "first" and re.match(r"\s+[a-z]+ed\b", after) \
                    and not re.search(r"\b(the|their|its|his|her|our|a)\s+$", before):
                return False
        first = word.split()[0]
        # "a third round" is an ordinal use; "a third of" is the fraction.
        if first in ("a", "an") and len(word.split()) == 2 and word.split()[1] in ORDINAL_UNITS \
                and not re.match(r"\s*(?:of\b|[.,;:)]|$)", after):
            return False
        return True

    # -- stage -----------------------------------------------------------------

    def candidates(self, text: str, dates: list[tuple[int, int]]) -> list[dict]:
        """Numbers found in ``text`` (normalised-text offsets), dates spans excluded.

        ``dates`` are (start, end) spans of the dates layer; their characters are
        masked, so nothing inside them is read and a number may end right before one.
        Returns SPEC number records without ``text`` ({start, end, value, kind,
        unit, mod}), sorted by start, non-overlapping (the longest extent wins;
        on a tie digits, then spelled numbers, then "a"+unit, then vague magnitudes). Pure.
        """
        masked = _mask(text, dates)
        found: list[tuple[int, int, Item]] = []
        low = lowered(masked)  # for the case-insensitive word scans, when it reads the same
        for rank, finder in enumerate((self._digits, self._spelled, self._a_units, self._vague, self._halves)):
            found += [(rank, i, item) for i, item in enumerate(finder(masked) if rank == 0 else finder(masked, low))]
        # Overlaps: the longest extent wins, then the earlier finder.
        found.sort(key=lambda f: (f[2].start - f[2].end, f[0], f[1]))
        taken: list[Item] = []
        spans = SpanSet(len(masked))
        for _, _, item in found:
            if spans.free(item.start, item.end):
                spans.add(item.start, item.end)
                taken.append(item)
        taken.sort(key=lambda i: i.start)
        self._between(masked, taken)
        return [i.record() for i in taken]

    def _halves(self, text: str, low: Optional[str] = None) -> list[Item]:
        """"more than half", "nearly half": a qualified bare "half" is the number 0.5.
        ``low``: as in _spelled."""
        if low is not None and self.half_low_re:
            if "half" not in low:
                return []
            scan = self.half_low_re.finditer(low)
        elif not self.half_word_re.search(text):
            return []
        else:
            scan = self.half_re.finditer(text)
        return [Item(m.start(), m.end(), 0.5,
                     mod=self.qualifiers[SPACES.sub(" ", text[m.start("qual"):m.end("qual")].lower())])
                for m in scan]

    def _between(self, text: str, items: list[Item]) -> None:
        """"between 7,000 and 10,000": the ends of a range take AT_LEAST and AT_MOST
        (SPEC has no range value; "between" stays outside both extents)."""
        for a, b in zip(items, items[1:]):
            if a.mod is not None or b.mod is not None or not RANGE_AND.fullmatch(text, a.end, b.start):
                continue
            m = self.between_re.search(text[max(0, a.start - 30):a.start])
            if m and (m.group("before") or "").strip().lower() not in self.range_skip:
                a.mod, b.mod = "AT_LEAST", "AT_MOST"

    def _vague(self, text: str, low: Optional[str] = None) -> list[Item]:
        """Vague magnitudes ("thousands"); ``low``: as in _spelled."""
        out = []
        scan = self.vague_low_re.finditer(low) if low is not None and self.vague_low_re \
            else self.vague_re.finditer(text)
        for m in scan:
            if is_identifier_number(text, m.start(), m.end()):
                continue
            item = Item(m.start(), m.end(), self.vague[SPACES.sub(" ", text[m.start():m.end()].lower())],
                        mod="AT_LEAST")
            self._left(text, item, allow_currency=False)
            out.append(item)
        return out

    def __call__(self, doc: Document) -> Document:
        tm = doc.textmap
        dates = [tm.span_to_normalised(d["start"], d["end"]) for d in doc.dates]
        doc.numbers = []
        for item in self.candidates(tm.text, dates):
            o_start, o_end = doc.from_normalised(item["start"], item["end"])
            doc.numbers.append({**doc.span(o_start, o_end), "value": item["value"], "kind": item["kind"],
                                "unit": item["unit"], "mod": item["mod"]})
        return doc


VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅖": 0.4, "⅗": 0.6, "⅘": 0.8,
          "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875}


def _digit_value(raw: str, vulgar: Optional[str]) -> Optional[float]:
    """Value of a digit core: "26,000" -> 26000, "816 000" -> 816000, "2 1/2" -> 2.5,
    "3/4" -> 0.75, ".75" -> 0.75, "2½" -> 2.5; None for a zero denominator."""
    if "/" in raw:
        parts = raw.split()
        num, den = parts[-1].split("/")
        if int(den) == 0:
            return None
        return (float(parts[0]) if len(parts) == 2 else 0.0) + int(num) / int(den)
    sci = SCIENTIFIC.fullmatch(raw)
    if sci:
        return float(sci.group(1)) * 10 ** int(sci.group(2).replace("−", "-"))
    value = float(DIGIT_SEPARATORS.sub("", raw).replace("−", "-"))
    if vulgar:
        value += VULGAR[vulgar]
    return value


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every character inside ``spans`` replaced by MASK (same length).

    Spans may overlap; spans outside ``0 <= start <= end <= len(text)`` take the
    character-list path, whose slice assignment defines what they do."""
    if not spans:
        return text
    n = len(text)
    if all(0 <= s <= e <= n for s, e in spans):
        pieces, pos = [], 0
        for s, e in sorted(spans):
            if e <= pos:
                continue
            s = max(s, pos)
            pieces += (text[pos:s], MASK * (e - s))
            pos = e
        pieces.append(text[pos:])
        return "".join(pieces)
    chars = list(text)
    for s, e in spans:
        chars[s:e] = MASK * (e - s)
    return "".join(chars)
