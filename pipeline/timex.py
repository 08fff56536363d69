"""Temporal expressions: find them in text and give them TIMEX3 values.

Pure helpers of the dates stage. Detection is a small grammar of regular
expressions (each rule has a name that is kept as the item's provenance);
values that need an anchor (year-less dates, "34 years ago", "that day") are
resolved later by ``resolve`` against the document date and the narrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from .numwords import NUMBER_WORD, words_to_number

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = r"(?P<{n}>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th|-th)?"
YEAR = r"(?P<{n}>1[0-9]\d\d|20\d\d)"
DASH = r"\s*(?:-|–|—|to|and|through)\s*"
WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday|rsday)?\.?,?\s+)?"
CLOCK = r"(?:,?\s+(?:at\s+)?(?P<hh>[0-2]?\d)[:.](?P<mm>[0-5]\d)(?:\s*(?P<ampm>[ap]\.?m\.?))?(?:\s*\(?(?:UTC|GMT)\s*(?P<off>[+-−]\s*\d{1,2}(?::?\d{2})?)\)?|\s+(?P<tz>EDT|EST|CET|CEST|BST|GMT|UTC|MSK))?)?"
NUM = rf"(?P<num>\d+(?:\.\d+)?|{NUMBER_WORD}(?:[\s-]+{NUMBER_WORD})*)"
UNIT = r"(?P<unit>year|month|week|day|hour|minute|decade|century|centuries)s?"
QUAL = r"(?:(?P<qual>nearly|almost|about|around|approximately|some|over|more than|less than|under|at least|at most|up to|roughly)\s+)?"
TZ_OFFSETS = {"EDT": "-04:00", "EST": "-05:00", "CET": "+01:00", "CEST": "+02:00", "BST": "+01:00",
              "GMT": "+00:00", "UTC": "+00:00", "MSK": "+03:00"}
QUAL_MOD = {"nearly": "APPROX", "almost": "APPROX", "about": "APPROX", "around": "APPROX",
            "approximately": "APPROX", "some": "APPROX", "roughly": "APPROX", "over": "MORE_THAN",
            "more than": "MORE_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
            "at least": "MORE_THAN", "at most": "LESS_THAN", "up to": "LESS_THAN"}
UNIT_CODE = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M",
             "decade": "DE", "century": "CE", "centurie": "CE"}


def _p(template: str, name: str) -> str:
    return template.replace("{n}", name)


@dataclass
class Timex:
    """A temporal expression found in text; ``value`` may still need an anchor."""

    start: int
    end: int
    rule: str
    value: Optional[str] = None
    mod: Optional[str] = None
    # For deferred resolution: what the value is relative to.
    needs: Optional[str] = None  # "year" (month-day), "doc" (relative), "anaphor", "narrative-month"
    parts: dict = field(default_factory=dict)


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _ymd(y: int, m: int, d: int) -> Optional[str]:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _offset(raw: str) -> str:
    raw = raw.replace("−", "-").replace(" ", "")
    sign, digits = raw[0], raw[1:].replace(":", "")
    hours = digits[:-2] if len(digits) > 2 else digits
    minutes = digits[-2:] if len(digits) > 2 else "00"
    return f"{sign}{int(hours):02d}:{minutes}"


def _clock(m: re.Match) -> str:
    if not m.groupdict().get("hh"):
        return ""
    hh, mm = int(m.group("hh")), m.group("mm")
    ampm = (m.group("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hh < 12:
        hh += 12
    if ampm == "am" and hh == 12:
        hh = 0
    out = f"T{hh:02d}:{mm}"
    if m.group("off"):
        out += _offset(m.group("off"))
    elif m.group("tz"):
        out += TZ_OFFSETS[m.group("tz")]
    return out


def _rules(lexicon: dict) -> list[tuple[str, re.Pattern]]:
    rel_words = "|".join(sorted(map(re.escape, lexicon.get("relative", {})), key=len, reverse=True))
    holidays = "|".join(sorted(map(re.escape, lexicon.get("holidays", {})), key=len, reverse=True)) or "(?!x)x"
    # Python look-behinds are fixed-width: one per cue word.
    month_cues = "|".join(rf"(?<=\b{w} )" for w in ("in", "In", "since", "Since", "until", "by", "of", "early", "late", "Black"))
    events = "|".join(map(re.escape, lexicon.get("event_heads", {}).get("words", ["events"])))
    anaphors = "|".join(map(re.escape, lexicon.get("anaphors", {}).get("heads", ["day"])))
    anaphor_mods = "|".join(map(re.escape, lexicon.get("anaphors", {}).get("modifiers", [])))
    raw = [
        ("iso", rf"\b(?P<y>\d{{4}})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b(?:T(?P<hh>[0-2]\d):(?P<mm>[0-5]\d))?"),
        ("day-range-month-year", rf"\b{_p(DAY, 'd1')}{DASH}{_p(DAY, 'd2')}\s+{_p(MONTH, 'm')}(?:,?\s+{_p(YEAR, 'y')})?\b"),
        ("month-day-range-year", rf"\b{_p(MONTH, 'm')}\s+{_p(DAY, 'd1')}{DASH}{_p(DAY, 'd2')}(?:,?\s+{_p(YEAR, 'y')})?\b"),
        ("day-month-range-year", rf"\b{_p(DAY, 'd1')}\s+{_p(MONTH, 'm1')}{DASH}{_p(DAY, 'd2')}\s+{_p(MONTH, 'm2')},?\s+{_p(YEAR, 'y')}\b"),
        ("day-month-year", rf"\b{WEEKDAY}{_p(DAY, 'd')}\s+{_p(MONTH, 'm')},?\s+{_p(YEAR, 'y')}\b{CLOCK}"),
        ("month-day-year", rf"\b{WEEKDAY}{_p(MONTH, 'm')}\s+{_p(DAY, 'd')},\s*{_p(YEAR, 'y')}\b{CLOCK}"),
        ("month-day-year", rf"\b{_p(MONTH, 'm')}\s+{_p(DAY, 'd')}\s+{_p(YEAR, 'y')}\b{CLOCK}"),
        ("month-range-year", rf"\b{_p(MONTH, 'm1')}{DASH}{_p(MONTH, 'm2')}\s+{_p(YEAR, 'y')}\b"),
        ("month-year", rf"\b{_p(MONTH, 'm')},?\s+(?:of\s+)?{_p(YEAR, 'y')}\b"),
        ("day-month", rf"\b{_p(DAY, 'd')}\s+(?:of\s+)?{_p(MONTH, 'm')}(?!\s*,?\s*\d)"),
        ("month-day", rf"\b{_p(MONTH, 'm')}\s+{_p(DAY, 'd')}\b(?!\s*,?\s*\d)(?![\d:])"),
        ("holiday", rf"\b(?P<h>{holidays})\b"),
        # A named day the lexicon does not know ("National Mourning Day", "National Day of
        # Mourning"): its date can only come from the sentence that names it.
        ("named-day", r"(?<![\w-])(?!(?:On|In|At|The|This|That|Today|Every|Each)\b)(?P<nd>(?:[A-Z][a-z]+\s+){1,5}Day(?:\s+of\s+(?:the\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,4})?)\b"),
        ("month", rf"(?:{month_cues}){_p(MONTH, 'm')}(?!\s*,?\s*\d)"
                  rf"|\b{_p(MONTH, 'm2')}(?=\s+(?:{events}))"),
        ("decade", r"\b(?:(?P<part>early|mid|late|end of the|beginning of the|start of the|middle of the)[\s-]+)?(?P<dec>1[0-9]\d0|20\d0)['’]?s\b"),
        ("year-range", r"\b(?P<y1>1[5-9]\d\d|20\d\d)\s*(?:-|–|—)\s*(?P<y2>\d{2}|1[5-9]\d\d|20\d\d)\b(?!\s*(?:people|persons))"),
        ("year-range", r"\b(?:between\s+)?(?P<y1>1[5-9]\d\d|20\d\d)\s+(?:to|and|until)\s+(?P<y2>1[5-9]\d\d|20\d\d)\b"),
        ("ago", rf"\b{QUAL}{NUM}[\s-]+{UNIT}\s+(?P<dir>ago|earlier|later|before|after)\b"),
        ("age", rf"\b{NUM}-{UNIT}-old\b"),
        ("age", rf"\b{NUM}\s+{UNIT}\s+old\b"),
        ("duration", rf"\b{QUAL}{NUM}[\s-]+{UNIT}\b"),
        ("relative", rf"\b(?P<rel>{rel_words})\b"),
        ("anaphor", rf"\b(?P<ana>that|this)\s+(?:(?:{anaphor_mods})\s+)*(?P<head>{anaphors})\b"),
        ("vague-duration", r"(?<=\bfor )(?P<vague>years|decades|months|weeks|centuries)\b|(?<=\bin the )(?P<vague2>years)\b(?= of)"),
        ("year", r"(?<![\d/.,-])\b(?P<y>1[5-9]\d\d|20\d\d)\b(?![\d/,-]|\.\d|\s*(?:people|persons|troops|soldiers|civilians|victims|km|kilomet|metres|meters|dollars|USD|manat|euros?))"),
    ]
    return [(name, re.compile(pattern, re.IGNORECASE if name in ("relative", "anaphor", "ago", "duration", "age", "vague-duration", "decade") else 0)) for name, pattern in raw]


class TimexFinder:
    """Finds temporal expressions with the grammar above; lexicon comes from configs/."""

    def __init__(self, lexicon: dict):
        self.lexicon = lexicon
        self.rules = _rules(lexicon)
        self.relative = {k.lower(): v for k, v in lexicon.get("relative", {}).items()}
        self.holidays = {k.lower(): v for k, v in lexicon.get("holidays", {}).items()}

    def find(self, text: str) -> list[Timex]:
        """Non-overlapping expressions, earlier rule and longer match first."""
        found: list[Timex] = []
        taken = [False] * (len(text) + 1)
        for name, pattern in self.rules:
            for m in pattern.finditer(text):
                s, e = m.span()
                if e <= s or any(taken[s:e]):
                    continue
                timex = self._interpret(name, m, text)
                if timex is None:
                    continue
                for i in range(timex.start, timex.end):
                    taken[i] = True
                found.append(timex)
        return sorted(found, key=lambda t: t.start)

    def _interpret(self, name: str, m: re.Match, text: str) -> Optional[Timex]:
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        t = Timex(m.start(), m.end(), name)
        if name == "iso":
            t.value = _ymd(int(g["y"]), int(g["m"]), int(g["d"]))
            if t.value and g.get("hh"):
                t.value += f"T{g['hh']}:{g['mm']}"
        elif name in ("day-range-month-year", "month-day-range-year"):
            month, d1, d2 = _month(g["m"]), int(g["d1"]), int(g["d2"])
            if not (1 <= d1 <= 31 and 1 <= d2 <= 31 and d1 < d2):
                return None
            t.parts = {"m": month, "d1": d1, "d2": d2}
            if "y" in g:
                y = int(g["y"])
                t.value = f"{_ymd(y, month, d1)}/{_ymd(y, month, d2)}"
            else:
                t.needs = "year"
        elif name == "day-month-range-year":
            y = int(g["y"])
            t.value = f"{_ymd(y, _month(g['m1']), int(g['d1']))}/{_ymd(y, _month(g['m2']), int(g['d2']))}"
        elif name in ("day-month-year", "month-day-year"):
            t.value = _ymd(int(g["y"]), _month(g["m"]), int(g["d"]))
            if t.value is None:
                return None
            t.value += _clock(m)
            t.parts = {"clock": bool(g.get("hh"))}
        elif name == "month-range-year":
            y = int(g["y"])
            t.value = f"{y}-{_month(g['m1']):02d}/{y}-{_month(g['m2']):02d}"
        elif name == "month-year":
            t.value = f"{int(g['y'])}-{_month(g['m']):02d}"
        elif name in ("day-month", "month-day"):
            d = int(g["d"])
            if not 1 <= d <= 31 or (g["m"].lower() == "may" and name == "month-day" and not text[m.start()].isupper()):
                return None
            t.parts = {"m": _month(g["m"]), "d": d}
            t.needs = "year"
        elif name == "month":
            month = g.get("m") or g.get("m2")
            if month == "May" and text[m.end():m.end() + 1] != " " and "m2" not in g:
                return None
            t.parts = {"m": _month(month)}
            t.needs = "year"
        elif name == "named-day":
            t.needs = "sentence-date"
        elif name == "holiday":
            month_day = self.holidays[g["h"].lower()]
            mm, dd = (int(x) for x in month_day.split("-"))
            t.parts = {"m": mm, "d": dd}
            t.needs = "year"
        elif name == "decade":
            dec = g["dec"]
            t.value = dec[:3] + "X"
            part = (g.get("part") or "").lower()
            t.mod = {"early": "START", "beginning of the": "START", "start of the": "START",
                     "mid": "MID", "middle of the": "MID", "late": "END", "end of the": "END"}.get(part)
        elif name == "year-range":
            y1, y2 = g["y1"], g["y2"]
            if len(y2) == 2:
                y2 = y1[:2] + y2
            if int(y2) <= int(y1):
                return None
            t.value = f"{y1}/{y2}"
        elif name in ("ago", "duration", "age"):
            amount = _amount(g["num"])
            if amount is None:
                return None
            unit = g["unit"].lower().rstrip("s")
            if unit == "centurie":
                unit = "century"
            t.mod = QUAL_MOD.get((g.get("qual") or "").lower())
            if name == "ago":
                t.parts = {"n": amount, "unit": unit, "dir": g["dir"].lower()}
                t.needs = "doc"
            else:
                code = UNIT_CODE[unit]
                amount_s = str(int(amount)) if float(amount).is_integer() else str(amount)
                t.value = f"PT{amount_s}{code}" if unit in ("hour", "minute") else f"P{amount_s}{code}"
        elif name == "relative":
            spec = self.relative[g["rel"].lower()]
            if g["rel"].lower().startswith("the "):  # SPEC: no leading determiner
                t.start += 4
            if spec in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
                t.value = spec
            else:
                t.parts = {"rel": spec}
                t.needs = "doc"
        elif name == "anaphor":
            t.parts = {"head": g["head"].lower()}
            t.needs = "anaphor"
        elif name == "vague-duration":
            word = (g.get("vague") or g.get("vague2")).lower()
            t.value = {"years": "PXY", "decades": "PXDE", "months": "PXM", "weeks": "PXW",
                       "centuries": "PXCE"}[word]
        elif name == "year":
            t.value = g["y"]
        return t


def _amount(raw: str) -> Optional[float]:
    raw = raw.lower()
    if raw in ("a", "an", "one"):
        return 1
    try:
        return float(raw)
    except ValueError:
        parsed = words_to_number(raw)
        return parsed[0] if parsed and not parsed[1] else None


def _shift(anchor: date, n: float, unit: str, sign: int) -> str:
    """Anchor moved by n units, at the granularity of the unit."""
    n = int(n)
    if unit in ("year", "decade", "century"):
        years = n * {"year": 1, "decade": 10, "century": 100}[unit]
        return str(anchor.year + sign * years)
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + sign * n
        return f"{months // 12}-{months % 12 + 1:02d}"
    if unit == "week":
        d = anchor + timedelta(weeks=sign * n)
        iso = d.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    return (anchor + timedelta(days=sign * n)).isoformat()


def relative_value(spec: str, anchor: date) -> Optional[str]:
    """Lexicon specs: 'day+0' (today), 'year-1' (last year), 'month+0', 'week-1'..."""
    m = re.fullmatch(r"(day|week|month|year)([+-]\d+)", spec)
    if not m:
        return None
    unit, n = m.group(1), int(m.group(2))
    return _shift(anchor, abs(n), unit, 1 if n >= 0 else -1) if n else _shift(anchor, 0, unit, 1)


def parse_value_date(value: Optional[str]) -> Optional[date]:
    """The first day a value names, for use as an anchor (None if not a point date)."""
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m or value.startswith("P"):
        return None
    return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))


def granularity(value: Optional[str]) -> int:
    """3 = day, 2 = month, 1 = year, 0 = other."""
    if not value:
        return 0
    m = re.match(r"\d{4}(-\d{2})?(-\d{2})?", value)
    if not m:
        return 0
    return 1 + bool(m.group(1)) + bool(m.group(2))
