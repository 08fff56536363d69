"""The TIMEX grammar: named rules kept as data, their interpreters, and the finder.

Rules live in ``configs/lexicons/timex_grammar.toml`` (name, pattern, interpreter)
and combinations in its ``[[combine]]`` table; word lists (relative phrases,
holidays, units, time zones, qualifiers) in ``dates.toml`` and ``qualifiers.toml``.
Everything is checked at load (pydantic, extra="forbid"): an unknown interpreter,
macro or group name, or a pattern that does not compile, is a ``ValueError`` that
names the rule. Patterns are compiled once per finder.

``TimexFinder.find(text)`` returns non-overlapping ``Timex`` items (offsets into
``text``), each with the rule that read it; values that need an anchor are left
for ``pipeline/timex_resolve.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import regex  # variable-width look-behinds in grammar patterns (a dependency of dateparser)
from typing import Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .identifiers import is_identifier_number
from .lexicon import read_toml
from .patterns import lowered, trie_alternation
from .spans import SpanSet
from .numwords import ORDINAL_UNITS, words_to_number
from .timex import Anchor, Timex, duration_value, ymd

# Group names interpreters read (the grammar may use no others).
GROUPS = {
    "y", "y2", "y3", "y4", "yy", "m", "m2", "mn", "d", "d2", "dw", "wd", "rel", "rel2", "wrel", "after",
    "n", "n2", "n3", "unit", "unit2", "unit3", "frac", "frac2", "dir", "hh", "mi", "ss", "ampm", "tz",
    "off", "sep", "pod", "podw", "named", "hw", "mw", "half", "quarter", "min", "season", "q", "q2", "qo",
    "dec", "cent", "centw", "word", "part", "a", "b", "c", "era", "ana", "qual", "bare", "bare2", "bare3", "yrel",
    "wk",
}
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
HOUR_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


# Rules whose matches are bare numbers that identifiers and phone numbers also take.
NUMBER_LIKE_RULES = {"year", "year-range", "numeric-date", "numeric-month-year", "numeric-month-day"}


def is_phone_number(text: str, start: int, end: int, cues: list[str]) -> bool:
    """A run of 5+ digits, or a number right after a phone or reference cue
    ("tel.", "hotline", "incident"): never a date. ``cues`` from dates.toml [phone]."""
    if re.search(r"\d{5,}", text[start:end]):
        return True
    before = text[max(0, start - 25):start].lower()
    return any(re.search(rf"(?:^|\W){re.escape(c)}\s*[:.]?\s*$", before) for c in cues)


# -- schema of the grammar file ----------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleSpec(_Strict):
    """One ``[[rules]]`` entry of configs/lexicons/timex_grammar.toml (fields explained in
    its header): ``name``, ``interpret`` (an INTERPRETERS key), ``pattern`` (a regular
    expression with ``{MACRO}`` / ``{MACRO:group}``), optional ``needs``. Unknown keys are
    errors (extra="forbid")."""

    name: str
    interpret: str
    pattern: str
    # A pattern (macros allowed) every match contains, at most Grammar.reach characters
    # from the match's ends: the rule only scans the text around its matches.
    needs: Optional[str] = None


class CombineSpec(_Strict):
    """One ``[[combine]]`` entry of configs/lexicons/timex_grammar.toml (explained above
    that table): two expressions of kinds ``left`` and ``right`` with only ``joiner``
    between them become one, built by ``op`` (a COMBINE_OPS key); ``after``, if given,
    must match in the 20 characters before the left one. Unknown keys are errors."""

    name: str
    left: list[str]
    joiner: str
    right: list[str]
    op: str
    after: Optional[str] = None  # the text before the left side must match this


class Grammar(_Strict):
    """The whole of configs/lexicons/timex_grammar.toml (its header documents the format):
    ``macros``, ``rules``, ``combine`` and ``reach`` (characters, >= 1). Unknown keys,
    unknown interpreters and unknown ops are pydantic ValidationErrors (TimexFinder
    reports them as ValueError)."""

    macros: dict[str, str]
    rules: list[RuleSpec]
    combine: list[CombineSpec] = []
    # How far a match (with the context its look-arounds read) may reach beyond the
    # `needs` match inside it, in characters.
    reach: int = Field(default=60, ge=1)

    @field_validator("rules")
    @classmethod
    def _known_interpreters(cls, rules: list[RuleSpec]) -> list[RuleSpec]:
        for rule in rules:
            if rule.interpret not in INTERPRETERS:
                raise ValueError(f"rule {rule.name!r}: unknown interpreter {rule.interpret!r}")
        return rules

    @field_validator("combine")
    @classmethod
    def _known_ops(cls, specs: list[CombineSpec]) -> list[CombineSpec]:
        for spec in specs:
            if spec.op not in COMBINE_OPS:
                raise ValueError(f"combination {spec.name!r}: unknown op {spec.op!r}")
        return specs


class DatesLexicon(BaseModel):
    """dates.toml: the word lists the grammar and the resolver read."""

    model_config = ConfigDict(extra="forbid")
    relative: dict[str, str]
    relative_shift: dict[str, int]
    units: dict[str, tuple[str, int]]
    duration_codes: dict[str, str]
    parts_of_day: dict[str, tuple[str, int]]
    part_mods: dict[str, str]
    time_zones: dict[str, str]
    holidays: dict[str, str]
    anaphors: dict[str, list[str]]
    event_heads: dict[str, list[str]]
    recurring: dict[str, list[str]]
    not_dates: dict[str, list[str]]
    doc_date: dict[str, object]
    phone: dict[str, list[str]]
    tense: dict[str, list[str]]

    @field_validator("part_mods")
    @classmethod
    def _mods(cls, mods: dict[str, str]) -> dict[str, str]:
        bad = {k: v for k, v in mods.items() if v not in ("START", "MID", "END")}
        if bad:
            raise ValueError(f"part_mods must be START, MID or END: {bad}")
        return mods

    @field_validator("holidays")
    @classmethod
    def _holiday_specs(cls, specs: dict[str, str]) -> dict[str, str]:
        one = (r"(?:\d\d-\d\d|(?:orthodox-)?easter[+-]\d+|nth:\d\d:[0-6]:-?[1-5](?:[+-]\d+)?"
               r"|cal:(?:hindu|islamic|hebrew|chinese):[a-z_]+(?:[+-]\d+)?)")
        bad = [k for k, v in specs.items() if not re.fullmatch(rf"{one}(?:\.\.{one})?", v)]
        if bad:
            raise ValueError(f"holidays with an unreadable date rule: {bad}")
        return specs


class QualifierRow(_Strict):
    """One phrase of qualifiers.toml: the SPEC mod it gives in each layer that takes it."""

    numbers: Optional[Literal["MORE_THAN", "LESS_THAN", "APPROX", "AT_LEAST", "AT_MOST"]] = None
    dates: Optional[Literal["APPROX", "MORE_THAN", "LESS_THAN"]] = None


class QualifierTable(BaseModel):
    """qualifiers.toml: phrase -> QualifierRow (checked at config load, pipeline/resources.py)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, QualifierRow] = Field(init=False)


def load_qualifiers(path: str | Path, layer: str = "dates") -> dict[str, str]:
    """phrase -> mod for one layer of configs/lexicons/qualifiers.toml (lower-cased)."""
    table = read_toml(path)
    allowed = {"dates": {"APPROX", "MORE_THAN", "LESS_THAN"},
               "numbers": {"MORE_THAN", "LESS_THAN", "APPROX", "AT_LEAST", "AT_MOST"}}[layer]
    out = {}
    for phrase, row in table.items():
        if not isinstance(row, dict) or set(row) - {"numbers", "dates"}:
            raise ValueError(f"{path}: qualifier {phrase!r} must be a table with numbers/dates keys")
        if layer in row:
            if row[layer] not in allowed:
                raise ValueError(f"{path}: qualifier {phrase!r}: {row[layer]!r} is not a {layer} mod")
            out[phrase.lower()] = row[layer]
    return out


# -- scanning ----------------------------------------------------------------------

def scan_windows(text: str, needs, reach: int, gap: int = 40) -> list[tuple[int, int]]:
    """Stretches of ``text`` to scan for a rule whose every match contains a match of
    ``needs`` at most ``reach`` characters from its ends: each ``needs`` match widened
    by ``reach`` on both sides, merged when they overlap or lie under ``gap`` characters
    apart (a scan call costs about as much as scanning that many characters).

    Scanning only these stretches finds exactly the matches a scan of the whole text
    finds, as long as the rule keeps its promise: a match overlapping a stretch's start
    would contain a ``needs`` match whose stretch overlaps it, so the two were merged.
    (Look-behinds read the text before a stretch as usual.) The promise holds for
    every rule of the grammar on any normalised text (one white-space character between
    words) except unbounded runs such as a number of more than about 50 digits before a
    unit, which then loses that match. Returns [(start, end)] in text order,
    end-exclusive; [] when ``needs`` does not occur.
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    for m in needs.finditer(text):
        lo, hi = max(0, m.start() - reach), min(n, m.end() + reach)
        if out and lo <= out[-1][1] + gap:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def lower_case_form(pattern: str) -> Optional[regex.Pattern]:
    """For a wholly case-insensitive pattern ``(?i:BODY)``: BODY lower-cased and compiled
    case-sensitive, which finds the same matches on lower-cased text (patterns.lowered)
    at about two thirds of the cost; None when the pattern has another form or BODY holds
    something lower-casing could change the meaning of (an escape other than \\b \\d \\s
    \\w \\t \\n \\r \\f \\v or escaped punctuation, a group other than (?:...) and
    look-arounds, a flag)."""
    if not (pattern.startswith("(?i:") and pattern.endswith(")")):
        return None
    body = pattern[4:-1]
    if regex.search(r"\\[^bdswtnrfv\W]|\(\?[^:!=<]|\(\?<[^!=]", body):
        return None
    try:
        whole = regex.compile(f"(?:{body})")
    except regex.error:
        return None
    if whole.groups:  # "(?i:a)|(b)": the outer group did not span the whole pattern
        return None
    try:
        return regex.compile(body.lower())
    except regex.error:
        return None


# -- macro expansion -------------------------------------------------------------

_MACRO = re.compile(r"\{([A-Z_]+)(?::([a-z0-9]+))?\}")


def expand(pattern: str, macros: dict[str, str], rule: str = "?") -> str:
    """Replace {NAME} by ``(?:macro)`` and {NAME:g} by ``(?P<g>macro)``; nested macros expand."""
    def sub(m: re.Match) -> str:
        name, group = m.group(1), m.group(2)
        if name not in macros:
            raise ValueError(f"rule {rule!r}: unknown macro {{{name}}}")
        body = expand(macros[name], macros, rule)
        return f"(?P<{group}>{body})" if group else f"(?:{body})"
    return _MACRO.sub(sub, pattern)


def first_word_forms(names) -> set[str]:
    """The first word of each name as listed, capitalised and in capitals
    ("Eid al-Fitr" -> {"Eid", "EID"})."""
    out = set()
    for name in names:
        word = name.split()[0]
        out |= {word, word[:1].upper() + word[1:], word[:1].upper() + word[1:].lower(), word.upper()}
    return out


def _alternation(phrases) -> str:
    """Longest-first alternation of literal phrases (spaces match any white space)."""
    items = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in items) or "(?!x)x"


# -- small readers -----------------------------------------------------------------

def month_number(text: str) -> int:
    """'January', 'Jan.', 'SEPT' -> 1..12 (KeyError for other words)."""
    return MONTHS[text.lower().rstrip(".")]


def weekday_number(text: str) -> int:
    """'Monday', 'Tue', 'THURS' -> 0..6, Monday = 0 (KeyError for other words)."""
    return WEEKDAYS[text.lower()[:3]]


def amount(raw: str) -> Optional[float]:
    """'3' -> 3, 'three' -> 3, 'a'/'an' -> 1, 'a couple of' -> 2, 'half an' -> 0.5."""
    raw = re.sub(r"\s+", " ", raw.lower().strip())
    if raw in ("a", "an", "one"):
        return 1
    if raw == "a couple of":
        return 2
    if raw in ("half a", "half an", "a half", "1/2"):
        return 0.5
    if raw in ("a quarter of a", "a quarter of an"):
        return 0.25
    try:
        return float(raw)
    except ValueError:
        parsed = words_to_number(raw)
        return float(parsed[0]) if parsed and not parsed[1] else None


def day_number(g: dict) -> Optional[int]:
    """The day of the month a match gives, as digits ('15th') or an ordinal word ('fifteenth')."""
    if g.get("d") or g.get("d2"):
        return int(re.match(r"\d+", g.get("d") or g.get("d2")).group())
    if g.get("dw"):
        return ORDINAL_UNITS.get(g["dw"].lower()) or (words_to_number(g["dw"]) or (None,))[0]
    return None


# -- interpreters: (groups, finder) -> Timex fields, or None (not a date) ----------------

def _date(g: dict, f: "TimexFinder") -> Optional[dict]:
    y = int(g["y"]) if g.get("y") else (_two_digit_year(g["yy"]) if g.get("yy") else None)
    month = g.get("m") or g.get("m2")
    m = month_number(month) if month else (int(g["mn"]) if g.get("mn") else None)
    d = day_number(g)
    if d is not None and not 1 <= d <= 31:
        return None
    if m is None and d is None:
        if y is None:
            return None
        if g.get("era"):
            pass
        return {"value": f"{y:04d}", "kind": "year", "parts": {"y": y}}
    if m is not None and d is not None and y is not None:
        value = ymd(y, m, d)
        return {"value": value, "kind": "day", "parts": {"y": y, "m": m, "d": d}} if value else None
    if m is not None and d is None and y is None and (g.get("rel") or g.get("after")):
        shift = 2 if g.get("after") else f.shift_of(g["rel"])
        return {"kind": "month", "anchor": Anchor.DOC, "parts": {"m": m, "month_shift": shift}}
    if m is not None and d is None:
        parts = {"m": m} if y is None else {"y": y, "m": m}
        return {"value": f"{y:04d}-{m:02d}" if y else None, "kind": "month", "parts": parts,
                "anchor": Anchor.EXPLICIT if y else Anchor.YEAR}
    if m is not None and ymd(2000, m, d) is None:  # 2000: a leap year, so 29 February is a day
        return None
    parts = {"m": m, "d": d} if m is not None else {"d": d}
    return {"kind": "day", "parts": parts, "anchor": Anchor.YEAR}


def _two_digit_year(raw: str) -> int:
    """'74' -> 1974, '15' -> 2015 (a fixed pivot: a value never depends on the run day)."""
    yy = int(raw)
    return 2000 + yy if yy < 50 else 1900 + yy


def _numeric_date(g: dict, f: "TimexFinder") -> Optional[dict]:
    a, b = int(g["a"]), int(g["b"])
    sep = g.get("sep") or "/"
    # Month first where the day-first reading is impossible or the separator is the
    # US slash; day first for dots (European) and when the first field exceeds 12.
    if a > 12 or (sep == "." and b <= 12):
        d, m = a, b
    else:
        m, d = a, b
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    if g.get("c"):
        y = int(g["c"]) if len(g["c"]) == 4 else _two_digit_year(g["c"])
        value = ymd(y, m, d)
        return {"value": value, "kind": "day", "parts": {"y": y, "m": m, "d": d}} if value else None
    return {"kind": "day", "parts": {"m": m, "d": d}, "anchor": Anchor.YEAR}


def _day_range(g: dict, f: "TimexFinder") -> Optional[dict]:
    m, d1, d2 = month_number(g["m"]), int(g["d"]), int(g["d2"])
    if not (1 <= d1 < d2 <= 31) or ymd(2000, m, d2) is None:
        return None
    parts = {"m": m, "d1": d1, "d": d2}
    if g.get("y"):
        y = int(g["y"])
        return {"value": f"{ymd(y, m, d1)}/{ymd(y, m, d2)}", "kind": "day", "parts": {**parts, "y": y}}
    return {"kind": "day", "anchor": Anchor.YEAR, "parts": parts}


def _month_range(g: dict, f: "TimexFinder") -> Optional[dict]:
    y, m1, m2 = int(g["y"]), month_number(g["m"]), month_number(g["m2"])
    if m2 <= m1:
        return None
    return {"value": f"{y:04d}-{m1:02d}/{y:04d}-{m2:02d}", "kind": "month", "parts": {"y": y}}


def _year_range(g: dict, f: "TimexFinder") -> Optional[dict]:
    y1, y2 = g.get("y") or g.get("y3"), g.get("y2") or g.get("y4")
    if len(y2) == 2:
        y2 = y1[:2] + y2
    if int(y2) <= int(y1):
        return None
    return {"value": f"{y1}/{y2}", "kind": "year"}


def _decade(g: dict, f: "TimexFinder") -> Optional[dict]:
    dec = g["dec"]
    if len(dec) == 2:
        dec = "19" + dec
    return {"value": dec[:3] + "X", "kind": "other"}


def _century(g: dict, f: "TimexFinder") -> Optional[dict]:
    n = int(g["cent"]) if g.get("cent") else (words_to_number(g["centw"]) or (0,))[0]
    if not 1 <= n <= 30:
        return None
    return {"value": f"{n - 1:02d}XX", "kind": "other"}


def _season(g: dict, f: "TimexFinder") -> Optional[dict]:
    code = SEASONS[g["season"].lower()]
    if g.get("season").lower() == "fall" and not (g.get("rel") or g.get("y")):
        return None  # "fall" alone is a verb more often than a season
    if g.get("y"):
        return {"value": f"{int(g['y']):04d}-{code}", "kind": "other"}
    if g.get("rel"):
        return {"kind": "other", "anchor": Anchor.DOC,
                "parts": {"season": code, "shift": f.shift_of(g["rel"])}}
    return {"kind": "other", "anchor": Anchor.YEAR, "parts": {"season": code}}


def _quarter(g: dict, f: "TimexFinder") -> Optional[dict]:
    """Quarters ("the third quarter of 2018" -> 2018-Q3) and halves ("the first half of
    2019", "H1 2019" -> 2019-H1, TIMEX3)."""
    letter = "H" if "half" in g.get("_rule", "") else "Q"
    if g.get("q") or g.get("q2"):
        q = int(g.get("q") or g.get("q2"))
        return {"value": f"{int(g.get('y2') or g.get('y3')):04d}-{letter}{q}", "kind": "other"}
    qo = g["qo"].lower()
    q = 4 if qo in ("last", "final") else int(re.match(r"\d", qo).group()) if qo[0].isdigit() else ORDINAL_UNITS[qo]
    if g.get("y"):
        return {"value": f"{int(g['y']):04d}-{letter}{q}", "kind": "other"}
    return {"kind": "other", "anchor": Anchor.YEAR, "parts": {"q": q}}


def _week_number(g: dict, f: "TimexFinder") -> Optional[dict]:
    """"week 37" -> an ISO week, of the year given ("week 37 of 2025" -> 2025-W37) or of
    the narrative's (resolve_year)."""
    wk = int(g["wk"])
    if g.get("y"):
        y = int(g["y"])
        return {"value": f"{y:04d}-W{wk:02d}", "kind": "week", "parts": {"y": y, "wk": wk}}
    return {"kind": "week", "anchor": Anchor.YEAR, "parts": {"wk": wk}}


def _weekday(g: dict, f: "TimexFinder") -> Optional[dict]:
    parts: dict = {"wd": weekday_number(g["wd"])}
    if g.get("rel"):
        parts["rel"] = re.sub(r"\s+", " ", g["rel"].lower())
    if g.get("wrel"):
        parts["week_shift"] = f.shift_of(g["wrel"])
    if g.get("after"):
        parts["rel"] = "after next"
    mod = None
    if g.get("pod"):
        parts["pod"] = f.parts_of_day[g["pod"].lower()][0]
        mod = f.part_mods.get(g["part"].lower()) if g.get("part") else None
    return {"kind": "weekday", "anchor": Anchor.WEEKDAY, "parts": parts, "mod": mod}


def _holiday(g: dict, f: "TimexFinder") -> Optional[dict]:
    spec = f.holidays[re.sub(r"\s+", " ", g["word"]).lower()]
    parts: dict = {"holiday": spec}
    if g.get("y"):
        parts["y"] = int(g["y"])
        return {"kind": "day", "anchor": Anchor.EXPLICIT, "parts": parts}
    if g.get("yrel"):  # "Thanksgiving of next year"
        parts["year_shift"] = f.shift_of(g["yrel"])
        return {"kind": "day", "anchor": Anchor.DOC, "parts": parts}
    if g.get("rel"):  # "last Easter": the occurrence before the document date
        parts["rel"] = g["rel"].lower()
        return {"kind": "day", "anchor": Anchor.DOC, "parts": parts}
    return {"kind": "day", "anchor": Anchor.YEAR, "parts": parts}


def _relative_word(g: dict, f: "TimexFinder") -> Optional[dict]:
    spec = f.relative[re.sub(r"\s+", " ", g["word"]).lower()]
    if spec in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        return {"value": spec, "kind": "other"}
    unit = spec.split("+")[0].split("-")[0]
    kind = {"day": "relday", "year": "relyear", "month": "month", "week": "week"}.get(unit, "other")
    return {"kind": kind, "anchor": Anchor.DOC, "parts": {"spec": spec}}


def _relative_unit(g: dict, f: "TimexFinder") -> Optional[dict]:
    unit_word = g["unit"].lower().replace("-", "")
    unit, _ = f.units.get(unit_word, (unit_word, 1))
    shift = f.shift_of(g["rel"])
    kind = {"year": "relyear", "month": "month", "week": "week", "weekend": "week"}.get(unit, "other")
    sign = "+" if shift >= 0 else "-"
    return {"kind": kind, "anchor": Anchor.DOC, "parts": {"spec": f"{unit}{sign}{abs(shift)}"}}


def _day_of_relative(g: dict, f: "TimexFinder") -> Optional[dict]:
    d = day_number(g)
    if d is None or not 1 <= d <= 31:
        return None
    return {"kind": "day", "anchor": Anchor.DOC, "parts": {"spec": f"month{f.shift_of(g['rel']):+d}", "d": d}}


def _unit(f: "TimexFinder", word: str) -> Optional[tuple[str, int]]:
    word = word.lower().rstrip(".")
    if word not in f.units and word.endswith("s"):
        word = word[:-1]
    return f.units.get(word)


def _offset(g: dict, f: "TimexFinder") -> Optional[dict]:
    n = amount(g["n"])
    unit = _unit(f, g["unit"])
    if n is None or unit is None or n != int(n):
        return None
    name, per = unit
    direction = re.sub(r"\s+", " ", (g.get("dir") or "in").lower())
    sign = -1 if direction in ("ago", "earlier", "before") else 1
    parts = {"n": int(n) * per, "unit": name, "dir": direction, "sign": sign,
             "as_duration": duration_value([(int(n) * per, f.duration_codes[name])]) if name in f.duration_codes else None}
    if name in ("hour", "minute", "second"):
        return None  # SPEC: the document date has no clock time to move from
    return {"kind": "offset", "anchor": Anchor.DOC, "parts": parts}


_FRACTION = {"half": 0.5, "quarter": 0.25}
_SMALLER = {"H": ("MIN", 60), "MIN": ("S", 60), "D": ("H", 24), "Y": ("M", 12), "W": ("D", 7)}


def duration_amounts(n: float, code: str) -> list[tuple[float, str]]:
    """A fractional amount in a whole unit plus the next smaller one (1.5 H -> 1 H 30 MIN)."""
    if float(n).is_integer() or code not in _SMALLER:
        return [(n, code)]
    whole = int(n)
    small, per = _SMALLER[code]
    rest = round((n - whole) * per, 6)
    return ([(whole, code)] if whole else []) + [(rest, small)]


def _duration(g: dict, f: "TimexFinder") -> Optional[dict]:
    raw_n = g.get("n") or g.get("n2") or g.get("n3")
    unit_word = g.get("unit") or g.get("unit2") or g.get("unit3")
    if raw_n is None:  # "the past week": one unit
        raw_n = "1"
    n = amount(raw_n)
    unit = _unit(f, unit_word)
    if n is None or unit is None:
        return None
    frac = g.get("frac") or g.get("frac2")
    if frac:
        n += _FRACTION[frac.lower()]
    name, per = unit
    code = f.duration_codes.get(name)
    if code is None:
        return None
    amounts = duration_amounts(n * per, code)
    mod = f.qualifiers.get(re.sub(r"\s+", " ", (g.get("qual") or "").strip().lower())) if g.get("qual") else None
    return {"value": duration_value(amounts), "kind": "duration", "mod": mod,
            "parts": {"amounts": amounts}}


def _vague_duration(g: dict, f: "TimexFinder") -> Optional[dict]:
    word = (g.get("unit") or g.get("bare") or g.get("bare2") or g.get("bare3")).lower()
    unit = _unit(f, word)
    if unit is None:
        return None
    code = f.duration_codes[unit[0]]
    code = {"H": "TXH", "MIN": "TXM"}.get(code, "X" + code)
    return {"value": "P" + code, "kind": "duration"}


def _clock(g: dict, f: "TimexFinder") -> Optional[dict]:
    parts: dict = {}
    if g.get("named"):
        named = g["named"].lower()
        parts["hh"], parts["mi"] = (24, 0) if named == "midnight" else (12, 0)
        return {"kind": "clock", "anchor": Anchor.CLOCK, "parts": parts}
    if g.get("hw"):
        hh = HOUR_WORDS[g["hw"].lower()]
    else:
        hh = int(g["hh"])
    mi = int(g["mi"]) if g.get("mi") else 0
    if g.get("mw"):
        words = re.sub(r"^o'?\s?", "", g["mw"].lower())
        mi = int((words_to_number(words) or (None,))[0] or 0)
    ampm = (g.get("ampm") or "").replace(".", "").replace(" ", "").lower()
    if g.get("sep") == "." and not (ampm or g.get("tz")):
        return None  # "10.26" alone is a decimal number, not a time
    if hh > 24 or mi > 59 or (ampm and hh > 12):
        return None
    pod = (g.get("pod") or "").lower()
    podw = re.sub(r"\s+", " ", (g.get("podw") or "").lower().replace("in the ", "").replace("the ", ""))
    if ampm.startswith("p") and hh < 12:
        hh += 12
    elif ampm.startswith("a") and hh == 12:
        hh = 0
    elif not ampm and (pod in ("afternoon", "evening") or any(w in podw for w in ("tonight", "evening", "afternoon", "night"))) and hh < 12:
        hh += 12
    parts.update({"hh": hh, "mi": mi})
    if g.get("ss"):
        parts["ss"] = int(g["ss"])
    if g.get("off"):
        parts["tz"] = _utc_offset(g["off"])
    elif g.get("tz"):
        parts["tz"] = f.time_zones.get(g["tz"].upper())
    parts["ampm"] = bool(ampm) or bool(pod) or bool(podw)
    if podw:
        day_word = podw.split()[0]
        shift = {"tomorrow": 1, "yesterday": -1}.get(day_word, 0)
        return {"kind": "clock", "anchor": Anchor.DOC, "parts": {**parts, "spec": f"day{shift:+d}"}}
    return {"kind": "clock", "anchor": Anchor.CLOCK, "parts": parts}


def _clock_offset(g: dict, f: "TimexFinder") -> Optional[dict]:
    target = g["hh"].lower()
    if target in ("noon", "midnight"):
        hh = 12 if target == "noon" else 24
    else:
        hh = int(target) if target.isdigit() else HOUR_WORDS.get(target)
        if hh is None:
            return None
    if g.get("half"):
        minutes = 30
    elif g.get("quarter"):
        minutes = 15
    else:
        raw = g["min"].lower()
        minutes = int(raw) if raw.isdigit() else int((words_to_number(re.sub(r"^o'?\s?", "", raw)) or (0,))[0])
    ampm = (g.get("ampm") or "").replace(".", "").replace(" ", "").lower()
    if ampm.startswith("p") and hh < 12:
        hh += 12
    total = hh * 60 + (minutes if g["dir"].lower() in ("past", "after") else -minutes)
    hh, mi = divmod(total, 60)
    if not 0 <= hh <= 24 or minutes >= 60:
        return None
    return {"kind": "clock", "anchor": Anchor.CLOCK, "parts": {"hh": hh, "mi": mi, "ampm": bool(ampm) or target == "noon"}}


def _utc_offset(raw: str) -> str:
    raw = raw.replace("−", "-").replace(" ", "")
    sign, digits = raw[0], raw[1:].replace(":", "")
    hours = digits[:-2] if len(digits) > 2 else digits
    minutes = digits[-2:] if len(digits) > 2 else "00"
    return f"{sign}{int(hours):02d}:{minutes}"


def _part_of_day(g: dict, f: "TimexFinder") -> Optional[dict]:
    mod = f.part_mods.get((g.get("part") or "").lower()) if g.get("part") else None
    if g.get("pod"):
        code = f.parts_of_day[g["pod"].lower()][0]
        return {"kind": "pod", "anchor": Anchor.CLOCK, "mod": mod, "parts": {"pod": code}}
    words = re.sub(r"\s+", " ", g["podw"].lower()).replace(" at ", " ").split()
    day_word, pod_word = words[0], words[-1]
    if len(words) == 1:  # tonight, overnight
        day_word = "today"
    if day_word == "last":
        day_word = "yesterday"
    shift = {"tomorrow": 1, "yesterday": -1}.get(day_word, 0)
    code = f.parts_of_day.get(pod_word, ("TNI", 12))[0]
    return {"kind": "relday", "anchor": Anchor.DOC, "mod": mod, "parts": {"spec": f"day{shift:+d}:{code}"}}


def _part_of_unit(g: dict, f: "TimexFinder") -> Optional[dict]:
    mod = f.part_mods.get(g["part"].lower())
    shift = f.shift_of(g["rel"]) if g.get("rel") else 0
    unit = g["unit"].lower()
    kind = {"year": "relyear", "month": "month", "week": "week"}.get(unit, "other")
    return {"kind": kind, "anchor": Anchor.DOC, "mod": mod, "parts": {"spec": f"{unit}{shift:+d}"}}


def _anaphor(g: dict, f: "TimexFinder") -> Optional[dict]:
    shift = {"next": 1, "following": 1, "previous": -1}.get((g.get("rel") or "").lower(), 0)
    return {"kind": "other", "anchor": Anchor.ANAPHOR, "parts": {"head": g["word"].lower(), "shift": shift}}


def _named_day(g: dict, f: "TimexFinder") -> Optional[dict]:
    return {"kind": "other", "anchor": Anchor.SENTENCE}


INTERPRETERS: dict[str, Callable[[dict, "TimexFinder"], Optional[dict]]] = {
    "date": _date, "week-number": _week_number, "numeric-date": _numeric_date, "day-range": _day_range, "month-range": _month_range, "year-range": _year_range, "decade": _decade,
    "century": _century, "season": _season, "quarter": _quarter, "weekday": _weekday,
    "holiday": _holiday, "relative-word": _relative_word, "relative-unit": _relative_unit,
    "day-of-relative": _day_of_relative, "offset": _offset, "duration": _duration,
    "vague-duration": _vague_duration, "clock": _clock, "clock-offset": _clock_offset,
    "part-of-day": _part_of_day, "part-of-unit": _part_of_unit, "anaphor": _anaphor,
    "named-day": _named_day,
}


# -- combinations -------------------------------------------------------------------

def _span(a: Timex, b: Timex, rule: str) -> Timex:
    return Timex(min(a.start, b.start), max(a.end, b.end), rule)


def _keep(kept: Timex, other: Timex, rule: str) -> Optional[Timex]:
    if other.kind == "weekday" and (other.parts.get("rel") or "week_shift" in other.parts):
        return None  # "10/31/1974, last Sunday": two expressions
    t = _span(kept, other, rule)
    t.value, t.mod, t.anchor, t.kind, t.parts = kept.value, kept.mod, kept.anchor, kept.kind, kept.parts
    t.children, t.op, t.date_end = kept.children, kept.op, kept.date_end
    if kept.kind == "day" and other.kind == "weekday":
        t.parts = {**kept.parts, "checked_wd": other.parts.get("wd")}
    return t


def _day_time(day: Timex, clock: Timex, rule: str) -> Optional[Timex]:
    if clock.kind == "pod" and day.kind == "relday" and ":" in day.parts.get("spec", ""):
        return None  # "tonight" + "evening": already a part of a day
    if clock.kind == "pod" and (day.op == "range" or "d1" in day.parts):
        return None  # "the night of 19-20 January": the range is the expression (SPEC)
    if clock.mod and day.start < clock.start:
        return None  # "Friday, 8 April 2022, at approximately 10:30": two expressions
    t = _span(day, clock, rule)
    t.kind, t.anchor, t.op, t.children = "day", Anchor.COMPOSITE, "datetime", [day, clock]
    t.mod = clock.mod or day.mod
    t.date_end = day.end if day.start < clock.start else None
    return t


def _range(left: Timex, right: Timex, rule: str) -> Optional[Timex]:
    if left.op == "range" or right.op == "range" or left.kind == "duration":
        return None
    if left.kind != right.kind and {left.kind, right.kind} != {"day", "weekday"}:
        if not (left.kind == "month" and right.kind == "day"):  # "Nov 18-Dec 19": handled by day kinds
            return None
    if left.kind == "clock":
        lp, rp = left.parts, right.parts
        if not lp.get("ampm") and rp.get("ampm") and lp["hh"] < 12 and rp["hh"] >= 12 and lp["hh"] + 12 <= rp["hh"]:
            lp["hh"] += 12
        elif not rp.get("ampm") and rp["hh"] < lp["hh"] <= 12 and rp["hh"] + 12 <= 24:
            rp["hh"] += 12  # "from 10 to 2": the afternoon; "from 23:40 to 01:15" runs past midnight
        if "tz" in rp and "tz" not in lp:
            lp["tz"] = rp["tz"]
    # The left side takes the year (and month) the right side states: "Nov 18 - Dec 19, 2015".
    if "y" in right.parts and "y" not in left.parts and left.anchor == Anchor.YEAR:
        left.parts = {**left.parts, "y": right.parts["y"]}
    t = _span(left, right, rule)
    t.kind, t.anchor, t.op, t.children = left.kind, Anchor.COMPOSITE, "range", [left, right]
    return t


def _sum(left: Timex, right: Timex, rule: str) -> Optional[Timex]:
    if left.mod or right.mod or "amounts" not in left.parts or "amounts" not in right.parts:
        return None
    order = ["Y", "M", "W", "D", "H", "MIN", "S"]
    amounts = left.parts["amounts"] + right.parts["amounts"]
    codes = [c for _, c in amounts]
    if any(c not in order for c in codes) or codes != sorted(codes, key=order.index) or len(set(codes)) != len(codes):
        return None
    t = _span(left, right, rule)
    t.kind, t.parts, t.value = "duration", {"amounts": amounts}, duration_value(amounts)
    return t


def _year_from_right(left: Timex, right: Timex, rule: str) -> Optional[Timex]:
    if left.anchor != Anchor.YEAR:
        return None
    t = _span(left, right, rule)
    t.kind, t.anchor, t.op, t.children = left.kind, Anchor.COMPOSITE, "year-from", [left, right]
    return t


def _offset_from(left: Timex, right: Timex, rule: str) -> Optional[Timex]:
    if left.parts.get("dir") not in ("after", "before"):
        return None
    t = _span(left, right, rule)
    t.kind, t.anchor, t.op, t.children = "day", Anchor.COMPOSITE, "offset-from", [left, right]
    return t


COMBINE_OPS = {
    "keep-right": lambda a, b, rule: _keep(b, a, rule),
    "keep-left": lambda a, b, rule: _keep(a, b, rule),
    "day-time": _day_time,
    "time-day": lambda a, b, rule: _day_time(b, a, rule),
    "range": _range,
    "sum": _sum,
    "year-from-right": _year_from_right,
    "offset-from": _offset_from,
}


# -- the finder ----------------------------------------------------------------------

class TimexFinder:
    """Finds temporal expressions with the grammar; built once per stage.

    ``grammar``: parsed timex_grammar.toml; ``lexicon``: parsed dates.toml;
    ``qualifiers``: phrase -> dates mod (qualifiers.toml). Raises ValueError when
    the grammar or lexicon breaks its schema.
    """

    def __init__(self, grammar: dict, lexicon: dict, qualifiers: dict[str, str]):
        try:
            self.grammar = Grammar(**grammar)
            self.lex = DatesLexicon(**lexicon)
        except ValidationError as exc:
            raise ValueError(f"TIMEX grammar or dates lexicon: {exc}") from None
        lx = self.lex
        self.relative = {k.lower(): v for k, v in lx.relative.items()}
        self.shifts = {k.lower(): v for k, v in lx.relative_shift.items()}
        self.units = {k.lower(): tuple(v) for k, v in lx.units.items()}
        self.duration_codes = lx.duration_codes
        self.parts_of_day = {k.lower(): tuple(v) for k, v in lx.parts_of_day.items()}
        self.part_mods = {k.lower(): v for k, v in lx.part_mods.items()}
        self.time_zones = {k.upper(): v for k, v in lx.time_zones.items()}
        self.holidays = {re.sub(r"\s+", " ", k).lower(): v for k, v in lx.holidays.items()}
        self.qualifiers = qualifiers
        self.phone_cues = [c.lower() for c in lx.phone.get("cues", [])]
        macros = dict(self.grammar.macros)
        # Word lists of the lexicon become macros too.
        holiday_names = set(lx.holidays) | {k.replace("'", "’") for k in lx.holidays}
        self.holidays.update({re.sub(r"\s+", " ", k).lower().replace("'", "’"): v for k, v in lx.holidays.items()})
        macros["HOLIDAY"] = trie_alternation(holiday_names, flexible_spaces=True)
        macros["HOLIDAY_FIRST"] = trie_alternation(first_word_forms(holiday_names))
        macros["RELATIVE"] = _alternation(k for k in self.relative if not k.startswith(("now", "right now", "at ")))
        macros["QUALIFIER"] = _alternation(qualifiers)
        macros["ANAPHOR_HEAD"] = _alternation(lx.anaphors.get("heads", []))
        macros["ANAPHOR_MODIFIER"] = _alternation(lx.anaphors.get("modifiers", []))
        self.rules: list[tuple[str, str, re.Pattern]] = []
        self.needs: list[Optional[re.Pattern]] = []
        # needs pattern -> its case-sensitive form for lower-cased text, when it has one
        self.needs_lower: dict[str, Optional[regex.Pattern]] = {}
        for rule in self.grammar.rules:
            try:
                pattern = regex.compile(expand(rule.pattern, macros, rule.name))
            except regex.error as exc:
                raise ValueError(f"rule {rule.name!r}: pattern does not compile: {exc}") from None
            unknown = set(pattern.groupindex) - GROUPS
            if unknown:
                raise ValueError(f"rule {rule.name!r}: unknown group name(s) {sorted(unknown)}")
            needs = None
            if rule.needs:
                try:
                    needs = regex.compile(expand(rule.needs, macros, rule.name))
                except regex.error as exc:
                    raise ValueError(f"rule {rule.name!r}: needs does not compile: {exc}") from None
                if needs.pattern not in self.needs_lower:
                    self.needs_lower[needs.pattern] = lower_case_form(needs.pattern)
            self.rules.append((rule.name, rule.interpret, pattern))
            self.needs.append(needs)
        self.combos = []
        for spec in self.grammar.combine:
            joiner = regex.compile(expand(spec.joiner, macros, spec.name) + r"\Z")
            after = regex.compile(spec.after) if spec.after else None
            self.combos.append((spec, joiner, after))
        mods = {k: v for k, v in self.part_mods.items()}
        self.prefix_mod = re.compile(
            r"(?i:\b(?:the\s+)?(?:very\s+)?(?P<part>" + _alternation(mods) + r")(?:[\s-]+|-)(?:of\s+)?(?:the\s+)?)\Z")
        approx = {k: v for k, v in qualifiers.items()}
        self.prefix_qual = re.compile(r"(?i:\b(?P<qual>" + _alternation(approx) + r")\s+)\Z")
        self.prefix_nth = re.compile(
            r"(?i:\b(?:the\s+)?(?P<ord>first|second|third|fourth|fifth|last|final|1st|2nd|3rd|4th|5th)\s+"
            r"(?P<what>monday|tuesday|wednesday|thursday|friday|saturday|sunday|day|week-?end|week)\s+(?:of|in)\s+(?:the\s+)?)\Z")
        self.prefix_week_of = re.compile(r"(?i:\b(?:the\s+)?week\s+of\s+(?:the\s+)?)\Z")

    def shift_of(self, word: str) -> int:
        """this -> 0, next -> 1, last -> -1 ([relative_shift] of dates.toml)."""
        return self.shifts.get(re.sub(r"\s+", " ", word.lower().strip()), 0)

    # ---------------------------------------------------------------------------
    def find(self, text: str, errors: Optional[list[str]] = None) -> list[Timex]:
        """Non-overlapping expressions in text order. A rule that fails on one match
        loses that match only (a line in ``errors`` says which)."""
        candidates: list[tuple[int, int, int, Timex]] = []
        whole = ((0, len(text)),)
        windows: dict[str, list[tuple[int, int]]] = {}  # by needs pattern: rules share them
        low = lowered(text)  # case-insensitive needs run case-sensitive on it (cheaper)
        for order, (name, interpret, pattern) in enumerate(self.rules):
            needs = self.needs[order]
            if needs is None:
                spans = whole
            else:
                spans = windows.get(needs.pattern)
                if spans is None:
                    spans = windows[needs.pattern] = self.needs_windows(text, needs, low)
            for m in (m for lo, hi in spans for m in pattern.finditer(text, lo, hi)):
                s, e = m.span()
                if e <= s or ("\n" in text[s:e] and re.search(r"[.;:!?]\s*\n|\n\s*\n", text[s:e])):
                    continue
                try:
                    groups = {k: v for k, v in m.groupdict().items() if v}
                    groups["_rule"] = name
                    fields = INTERPRETERS[interpret](groups, self)
                except Exception as exc:  # a bad match loses itself, never the document
                    if errors is not None:
                        errors.append(f"dates: rule {name} failed on {text[s:e]!r} at {s}: {type(exc).__name__}: {exc}")
                    continue
                if fields is None:
                    continue
                t = Timex(s, e, name, **fields)
                candidates.append((-(e - s), order, s, t))
        candidates.sort(key=lambda c: (c[0], c[1], c[2]))
        taken = SpanSet(len(text))
        chosen = []
        for _, _, s, t in candidates:
            if not taken.free(t.start, t.end):
                continue
            taken.add(t.start, t.end)
            chosen.append(t)
        chosen.sort(key=lambda t: t.start)
        # Numbers that only look like years or dates: identifiers, phone and reference numbers.
        chosen = [t for t in chosen if t.rule not in NUMBER_LIKE_RULES
                  or not (is_identifier_number(text, t.start, t.end) or is_phone_number(text, t.start, t.end, self.phone_cues))]
        chosen = [self._prefixes(text, t) for t in chosen]
        # A prefix may have swallowed the expression before it ("first Monday of March").
        chosen = [t for i, t in enumerate(chosen)
                  if not any(o is not t and o.start <= t.start and t.end <= o.end for o in chosen[i + 1:i + 3])]
        chosen = self._combine(text, chosen, errors)
        for t in chosen:
            self._strip_determiner(text, t)
        for a, b in zip(chosen, chosen[1:]):
            # "London, today, 30 June": the text equates its "today" with a day.
            if a.parts.get("spec") == "day+0" and b.kind == "day" and re.fullmatch(r"\s*,\s*", text[a.end:b.start]):
                a.parts["equated"] = True
        return chosen

    def needs_windows(self, text: str, needs, low: Optional[str]) -> list[tuple[int, int]]:
        """scan_windows of one rule's ``needs`` over ``text``; a case-insensitive one runs
        in its lower-case form over ``low`` (patterns.lowered(text)) when both exist."""
        needs_low = self.needs_lower.get(needs.pattern)
        if low is not None and needs_low is not None:
            return scan_windows(low, needs_low, self.grammar.reach)
        return scan_windows(text, needs, self.grammar.reach)

    def _strip_determiner(self, text: str, t: Timex) -> None:
        m = re.match(r"(?i:the)\s+", text[t.start:t.end])
        if m and t.end - t.start > m.end():
            t.start += m.end()

    def _prefixes(self, text: str, t: Timex) -> Timex:
        """Words just before an expression that belong to it: a part ("early", "the end
        of") -> mod START/MID/END; a qualifier ("about") -> its dates mod; "the first
        Monday of" -> a day of the month; "the week of" -> that week."""
        before = text[max(0, t.start - 40):t.start]
        m = self.prefix_nth.search(before)
        if m and (t.kind in ("month", "day", "year", "relyear")) and t.op is None:
            if t.kind != "day" or "d" not in t.parts:
                what = m.group("what").lower().replace("-", "")
                ordw = m.group("ord").lower()
                n = -1 if ordw in ("last", "final") else (int(ordw[0]) if ordw[0].isdigit() else ORDINAL_UNITS[ordw])
                inner = t
                t = Timex(t.start - len(m.group(0)), t.end, "nth+" + t.rule, kind="day" if what not in ("week", "weekend") else "week",
                          anchor=Anchor.COMPOSITE, op="nth", children=[inner],
                          parts={"n": n, "what": what if what in ("day", "week", "weekend") else weekday_number(what)})
                return t
        m = self.prefix_week_of.search(before)
        if m and t.kind == "day":
            inner = t
            return Timex(t.start - len(m.group(0)), t.end, "week-of+" + t.rule, kind="week",
                         anchor=Anchor.COMPOSITE, op="week-of", children=[inner])
        m = self.prefix_mod.search(before)
        if m and t.kind in ("day", "month", "year", "relyear", "week", "other", "relday", "weekday") and not t.mod \
                and t.kind != "duration" and not (t.value or "").startswith("P"):
            part = re.sub(r"\s+", " ", m.group("part").lower())
            t.mod = self.part_mods.get(part)
            t.start -= len(m.group(0))
            t.rule = "part+" + t.rule
        m = self.prefix_qual.search(text[max(0, t.start - 30):t.start])
        if m and not t.mod:
            mod = self.qualifiers.get(re.sub(r"\s+", " ", m.group("qual").lower()))
            if t.kind == "duration" or mod == "APPROX":
                t.mod = mod
                t.start -= len(m.group(0))
                t.rule = "qual+" + t.rule
        return t

    def _combine(self, text: str, items: list[Timex], errors: Optional[list[str]]) -> list[Timex]:
        """Join neighbours by the [[combine]] table: each combination in table order over
        the whole list, then again from the top until nothing changes."""
        changed = True
        while changed:
            changed = False
            for combo in self.combos:
                out: list[Timex] = []
                i = 0
                while i < len(items):
                    if i + 1 < len(items):
                        merged = self._try_combine(text, items[i], items[i + 1], errors, [combo])
                        if merged is not None:
                            out.append(merged)
                            i += 2
                            changed = True
                            continue
                    out.append(items[i])
                    i += 1
                items = out
        return items

    def _try_combine(self, text: str, a: Timex, b: Timex, errors: Optional[list[str]], combos) -> Optional[Timex]:
        gap = text[a.end:b.start]
        if len(gap) > 30 or ("\n" in gap and not re.search(r"[A-Za-z]", gap)):
            return None  # expressions on different lines stay apart unless a word joins them
        for spec, joiner, after in combos:
            if a.kind not in spec.left or b.kind not in spec.right:
                continue
            if not joiner.match(gap):
                continue
            if after is not None and not after.search(text[max(0, a.start - 20):a.start]):
                continue
            if spec.name == "range" and "\n" in gap:
                continue
            try:
                merged = COMBINE_OPS[spec.op](a, b, f"{a.rule}+{spec.name}+{b.rule}")
            except Exception as exc:
                if errors is not None:
                    errors.append(f"dates: combination {spec.name} failed at {a.start}: {type(exc).__name__}: {exc}")
                continue
            if merged is not None:
                return merged
        return None


def load_finder(grammar_path: str | Path, lexicon_path: str | Path, qualifiers_path: str | Path) -> TimexFinder:
    """A finder from the three resource files (configs/lexicons/...)."""
    return TimexFinder(read_toml(grammar_path), read_toml(lexicon_path), load_qualifiers(qualifiers_path))
