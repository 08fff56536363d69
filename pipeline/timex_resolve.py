"""Give every found expression its TIMEX3 value: one function per kind of anchor.

Pure: the dates stage supplies a ``Context`` (document date, and callbacks for the
tense of an expression's clause, recurring-date cues and event names). Expressions
are resolved in text order, keeping the narrative (HeidelTime's strategy: a
year-less date takes the year of the last date with a month before it; with none,
the document date, moved back or forward by the tense as SPEC says). Each
resolution returns a short description of its anchor, kept as provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Optional

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

from .adapters.holidays_adapter import calendar_holiday
from .timex import (Anchor, Timex, add_months, day_of, granularity, last_day, nth_weekday,
                    parse_value_date, relative_value, season_of, shift_value, week_value,
                    weekday_date, ymd)


@dataclass
class Context:
    """What resolution may look at besides the expressions themselves.

    ``tense(t)``: -1 past, +1 future, 0 unknown for the clause holding t;
    ``recurring(t)``: its sentence declares a recurring day; ``in_event_name(t)``:
    t names an event ("20 January tragedy"); ``same_sentence(a, b)``.
    """

    doc_day: Optional[date]
    tense: Callable[[Timex], int] = lambda t: 0
    recurring: Callable[[Timex], bool] = lambda t: False
    in_event_name: Callable[[Timex], bool] = lambda t: False
    same_sentence: Callable[[Timex, Timex], bool] = lambda a, b: False
    day_heads: tuple[str, ...] = ("day", "night", "morning", "evening", "date")
    pod_codes: dict = field(default_factory=lambda: {"morning": "TMO", "afternoon": "TAF", "evening": "TEV",
                                                      "night": "TNI"})


@dataclass
class State:
    """The narrative as resolution walks through the text."""

    narrative: Optional[date] = None
    last_day: Optional[str] = None
    last_day_item: Optional[Timex] = None
    last_value: Optional[str] = None
    known_days: dict = field(default_factory=dict)    # (month, day) -> earliest year the text gives
    known_months: dict = field(default_factory=dict)  # month -> first year the text gives


# -- holidays ----------------------------------------------------------------------

def _holiday_one(spec: str, year: int) -> Optional[date]:
    m = re.fullmatch(r"(\d\d)-(\d\d)", spec)
    if m:
        return date(year, int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(orthodox-)?easter([+-]\d+)", spec)
    if m:
        base = easter(year, EASTER_ORTHODOX if m.group(1) else EASTER_WESTERN)
        return base + timedelta(days=int(m.group(2)))
    m = re.fullmatch(r"cal:([a-z]+):([a-z_]+)([+-]\d+)?", spec)
    if m:
        d = calendar_holiday(m.group(1), m.group(2), year)
        return d + timedelta(days=int(m.group(3) or 0)) if d else None
    m = re.fullmatch(r"nth:(\d\d):([0-6]):(-?\d)([+-]\d+)?", spec)
    if m:
        d = nth_weekday(year, int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return d + timedelta(days=int(m.group(4) or 0)) if d else None
    return None


def holiday_value(spec: str, year: int) -> Optional[str]:
    """The day (or period, for "A..B" specs) a holiday falls on in a year.
    Easter dates: dateutil.easter (Western and Orthodox computus); "cal:" specs:
    the lunar/lunisolar calendar tables of the holidays package (its adapter)."""
    if ".." in spec:
        a, b = (_holiday_one(s, year) for s in spec.split(".."))
        return f"{a.isoformat()}/{b.isoformat()}" if a and b else None
    d = _holiday_one(spec, year)
    return d.isoformat() if d else None


def _holiday_first_day(spec: str, year: int) -> Optional[date]:
    return _holiday_one(spec.split("..")[0], year)


# -- helpers -----------------------------------------------------------------------------

def _year_for(t: Timex, m: int, d: int, ctx: Context, st: State) -> tuple[Optional[int], str]:
    """The year of a year-less month-day, and where it came from."""
    year, anchor = None, "none"
    if ctx.in_event_name(t) and (m, d) in st.known_days:
        return st.known_days[(m, d)], "same day elsewhere in text (event name)"
    if st.narrative is not None:
        year, anchor = st.narrative.year, f"narrative {st.narrative.isoformat()}"
    elif (m, d) in st.known_days:
        return st.known_days[(m, d)], "same day elsewhere in text"
    elif ctx.doc_day is not None:
        year, anchor = ctx.doc_day.year, f"document date {ctx.doc_day.isoformat()}"
    if year is not None and ctx.doc_day is not None:
        # A past event is never after the document date, a future one never before.
        tense = ctx.tense(t)
        candidate = date(year, m, min(d, 28) if m == 2 else min(d, 30) if d == 31 else d)
        if tense < 0 and candidate > ctx.doc_day and year == ctx.doc_day.year:
            year, anchor = year - 1, anchor + ", past tense"
        elif tense > 0 and candidate < ctx.doc_day and anchor.startswith("document"):
            year, anchor = year + 1, anchor + ", future tense"
    return year, anchor


def clock_text(parts: dict) -> str:
    """'T15:30', 'T24:00', 'T09:01:10+01:00' from clock parts."""
    out = f"T{parts['hh']:02d}:{parts['mi']:02d}"
    if "ss" in parts:
        out += f":{parts['ss']:02d}"
    if parts.get("tz"):
        out += parts["tz"]
    return out


def _on_day(day_value: Optional[str], clock: Timex) -> Optional[str]:
    """A clock time, part of day or clock range on a day."""
    day = day_of(day_value, last=False) if day_value else None
    if day is None:
        return None
    if clock.op == "range" and clock.children:
        a, b = (_on_day(day, c) for c in clock.children)
        return f"{a}/{b}" if a and b else None
    if "pod" in clock.parts:
        return f"{day}{clock.parts['pod']}"
    if "hh" in clock.parts:
        return day + clock_text(clock.parts)
    return None


# -- one function per anchor -----------------------------------------------------------

def resolve_explicit(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """The text gives the whole value (a holiday with its year is computed)."""
    if "holiday" in t.parts and "y" in t.parts:
        return holiday_value(t.parts["holiday"], t.parts["y"]), "holiday rule"
    return t.value, "explicit"


def resolve_year(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """A day, month, holiday, season, quarter or ISO week without a year (SPEC: the narrative
    date, else the document date moved by the tense; recurring days as XXXX)."""
    p = t.parts
    if "holiday" in p:
        probe = (st.narrative or ctx.doc_day or date(2000, 1, 1)).year
        d0 = _holiday_first_day(p["holiday"], probe)
        if d0 is None:
            return None, "none"
        if ctx.recurring(t):
            fixed = re.fullmatch(r"\d\d-\d\d", p["holiday"])  # only fixed-day holidays recur as XXXX
            return (f"XXXX-{d0.month:02d}-{d0.day:02d}" if fixed else None), "recurring"
        if st.narrative is None and ctx.doc_day is not None:
            year = ctx.doc_day.year
            first = _holiday_first_day(p["holiday"], year)
            tense = ctx.tense(t)
            if first is not None and tense > 0 and first < ctx.doc_day:
                year += 1
            elif first is not None and tense < 0 and first > ctx.doc_day:
                year -= 1
            return holiday_value(p["holiday"], year), f"document date {ctx.doc_day.isoformat()}"
        year, anchor = _year_for(t, d0.month, d0.day, ctx, st)
        if year is None:
            return None, anchor
        d1 = _holiday_first_day(p["holiday"], year)  # a moving holiday may fall elsewhere that year
        return holiday_value(p["holiday"], year) if d1 else None, anchor
    if "season" in p or "q" in p or "wk" in p:
        base = st.narrative or ctx.doc_day
        if base is None:
            return None, "none"
        suffix = p["season"] if "season" in p else f"Q{p['q']}" if "q" in p else f"W{p['wk']:02d}"
        return f"{base.year:04d}-{suffix}", "narrative or document year"
    m, d = p.get("m"), p.get("d")
    if m is None and d is not None:
        return _ordinal_day(t, d, ctx, st)
    if d is None:
        return _month_only(t, m, ctx, st)
    if "y" in p:  # a year given by the other end of a range
        year, anchor = p["y"], "year of the range's other end"
    elif ctx.recurring(t) and not ctx.in_event_name(t):
        return f"XXXX-{m:02d}-{d:02d}", "recurring"
    else:
        year, anchor = _year_for(t, m, d, ctx, st)
        wd = p.get("checked_wd")
        if year is not None and wd is not None and ymd(year, m, d) and date(year, m, d).weekday() != wd:
            # "Monday, March 4": the weekday tells the year (the nearest that fits)
            for y in (year + 1, year - 1, year + 2, year - 2):
                if ymd(y, m, d) and date(y, m, d).weekday() == wd:
                    year, anchor = y, anchor + ", year of the weekday"
                    break
    if year is None:
        return None, anchor
    if "d1" in p:
        return f"{ymd(year, m, p['d1'])}/{ymd(year, m, d)}", anchor
    return ymd(year, m, d), anchor


def _ordinal_day(t: Timex, d: int, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """"on the 15th": a day of the month the narrative (or the document date) is in."""
    base = st.narrative or ctx.doc_day
    if base is None:
        return None, "none"
    cand = ymd(base.year, base.month, d)
    if st.narrative is None and ctx.doc_day is not None:
        tense = ctx.tense(t)
        c = parse_value_date(cand) if cand else None
        if c is not None and tense >= 0 and c < ctx.doc_day:
            nxt = add_months(base.replace(day=1), 1)
            cand = ymd(nxt.year, nxt.month, d)
        elif c is not None and tense < 0 and c > ctx.doc_day:
            prv = add_months(base.replace(day=1), -1)
            cand = ymd(prv.year, prv.month, d)
    return cand, f"month of {base.isoformat()}"


def _month_only(t: Timex, m: int, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """A bare month ("in May", "January events"): the year the text gives that month."""
    if ctx.in_event_name(t) and m in st.known_months:
        return f"{st.known_months[m]:04d}-{m:02d}", "same month elsewhere in text (event name)"
    if "y" in t.parts:
        return f"{t.parts['y']:04d}-{m:02d}", "year of the range's other end"
    if st.narrative is not None:
        return f"{st.narrative.year:04d}-{m:02d}", f"narrative {st.narrative.isoformat()}"
    if m in st.known_months:
        return f"{st.known_months[m]:04d}-{m:02d}", "same month elsewhere in text"
    if ctx.doc_day is not None:
        tense = ctx.tense(t)
        year = ctx.doc_day.year
        if tense < 0 and m > ctx.doc_day.month:
            year -= 1
        elif tense > 0 and m < ctx.doc_day.month:
            year += 1
        return f"{year:04d}-{m:02d}", f"document date {ctx.doc_day.isoformat()}"
    return None, "none"


def resolve_doc(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """Deictic expressions, relative to the document date ("yesterday", "next month",
    "34 years ago", "in two weeks", "last Easter"); "N days earlier/later/after"
    without an event move from the narrative date."""
    p = t.parts
    base, anchor = ctx.doc_day, f"document date {ctx.doc_day.isoformat()}" if ctx.doc_day else "none"
    if "dir" in p:
        if p["dir"] in ("earlier", "later", "after", "before") and st.narrative is not None:
            base, anchor = st.narrative, f"narrative {st.narrative.isoformat()}"
        if p["dir"] == "in" and ctx.tense(t) <= 0:
            t.kind = "duration"  # "built in two weeks": how long, not when
            return p.get("as_duration"), "not future: a duration"
        if p["dir"] in ("after", "before"):
            t.kind = "duration"  # "thirty years after Srebrenica": the signal relates it to an event
            return p.get("as_duration"), "no date after the signal: a duration"
    if base is None:
        return None, "none"
    if "holiday" in p:
        return _relative_holiday(p, base), anchor
    if "month_shift" in p:  # "last March", "next March", "March after next"
        m, k = p["m"], p["month_shift"]
        year = base.year
        if k > 0:
            year += (1 if m <= base.month else 0) + (k - 1)
        elif k < 0:
            year -= 1 if m >= base.month else 0
        return f"{year:04d}-{m:02d}", anchor
    if "season" in p:
        return _relative_season(p["season"], p["shift"], base), anchor
    if "dir" in p:
        return shift_value(base, p["n"], p["unit"], p["sign"]), anchor
    spec = p.get("spec", "")
    if "hh" in p:  # "9 tomorrow morning"
        day = relative_value(spec, base)
        return (day + clock_text(p) if day else None), anchor
    value = relative_value(spec, base)
    if value and "d" in p:  # "the 20th of next month"
        value = ymd(int(value[:4]), int(value[5:7]), p["d"])
    return value, anchor


def _relative_holiday(p: dict, base: date) -> Optional[str]:
    spec = p["holiday"]
    if "year_shift" in p:
        return holiday_value(spec, base.year + p["year_shift"])
    rel = p.get("rel", "next")
    if rel in ("last", "past", "previous"):
        year = base.year
        while (_holiday_first_day(spec, year) or base) >= base:
            year -= 1
        return holiday_value(spec, year)
    year = base.year
    while (_holiday_first_day(spec, year) or base) <= base:
        year += 1
    return holiday_value(spec, year)


def _relative_season(code: str, shift: int, base: date) -> str:
    order = ["SP", "SU", "FA", "WI"]
    y, cur = season_of(base)
    if shift == 0:
        return f"{(y if code == 'WI' and cur == 'WI' else base.year):04d}-{code}"
    i, target = y * 4 + order.index(cur), order.index(code)
    while True:
        i += 1 if shift > 0 else -1
        if i % 4 == target:
            return f"{i // 4:04d}-{code}"


def resolve_weekday(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """A weekday, with its part of day when the text gives one ("Saturday evening")."""
    value, anchor = _weekday_day(t, ctx, st)
    if value and "pod" in t.parts:
        value += t.parts["pod"]
    return value, anchor


def _weekday_day(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """A weekday: "last Sunday" the one before the document date, "next Tuesday" the one
    after; bare, the nearest before (past tense, the document's own day included) or
    after (future)."""
    base = ctx.doc_day
    if base is None:
        return None, "none"
    p = t.parts
    wd, rel = p["wd"], p.get("rel")
    anchor = f"document date {base.isoformat()}"
    if "week_shift" in p:
        monday = base - timedelta(days=base.weekday()) + timedelta(weeks=p["week_shift"])
        return (monday + timedelta(days=wd)).isoformat(), anchor
    if rel in ("next", "coming", "this coming"):
        return weekday_date(base, wd, 1).isoformat(), anchor
    if rel in ("last", "past", "previous", "this past"):
        return weekday_date(base, wd, -1).isoformat(), anchor
    if rel == "after next":
        return (weekday_date(base, wd, 1) + timedelta(days=7)).isoformat(), anchor
    tense = ctx.tense(t)
    if tense > 0 or rel == "this":
        return weekday_date(base, wd, 1, strict=rel != "this").isoformat(), anchor + ", future tense"
    # Past or unknown tense: the nearest such day up to the document date (reports tell
    # what happened; "said on Wednesday" in a Wednesday report is that day).
    return weekday_date(base, wd, -1, strict=False).isoformat(), anchor + ", past or present tense"


def resolve_clock(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """A clock time or part of day alone: on the day the narrative is at (the last day
    named before it), else the document date."""
    last = parse_value_date(st.last_day) if st.last_day else None
    if last is not None and (ctx.doc_day is None or abs((ctx.doc_day - last).days) <= 31):
        # A time of day belongs to the day the narrative is at, when that day is recent;
        # in a text that recalls old events a bare time is the report's own day.
        return _on_day(st.last_day, t), f"narrative day {st.last_day}"
    if ctx.doc_day is None:
        return None, "none"
    return _on_day(ctx.doc_day.isoformat(), t), f"document date {ctx.doc_day.isoformat()}"


def resolve_anaphor(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """"that day" -> the previous day in the text; "that year/time" -> its year."""
    head = t.parts["head"]
    if head == "weekend":
        base = parse_value_date(st.last_day) if st.last_day else ctx.doc_day
        if base is None:
            return None, "none"
        return week_value(base) + "-WE", "weekend of the narrative day's week"
    if head in ctx.day_heads:
        day = parse_value_date(st.last_day) if st.last_day else None
        if day is None:
            return None, "no day before it"
        value = (day + timedelta(days=t.parts.get("shift", 0))).isoformat()
        code = ctx.pod_codes.get(head)
        return value + (code or ""), "previous day in text" + (", moved" if t.parts.get("shift") else "")
    value = st.last_value[:4] if st.last_value and st.last_value[:4].isdigit() else None
    return value, "previous date in text (year)"


def resolve_composite(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """Ranges, a day with a time, the n-th weekday of a month, "the week of", "19-20
    September last year", "three days after Easter": children first, then the op."""
    kids = t.children
    if t.op == "range":
        left, right = kids
        rv, ra = resolve(right, ctx, st)
        if left.anchor == Anchor.YEAR and rv and rv[:4].isdigit() and "y" not in left.parts \
                and "m" in left.parts:
            # The left end lies in the right end's year, or the year before ("December to
            # February"): a range never runs backwards.
            end = parse_value_date(rv.split("/")[-1])
            year = int(rv[:4])
            if end is not None and (left.parts["m"], left.parts.get("d", 1)) > (end.month, end.day if granularity(rv.split("/")[-1]) == 3 else 31):
                year -= 1
            left.parts = {**left.parts, "y": year}
        lv, la = resolve(left, ctx, st)
        if left.kind == right.kind == "weekday" and lv and granularity(lv) == 3:
            # "from Monday to Wednesday": the right end is the first such day from the left end
            rv = weekday_date(parse_value_date(lv), right.parts["wd"], 1, strict=False).isoformat()
            ra = "first such day from the range's start"
        if lv and rv:
            a, b = lv.split("/")[0], rv.split("/")[-1]
            if "T" in a and "T" in b and a[:10] == b[:10] and b[11:16] < a[11:16]:
                # "from 10pm to 6am": the end is on the next day
                nxt = parse_value_date(b[:10]) + timedelta(days=1)
                b = nxt.isoformat() + b[10:]
            return f"{a}/{b}", f"{la}; {ra}"
        return None, f"{la}; {ra}"
    if t.op == "datetime":
        day, clock = kids
        dv, da = resolve(day, ctx, st)
        return _on_day(dv, clock), da
    if t.op == "year-from":
        inner, rel = kids
        rv, ra = resolve(rel, ctx, st)
        if not rv or not rv[:4].isdigit():
            return None, ra
        inner.parts = {**inner.parts, "y": int(rv[:4])}
        value, _ = resolve_year(inner, ctx, st)
        return value, ra
    if t.op == "offset-from":
        off, event = kids
        ev, ea = resolve(event, ctx, st)
        d = parse_value_date(ev)
        if d is None or granularity(ev) != 3:
            return None, ea
        return shift_value(d, off.parts["n"], off.parts["unit"], off.parts["sign"]), f"{ea}, shifted"
    if t.op == "nth":
        (inner,) = kids
        iv, ia = resolve(inner, ctx, st)
        return _nth(t.parts, iv), ia
    if t.op == "week-of":
        (inner,) = kids
        iv, ia = resolve(inner, ctx, st)
        d = parse_value_date(iv)
        return (week_value(d) if d and granularity(iv) == 3 else None), ia
    return None, "none"


def _nth(p: dict, month_value: Optional[str]) -> Optional[str]:
    """The n-th weekday / day / week / weekend of a month (or the n-th week of a year)."""
    if not month_value or not month_value[:4].isdigit():
        return None
    y = int(month_value[:4])
    if granularity(month_value) == 1 and p["what"] == "week":
        return f"{y:04d}-W{p['n']:02d}" if p["n"] > 0 else None
    if granularity(month_value) < 2:
        return None
    m = int(month_value[5:7])
    n, what = p["n"], p["what"]
    if isinstance(what, int):
        d = nth_weekday(y, m, what, n)
        return d.isoformat() if d else None
    if what == "day":
        d = last_day(y, m) if n < 0 else date(y, m, n)
        return d.isoformat()
    if what == "week":
        d = nth_weekday(y, m, 6 if n < 0 else 0, n)
        return week_value(d) if d else None
    if what == "weekend":
        d = nth_weekday(y, m, 5, n)
        return week_value(d) + "-WE" if d else None
    return None


RESOLVERS = {
    Anchor.EXPLICIT: resolve_explicit,
    Anchor.YEAR: resolve_year,
    Anchor.DOC: resolve_doc,
    Anchor.WEEKDAY: resolve_weekday,
    Anchor.CLOCK: resolve_clock,
    Anchor.ANAPHOR: resolve_anaphor,
    Anchor.COMPOSITE: resolve_composite,
    Anchor.SENTENCE: lambda t, ctx, st: (None, "sentence date (stage)"),
}


def resolve(t: Timex, ctx: Context, st: State) -> tuple[Optional[str], str]:
    """Value and anchor description of one expression (its anchor's function)."""
    return RESOLVERS[t.anchor](t, ctx, st)


def prime(timexes: list[Timex], skip: Optional[Timex] = None) -> State:
    """The days and months the text states with a year (for dates in event names)."""
    st = State()
    for t in timexes:
        if t is skip or not t.value:
            continue
        for part in t.value.split("/"):
            if granularity(part) == 3:
                y, m, d = (int(x) for x in part[:10].split("-"))
                st.known_days[(m, d)] = min(y, st.known_days.get((m, d), y))
        if "/" in t.value:
            a, b = (parse_value_date(p) for p in t.value.split("/")[:2])
            if a and b and a.month == b.month and a.year == b.year:
                for day in range(a.day, b.day + 1):
                    st.known_days[(a.month, day)] = min(a.year, st.known_days.get((a.month, day), a.year))
        first = t.value.split("/")[0]
        if granularity(first) >= 2:  # the earliest year: event names look back
            m, y = int(first[5:7]), int(first[:4])
            st.known_months[m] = min(y, st.known_months.get(m, y))
    return st


def resolve_all(timexes: list[Timex], ctx: Context, skip: Optional[Timex] = None,
                errors: Optional[list[str]] = None) -> list[tuple[Timex, str]]:
    """Resolve in text order, updating the narrative; ``skip`` (the document date's
    own span) does not move the narrative. An expression whose resolution fails gets
    no value and a line in ``errors``; the others go on."""
    st = prime(timexes, skip)
    out = []
    pending: Optional[Timex] = None
    for t in timexes:
        if t.parts.get("equated") and pending is None:
            pending = t  # "today, 30 June": its day is the one named next
            continue
        try:
            value, anchor = resolve(t, ctx, st)
        except Exception as exc:
            if errors is not None:
                errors.append(f"dates: could not resolve {t.rule} at {t.start}: {type(exc).__name__}: {exc}")
            value, anchor = None, "failed"
        t.value = value
        if t is not skip and value:
            first = value.split("/")[0]
            if granularity(first) >= 2 and value[:4].isdigit() and t.kind != "clock":
                st.narrative = parse_value_date(value.split("/")[-1])
            day = day_of(value)
            if day and t.anchor != Anchor.CLOCK:
                st.last_day, st.last_day_item = day, t
            if value[:4].isdigit():
                st.last_value = value
        if pending is not None:
            day = parse_value_date(value) if granularity(value) == 3 else None
            if day is not None:
                # The text equates the deictic centre with a day: "today" and what follows
                # resolve against it (docs/annotation.md: "London, today, 30 June").
                ctx.doc_day = day
                pending.value = day.isoformat()
                out.append((pending, f"day named beside it {day.isoformat()}"))
            else:
                pv, pa = resolve(pending, ctx, st)
                pending.value = pv
                out.append((pending, pa))
            pending = None
        out.append((t, anchor))
    if pending is not None:
        pending.value, anchor = resolve(pending, ctx, st)
        out.append((pending, anchor))
    return out
