"""Temporal expressions: the Timex item, its anchors, and TIMEX3 value arithmetic.

Pure helpers of the dates stage. Finding expressions is the job of the grammar
(``pipeline/timex_rules.py``, rules in ``configs/lexicons/timex_grammar.toml``);
an expression whose value needs an anchor carries an ``Anchor`` and the parts it
was read with (``parts``), and the dates stage resolves it (one function per
anchor kind). Values follow SPEC version 2 ("dates") and TimeML TIMEX3: points
``YYYY[-MM[-DD]][Thh:mm[:ss][±hh:mm]]``, weeks ``YYYY-Www``, weekends
``YYYY-Www-WE``, seasons ``YYYY-SU``, quarters ``YYYY-Qn``, parts of a day
``YYYY-MM-DDTMO`` (TMO TAF TEV TNI TMI, TimeML's part-of-day codes), ranges
``a/b`` and durations ``PnU``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import Optional


class Anchor(str, Enum):
    """What an expression's value still needs (resolved by the dates stage)."""

    EXPLICIT = "explicit"        # the text gives the whole value
    YEAR = "year"                # a day or month without a year ("21 January", "in May")
    DOC = "doc"                  # deictic: relative to the document date ("yesterday", "34 years ago")
    WEEKDAY = "weekday"          # a weekday: the nearest such day before/after the document date
    CLOCK = "clock"              # a clock time or part of day without its day ("at 3pm")
    ANAPHOR = "anaphor"          # "that day": the date referred to
    SENTENCE = "sentence"        # a named day the lexicon does not know: the day its sentence gives
    COMPOSITE = "composite"      # built from ``children`` (ranges, date + time, nth day of a month)


@dataclass
class Timex:
    """A temporal expression found in (normalised) text.

    ``start``/``end`` are offsets into the text the finder read; ``rule`` names the
    grammar rule (and combinations, joined by ``+``) that produced it; ``parts``
    holds what the rule read (y, m, d, wd, hh, mi, unit, shift, ...); ``children``
    and ``op`` describe a composite; ``date_end`` is where the day part of a
    date-with-time ends (the document date points at the day part only).
    """

    start: int
    end: int
    rule: str
    value: Optional[str] = None
    mod: Optional[str] = None
    anchor: Anchor = Anchor.EXPLICIT
    kind: str = "other"   # day, month, year, week, weekday, clock, pod, duration, set, other
    parts: dict = field(default_factory=dict)
    children: list["Timex"] = field(default_factory=list)
    op: Optional[str] = None
    date_end: Optional[int] = None


# -- value arithmetic -------------------------------------------------------------

def ymd(y: int, m: int, d: int) -> Optional[str]:
    """``YYYY-MM-DD`` or None when the day does not exist."""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def week_value(d: date) -> str:
    """ISO 8601 week of a day: ``2016-W46``."""
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def add_months(d: date, n: int) -> date:
    """The same day ``n`` months later (clamped to the month's last day)."""
    months = d.year * 12 + d.month - 1 + n
    y, m = divmod(months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m + 1, day)
        except ValueError:
            continue
    raise ValueError("no day")  # pragma: no cover - 28 always exists


SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def season_of(d: date) -> tuple[int, str]:
    """Meteorological season (northern hemisphere) of a day: (year, code); December
    belongs to the winter of its own year (``2012-WI`` is Dec 2012 - Feb 2013)."""
    if d.month in (12,):
        return d.year, "WI"
    if d.month in (1, 2):
        return d.year - 1, "WI"
    return d.year, {3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(d.month, "FA")


def shift_value(anchor: date, n: float, unit: str, sign: int = 1) -> Optional[str]:
    """The anchor moved by ``sign * n`` units, at the granularity of the unit (SPEC:
    "34 years ago" -> a year, "3 days ago" -> a day, "in two weeks" -> a week).

    Units: day, week, fortnight, weekend, month, quarter, season, year, decade, century.
    """
    n = int(n)
    k = sign * n
    if unit == "year":
        return f"{anchor.year + k:04d}"
    if unit == "decade":
        return f"{(anchor.year // 10 + k):03d}X"
    if unit == "century":
        return f"{(anchor.year // 100 + k):02d}XX"
    if unit == "month":
        d = add_months(anchor.replace(day=1), k)
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "quarter":
        q = anchor.year * 4 + (anchor.month - 1) // 3 + k
        return f"{q // 4:04d}-Q{q % 4 + 1}"
    if unit == "season":
        y, code = season_of(anchor)
        order = ["SP", "SU", "FA", "WI"]
        i = y * 4 + order.index(code) + k
        return f"{i // 4:04d}-{order[i % 4]}"
    if unit == "week":
        return week_value(anchor + timedelta(weeks=k))
    if unit == "fortnight":
        return (anchor + timedelta(weeks=2 * k)).isoformat()
    if unit == "weekend":
        return week_value(anchor + timedelta(weeks=k)) + "-WE"
    if unit == "day":
        return (anchor + timedelta(days=k)).isoformat()
    return None


# Kept under its old name: tests and callers use it.
def _shift(anchor: date, n: float, unit: str, sign: int) -> Optional[str]:
    return shift_value(anchor, n, unit, sign)


def relative_value(spec: str, anchor: date) -> Optional[str]:
    """Lexicon specs ``<unit><+|-n>`` relative to the anchor: 'day+0' (today),
    'year-1' (last year), 'month+1', 'week-1'; an optional part of day after a
    colon ('day-1:TNI' = last night). Returns None for an unknown spec."""
    m = re.fullmatch(r"(day|week|weekend|month|quarter|season|year|decade|century)([+-]\d+)(?::(T[A-Z]{2}))?", spec)
    if not m:
        return None
    value = shift_value(anchor, abs(int(m.group(2))), m.group(1), 1 if int(m.group(2)) >= 0 else -1)
    return value + m.group(3) if value and m.group(3) else value


def weekday_date(anchor: date, weekday: int, direction: int, strict: bool = True) -> date:
    """The nearest ``weekday`` (0 = Monday) after (direction 1) or before (-1) the
    anchor; with ``strict`` False the anchor's own day counts."""
    delta = (weekday - anchor.weekday()) % 7
    if direction > 0:
        if delta == 0 and strict:
            delta = 7
        return anchor + timedelta(days=delta)
    back = (anchor.weekday() - weekday) % 7
    if back == 0 and strict:
        back = 7
    return anchor - timedelta(days=back)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> Optional[date]:
    """The n-th (1-based; -1 = last) given weekday of a month, or None."""
    if n > 0:
        first = date(year, month, 1)
        d = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        return d if d.month == month else None
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def last_day(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def duration_value(amounts: list[tuple[float, str]]) -> Optional[str]:
    """ISO 8601 duration of (amount, code) pairs, code in Y M W D (date part) or
    H MIN S (time part), DE/CE/Q as TIMEX3 writes them: [(2, 'Y'), (3, 'M')] -> 'P2Y3M'."""
    date_part, time_part = "", ""
    for amount, code in amounts:
        text = str(int(amount)) if float(amount).is_integer() else f"{amount:g}"
        if code in ("H", "MIN", "S"):
            time_part += text + ("M" if code == "MIN" else code)
        else:
            date_part += text + code
    if not date_part and not time_part:
        return None
    return "P" + date_part + ("T" + time_part if time_part else "")


def parse_value_date(value: Optional[str]) -> Optional[date]:
    """The first day a value names, for use as an anchor (None if not a calendar point)."""
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?![\dX])", value)
    if not m or value.startswith("P"):
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def granularity(value: Optional[str]) -> int:
    """3 = day, 2 = month, 1 = year, 0 = other."""
    if not value:
        return 0
    m = re.match(r"\d{4}(-\d{2})?(-\d{2})?(?![\dX])", value)
    if not m:
        return 0
    return 1 + bool(m.group(1)) + bool(m.group(2))


def day_of(value: Optional[str], last: bool = True) -> Optional[str]:
    """The day a value names (the last day of a range when ``last``), or None."""
    if not value:
        return None
    part = value.split("/")[-1 if last else 0]
    return part[:10] if granularity(part) == 3 else None
