"""Compare what different statements report about one incident (the analysis).

Records (SPEC v2, from `recount run`) carry events and each fact's event. Events of
different documents are grouped into *incidents* (:func:`group_incidents`); per
incident and fact type every report is listed with its source, and summarised the
way conflict-data coders do: UCDP-style ``low`` / ``best`` / ``high`` and
ACLED-style ``conservative`` (= low), the number of distinct sources and a
disagreement score ``dscore`` (distinct values - 1). Two reported values conflict
when the ranges their mods allow cannot both hold (150 vs 134; "more than 600"
and 744 are compatible); each comparison names the rule that decided. Conflicts
are looked for only within one incident and type, and parts of a breakdown
(``part_of``) are never compared with totals; a total and its parts are checked
on their own (parts may not exceed it; after a "complete" word they must add up).

Sources: UCDP GED codebook (low/best/high estimates), ACLED codebook
(conservative fatality counts). ``compare`` is pure (records and configuration
words in, a JSON-ready dict out); pipeline/report_compare.py renders it.
"""

from __future__ import annotations

import bisect
import calendar
import math
import re
import typing
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations
from typing import Optional

INF = math.inf
APPROX_TOLERANCE = 0.10  # "about 60" admits 54..66
SYMBOL = {None: "", "MORE_THAN": ">", "AT_LEAST": "≥", "LESS_THAN": "<", "AT_MOST": "≤", "APPROX": "~"}


# --- ranges a reported figure allows ------------------------------------------------

@dataclass(frozen=True)
class Range:
    """The interval of values a reported figure allows, in the figure's own unit
    (a count): ``lo``..``hi`` (``hi`` may be ``math.inf``), each end closed or open."""

    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = True

    def overlaps(self, other: "Range") -> bool:
        """Whether some value lies in both ranges (a shared end counts only when it is
        closed in both)."""
        # On a tie the open bound is the tighter one: max picks open=True, min closed=False.
        lo, lo_open = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_closed = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return lo < hi or (lo == hi and not lo_open and hi_closed)


_DIGIT = re.compile(r"\d")


def is_vague(text: Optional[str]) -> bool:
    """"hundreds", "thousands of": a magnitude written without digits."""
    return bool(text) and not _DIGIT.search(text) and text.strip().lower().rstrip("s").endswith(
        ("hundred", "thousand", "million", "billion", "dozen", "score"))


def value_range(value: float, mod: Optional[str], vague: bool = False) -> Range:
    """The values a report allows: "more than 600" -> (600, inf); "hundreds" -> [100, 1000)."""
    if vague:
        return Range(value, value * 10, True, False)
    if mod == "MORE_THAN":
        return Range(value, INF, False, False)
    if mod == "AT_LEAST":
        return Range(value, INF, True, False)
    if mod == "LESS_THAN":
        return Range(0, value, True, False)
    if mod == "AT_MOST":
        return Range(0, value)
    if mod == "APPROX":
        return Range(value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE))
    return Range(value, value)


def label(value: float, mod: Optional[str], text: Optional[str] = None) -> str:
    """A figure as a short label: the mod's symbol (SYMBOL: ">", "≥", "<", "≤", "~")
    and the value with thousands commas ("≥1,000", "~2.50"); a vague magnitude's
    ``text`` ("Hundreds of") is given instead, lower-cased with single spaces."""
    if text and is_vague(text):
        return one_line(text.lower())
    number = f"{value:,}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.2f}"
    return f"{SYMBOL.get(mod, '')}{number.removesuffix('.0')}"


def compatibility(a: dict, b: dict) -> dict:
    """Whether two reports (value, mod, vague) can both be true, and the rule that says so."""
    ra = value_range(a["value"], a["mod"], a.get("vague", False))
    rb = value_range(b["value"], b["mod"], b.get("vague", False))
    mods = sorted({"vague magnitude" if r.get("vague") else r["mod"] for r in (a, b)} - {None})
    if not mods:
        same = a["value"] == b["value"]
        return {"compatible": same, "rule": "exact",
                "reason": f"{a['label']} {'=' if same else '≠'} {b['label']}"}
    ok = ra.overlaps(rb)
    rule = "+".join(m for m in mods)
    if "APPROX" in mods:
        rule = rule.replace("APPROX", f"APPROX±{int(APPROX_TOLERANCE * 100)}%")
    return {"compatible": ok, "rule": rule,
            "reason": f"{a['label']} and {b['label']} {'can both hold' if ok else 'exclude each other'}"}


# --- where a fact sits in its document ------------------------------------------------

def one_line(text: Optional[str]) -> Optional[str]:
    """A text as one line: runs of white space (str.split's) as one space, none at the
    ends ("World Health\nOrganization" -> "World Health Organization"); None stays None."""
    return None if text is None else " ".join(text.split())


def _sentence_index(record: dict, offset: int) -> int:
    starts = [s["start"] for s in record.get("sentences") or []]
    return max(bisect.bisect_right(starts, offset) - 1, 0) if starts else 0


def sentence_text(record: dict, offset: int) -> str:
    """The sentence holding ``offset``, whitespace folded (a window if no sentences)."""
    text = record.get("text", "")
    sentences = record.get("sentences") or []
    if sentences:
        s = sentences[_sentence_index(record, offset)]
        if s["start"] <= offset < s["end"]:
            return one_line(text[s["start"]:s["end"]])
    return one_line(text[max(0, offset - 100):offset + 100])


def _doc_date(record: dict) -> Optional[str]:
    return (record.get("doc_date") or {}).get("value")


# --- event dates, places and names as comparable keys --------------------------------

def _unit_bounds(value: str) -> Optional[tuple[date, date]]:
    """First and last day a TIMEX3 point covers: ``1990`` -> 1990-01-01..1990-12-31,
    ``1990-01`` a month, ``1990-01-20`` (or with a clock time) a day, ``2016-W46`` an
    ISO week, ``198X`` a decade; None for durations, references and unknown years."""
    value = value.split("T", 1)[0]
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(m[1]), int(m[2])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if m := re.fullmatch(r"(\d{4})-W(\d{2})(?:-WE)?", value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})(?:-(?:SP|SU|FA|WI|Q[1-4]|H[12]))?", value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
        if m := re.fullmatch(r"(\d{3})X", value):
            return date(int(m[1]) * 10, 1, 1), date(int(m[1]) * 10 + 9, 12, 31)
    except ValueError:
        return None
    return None


@lru_cache(maxsize=1 << 16)
def date_span(value: Optional[str]) -> Optional[tuple[date, date]]:
    """The days a TIMEX3 point or range (``A/B``) covers, or None when it names no
    calendar time. Two event dates overlap "at the granularity both give" exactly when
    these spans intersect (a day inside a month overlaps that month). Memoised: event
    dates repeat across a batch."""
    if not value:
        return None
    first, _, last = value.partition("/")
    a, b = _unit_bounds(first), _unit_bounds(last or first)
    if a is None or b is None:
        return None
    return a[0], b[1]


_POSSESSIVE = re.compile(r"['’]s\b")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 16)
def fold(text: Optional[str]) -> str:
    """Lower case, accents and punctuation dropped, a leading "the" and possessives gone
    (memoised: names and sources repeat across a batch)."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is its own NFKD form, with no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _WORD.findall(_POSSESSIVE.sub("", text.lower()))
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


@lru_cache(maxsize=1 << 16)
def name_key(name: Optional[str]) -> Optional[frozenset]:
    """A name's words as a set, month names as numbers, ordinal suffixes and joining
    words dropped, so "20 January Tragedy" and "the tragedy of January 20th"
    normalise alike; None when nothing is left (memoised)."""
    words = []
    for word in fold(name).split():
        word = re.sub(r"^(\d+)(st|nd|rd|th)$", r"\1", word)
        word = str(MONTHS[word]) if word in MONTHS else word
        if word not in ("of", "in", "on", "at", "and"):
            words.append(word)
    return frozenset(words) or None


def places_compatible(a: Optional[str], b: Optional[str]) -> bool:
    """Unknown places are compatible with any; known ones when one names the other
    ("Baku" and "Baku city", "Kramatorsk" and "Kramatorsk railway station")."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return True
    return f" {fa} " in f" {fb} " or f" {fb} " in f" {fa} "


# --- events and incidents -------------------------------------------------------------

def document_events(record: dict) -> list[dict]:
    """The record's events, each with its facts' indexes; facts with no event (or a
    version-1 record with no events at all) are one unnamed event of the document."""
    facts = record.get("facts") or []
    places = document_places(record.get("entities") or [])
    events = [{**e, "doc_id": record.get("doc_id"), "facts": [], "doc_places": places}
              for e in record.get("events") or []]
    by_id = {e["id"]: e for e in events}
    loose = {"id": None, "doc_id": record.get("doc_id"), "name": None, "date": None, "place": None,
             "facts": [], "doc_places": places}
    for i, fact in enumerate(facts):
        by_id.get(fact.get("event"), loose)["facts"].append(i)
    return events + ([loose] if loose["facts"] else [])


PLACE_LABELS = ("GPE", "LOC", "FAC")
# Without a place on both sides, dates must be this precise (a day or a month) to join;
# places joined only through a mention in the other document need days (up to a week).
MAX_DAYS_WITHOUT_PLACE = 31
MAX_DAYS_BY_MENTION = 7


def document_places(entities: list[dict]) -> frozenset:
    """The folded names of the places (GPE, LOC, FAC entities) a document mentions."""
    return place_names(e.get("text") for e in entities if e.get("label") in PLACE_LABELS)


def place_names(texts: typing.Iterable[Optional[str]]) -> frozenset:
    """The folded forms (:func:`fold`) of the texts of a document's place entities."""
    return frozenset(map(fold, texts))


def dates_and_places_join(span_a, place_a: Optional[str], places_a: frozenset,
                          span_b, place_b: Optional[str], places_b: frozenset) -> bool:
    """The ``date+place`` rule: the date spans overlap, and the places are compatible
    (:func:`places_compatible`), or, when both dates name days, one is a place the
    other's document mentions ("Dockside" in a report that also names "Port Elwin");
    when either place is unknown, both dates must name a day or a month (a decade and
    no place say too little: the late-1980s deportations are not the 1988 Anfal
    campaign)."""
    if not (span_a and span_b and span_a[0] <= span_b[1] and span_b[0] <= span_a[1]):
        return False
    days = max((s[1] - s[0]).days + 1 for s in (span_a, span_b))
    fa, fb = fold(place_a), fold(place_b)
    if not fa or not fb:
        return days <= MAX_DAYS_WITHOUT_PLACE
    if places_compatible(fa, fb):
        return True
    return days <= MAX_DAYS_BY_MENTION and (fa in places_b or fb in places_a)


def same_incident(a: dict, b: dict) -> Optional[str]:
    """The rule that makes two events of different documents one incident, or None:
    ``name`` (their names normalise alike) or ``date+place`` (:func:`dates_and_places_join`)."""
    if a["id"] is None or b["id"] is None:
        return None  # facts no event was told for stay with their document
    na = name_key((a.get("name") or {}).get("text"))
    nb = name_key((b.get("name") or {}).get("text"))
    if na is not None and na == nb:
        return "name"
    if dates_and_places_join(date_span((a.get("date") or {}).get("value")), (a.get("place") or {}).get("text"),
                             a.get("doc_places", frozenset()),
                             date_span((b.get("date") or {}).get("value")), (b.get("place") or {}).get("text"),
                             b.get("doc_places", frozenset())):
        return "date+place"
    return None


def group_incidents(events: list[dict]) -> list[list[int]]:
    """Indexes of ``events`` grouped into incidents: the connected components of
    :func:`same_incident` between events of different documents, in order of their
    first event.

    Events with the same name key, or with the same date span and place, are joined
    by bucket; only distinct (date span, place) keys are compared pairwise, in a sweep
    over their dates, so a large batch does not cost every pair of events.
    """
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(members: list[int]) -> None:
        if len({events[i]["doc_id"] for i in members}) > 1:  # a rule holds between documents only
            for i in members[1:]:
                parent[find(i)] = find(members[0])

    by_name: dict[frozenset, list[int]] = {}
    by_key: dict[tuple, list[int]] = {}
    for i, event in enumerate(events):
        if event["id"] is None:
            continue  # facts no event was told for stay with their document
        name = name_key((event.get("name") or {}).get("text"))
        if name is not None:
            by_name.setdefault(name, []).append(i)
        span = date_span((event.get("date") or {}).get("value"))
        if span is not None:
            by_key.setdefault((span, fold((event.get("place") or {}).get("text"))), []).append(i)
    for members in by_name.values():
        join(members)
    mentioned = {key: frozenset().union(*(events[i].get("doc_places", frozenset()) for i in members))
                 for key, members in by_key.items()}
    keys = sorted(by_key, key=lambda k: k[0])
    active: list[tuple] = []
    for key in keys:
        if dates_and_places_join(key[0], key[1], mentioned[key], key[0], key[1], mentioned[key]):
            join(by_key[key])  # same date and place: one incident when the rule holds for itself
        active = [k for k in active if k[0][1] >= key[0][0]]  # spans still open when this one starts
        for other in active:
            if dates_and_places_join(other[0], other[1], mentioned[other], key[0], key[1], mentioned[key]):
                a, b = by_key[other], by_key[key]
                docs_a = {events[i]["doc_id"] for i in a}
                if not (len(docs_a) == 1 and docs_a == {events[i]["doc_id"] for i in b}):
                    parent[find(b[0])] = find(a[0])
        active.append(key)
    groups: dict[int, list[int]] = {}
    for i in range(len(events)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _most_common(values: list[Optional[str]]) -> Optional[str]:
    """The most frequent non-empty value; ties to the first seen."""
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else None


def _id_date(value: Optional[str]) -> Optional[str]:
    """The date part of an incident id: a day's or a range's year and month
    ("1990-01-20/1990-01-21" -> "1990-01"), any other calendar value whole ("2025-W37",
    "198X", "2016-SU"); None for none, a duration or a reference (PRESENT_REF)."""
    first = (value or "").split("/")[0].split("T")[0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", first):
        return first[:7]
    return first if re.match(r"\d{3}[\dX]", first) else None


def _slug(text: str) -> str:
    return "-".join(fold(text).split())[:40]


# --- summaries per incident and type ---------------------------------------------------

def _best(figures: list[dict]) -> float:
    """The value most documents give; ties to the most recently dated document."""
    docs: dict[float, set] = {}
    latest: dict[float, str] = {}
    for f in figures:
        docs.setdefault(f["value"], set()).update(f["docs"])
        latest[f["value"]] = max(latest.get(f["value"], ""), f["latest"])
    return max(docs, key=lambda v: (len(docs[v]), latest[v], v))


def distinct_figures(reports: list[dict]) -> list[dict]:
    """The distinct figures among ``reports`` that are not parts of a breakdown: one dict
    per (value, mod, vague), in the order of its first report, with ``label`` (its last
    report's), ``docs`` (the sorted doc_ids that give it) and ``latest`` (the latest
    doc_date among them, "" when none is dated). What :func:`summarise_figures` reads;
    `recount export` builds the same rows with SQL."""
    figures: dict[tuple, dict] = {}
    for r in reports:
        if r["part_of"] is not None:
            continue
        key = (r["value"], r["mod"], r["vague"])
        if key not in figures:
            figures[key] = {"value": r["value"], "mod": r["mod"], "vague": r["vague"], "docs": set(), "latest": ""}
        f = figures[key]
        f["label"] = r["label"]
        f["docs"].add(r["doc_id"])
        f["latest"] = max(f["latest"], r["doc_date"] or "")
    return [{**f, "docs": sorted(f["docs"])} for f in figures.values()]


def summarise(reports: list[dict]) -> dict:
    """low / best / high / conservative / sources / dscore / conflicts of one incident
    and type (:func:`summarise_figures` over the reports' :func:`distinct_figures`)."""
    if len(reports) == 1 and reports[0]["part_of"] is None:  # the common case, without the pairwise work
        value = reports[0]["value"]
        return {"low": value, "best": value, "high": value, "conservative": value, "sources": 1, "dscore": 0,
                "conflicts": []}
    return summarise_figures(distinct_figures(reports), len({r["source_key"] for r in reports}))


def summarise_figures(figures: list[dict], sources: int) -> dict:
    """The summaries of one incident and type from its distinct figures (dicts as
    :func:`distinct_figures` makes them) and its number of distinct sources (of every
    report, parts of breakdowns included). Each figure counts with the number it
    writes ("up to 90" -> 90); vague magnitudes ("hundreds") only when no figure is
    precise; ``dscore`` is the number of distinct values - 1; two figures conflict when
    :func:`compatibility` says they cannot both hold, except two figures of one
    statement (a toll that rose). Returns {"low", "best", "high", "conservative",
    "sources", "dscore", "conflicts": [{"a", "b", "a_docs", "b_docs", "compatible",
    "rule", "reason"}]}; the four figures are None when every report is a part."""
    precise = [f for f in figures if not f["vague"]]
    counted = precise or figures
    out: dict = {"low": None, "best": None, "high": None, "conservative": None}
    if counted:
        values = [f["value"] for f in counted]
        out.update(low=min(values), best=_best(counted), high=max(values), conservative=min(values))
    out["sources"] = sources
    out["dscore"] = max(len({f["value"] for f in figures}) - 1, 0)
    conflicts = []
    for a, b in combinations(sorted(figures, key=lambda f: (-f["value"], str(f["mod"]))), 2):
        if a["docs"] == b["docs"] and len(a["docs"]) == 1:
            continue  # two figures of one statement (a toll that rose): listed, not compared
        result = compatibility(a, b)
        if not result["compatible"]:
            conflicts.append({"a": a["label"], "b": b["label"], "a_docs": a["docs"], "b_docs": b["docs"], **result})
    out["conflicts"] = conflicts
    return out


def _number_text(record: dict, fact: dict) -> str:
    n = fact.get("number") or {}
    return one_line((record.get("text") or "")[n.get("start", 0):n.get("end", 0)])


def _report(record: dict, event: dict, index: int, facts_label: dict) -> dict:
    fact = record["facts"][index]
    n = fact.get("number") or {"start": 0, "end": 0}
    number_text = _number_text(record, fact)
    attribution = fact.get("attribution") or {}
    source = (attribution.get("source") or {}).get("text")
    publisher = (record.get("source") or {}).get("name")
    vague = is_vague(number_text)
    part_of = fact.get("part_of")
    return {"doc_id": record.get("doc_id"), "event": event["id"], "type": fact["type"],
            "value": fact["value"], "mod": fact.get("mod"), "vague": vague,
            "label": label(fact["value"], fact.get("mod"), number_text), "text": number_text,
            "number": {"start": n["start"], "end": n["end"]},
            "part_of": facts_label.get(part_of) if part_of is not None else None,
            "source": one_line(source), "cue": one_line((attribution.get("cue") or {}).get("text")),
            "source_key": source_key(source, publisher, record.get("doc_id")),
            "doc_date": _doc_date(record), "sentence": sentence_text(record, n["start"])}


def compare(records: list[dict], breakdown_words: Optional[dict] = None) -> dict:
    """Group events into incidents, then list and summarise every figure per incident
    and type.

    ``breakdown_words`` is {"partial": [...], "complete": [...]} (configuration:
    [breakdowns] of fact_triggers.toml). Returns {"documents", "incidents": [{"incident",
    "name", "date", "place", "events": [{"doc_id", "event"}], "types": [{"type",
    "reports", "low", "best", "high", "conservative", "sources", "dscore", "conflicts"}]}],
    "breakdowns": [...]}.
    """
    words = breakdown_words or {"partial": [], "complete": []}
    records = sorted(records, key=lambda r: r.get("doc_id") or "")
    events, reports, breakdowns = [], [], []
    for record in records:
        labels = {j: label(f["value"], f.get("mod"), _number_text(record, f))
                  for j, f in enumerate(record.get("facts") or [])}
        for event in document_events(record):
            events.append(event)
            reports.append([_report(record, event, index, labels) for index in event["facts"]])
        breakdowns += find_breakdowns(record, words)
    return {"documents": len(records), "incidents": build_incidents(events, reports), "breakdowns": breakdowns}


@lru_cache(maxsize=None)
def type_order(fact_type: str) -> tuple[int, str]:
    """Where a fact type's summaries come in an incident: SPEC's order of types
    (records.FactType), then unknown types by name."""
    from .records import FactType  # pydantic, imported only when a batch has facts

    order = typing.get_args(FactType)
    return (order.index(fact_type) if fact_type in order else len(order)), fact_type


def incident_heads(events: list[dict]) -> list[dict]:
    """The incidents ``events`` ({"id", "doc_id", "name", "date", "place", "doc_places"},
    as in records) form (:func:`group_incidents`), in order of their first event: each
    {"incident" (an id unique in the batch: place or name slug and year-month or other
    calendar value, "incident-DOC" for an event with no name, place or date, or
    "unassigned-DOC" for facts no event was told for), "name", "date", "place" (the
    most common among its events), "members" (indexes into ``events``)}."""
    heads, used_ids = [], set()
    for group in group_incidents(events):
        members = [events[i] for i in group]
        name = _most_common([(e.get("name") or {}).get("text") for e in members])
        when = _most_common([(e.get("date") or {}).get("value") for e in members])
        place = _most_common([(e.get("place") or {}).get("text") for e in members])
        if all(e["id"] is None for e in members):
            base = f"unassigned-{members[0]['doc_id']}"
        else:
            stamp = _id_date(when)
            if place or name or stamp:
                base = _slug(place or name or "incident") + (f"-{stamp}" if stamp else "")
            else:  # nothing to name it by but its document
                base = f"incident-{members[0]['doc_id']}"
        incident_id, k = base, 2
        while incident_id in used_ids:
            incident_id, k = f"{base}-{k}", k + 1
        used_ids.add(incident_id)
        heads.append({"incident": incident_id, "name": name, "date": when, "place": place, "members": group})
    return heads


def report_order(report: dict) -> tuple:
    """How one incident and type lists its reports: by document date (undated first),
    document and the number's offset."""
    return report["doc_date"] or "", report["doc_id"], report["number"]["start"]


def build_incidents(events: list[dict], reports: list[list[dict]]) -> list[dict]:
    """Incidents from events ({"id", "doc_id", "name", "date", "place"}, as in records)
    and each event's reports (dicts as ``_report`` makes them: doc_id, type, value, mod,
    vague, part_of, source_key, doc_date, number, ...); see :func:`compare`."""
    incidents = []
    for head in incident_heads(events):
        by_type: dict[str, list[dict]] = {}
        for i in head["members"]:
            for report in reports[i]:
                by_type.setdefault(report["type"], []).append(report)
        types = []
        for fact_type in sorted(by_type, key=type_order):
            found = sorted(by_type[fact_type], key=report_order)
            types.append({"type": fact_type, "reports": found, **summarise(found)})
        members = [{"doc_id": events[i]["doc_id"], "event": events[i]["id"]} for i in head["members"]]
        incidents.append({"incident": head["incident"], "name": head["name"], "date": head["date"],
                          "place": head["place"], "events": members, "types": types})
    return incidents


def named_source(source: Optional[str], publisher: Optional[str]) -> Optional[str]:
    """Who gives a figure, when anyone is named: the attribution's source, else the
    document's publisher (metadata), folded (:func:`fold`); None when neither is."""
    return fold(source) or fold(publisher) or None


def source_key(source: Optional[str], publisher: Optional[str], doc_id: Optional[str]) -> str:
    """Who gives a figure, for counting distinct sources: :func:`named_source`, else
    the document itself ("doc:ID")."""
    return named_source(source, publisher) or f"doc:{doc_id}"


def incident_of_events(result: dict) -> dict[tuple[str, Optional[str]], str]:
    """(doc_id, event id) -> the incident id ``compare`` gave it."""
    return {(e["doc_id"], e["event"]): inc["incident"] for inc in result["incidents"] for e in inc["events"]}


# --- breakdowns ---------------------------------------------------------------------

def _marker(between: str, words: dict[str, list[str]]) -> Optional[tuple[str, str]]:
    low = one_line(between.lower())
    for kind in ("complete", "partial"):
        for word in words.get(kind, []):
            if re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", low):
                return kind, word
    return None


def find_breakdowns(record: dict, words: dict[str, list[str]]) -> list[dict]:
    """Each total with the facts whose ``part_of`` names it, checked by :func:`check_breakdown`;
    the words between the total and its first part say whether the parts are complete."""
    facts = record.get("facts") or []
    text = record.get("text", "")
    parts: dict[int, list[int]] = {}
    for i, fact in enumerate(facts):
        if fact.get("part_of") is not None and 0 <= fact["part_of"] < len(facts):
            parts.setdefault(fact["part_of"], []).append(i)
    out = []
    for total_index, indexes in sorted(parts.items()):
        total = facts[total_index]
        members = sorted((facts[j] for j in indexes), key=lambda f: f["number"]["start"])
        between = text[total["number"]["end"]:members[0]["number"]["start"]]
        marker = _marker(between, words) or ("partial", "part_of")
        out.append(check_breakdown(record, total, members, [f["value"] for f in members], marker))
    return out


def check_breakdown(record: dict, total: dict, parts: list[dict], values: list, marker: tuple) -> dict:
    """A breakdown is flagged when its parts exceed the total, or (after a complete
    word) when they do not add up to it."""
    kind, word = marker
    whole = value_range(total["value"], total.get("mod"))
    part_sum = sum(values)
    if part_sum > whole.hi or (part_sum == whole.hi and not whole.hi_closed):
        status, flag = "parts exceed total", True
    elif value_range(part_sum, None).overlaps(whole):
        status, flag = "parts add up to total", False
    elif kind == "complete":
        status, flag = "parts do not add up to total", True
    else:
        status, flag = "partial breakdown", False
    return {"doc_id": record.get("doc_id"), "doc_date": _doc_date(record), "type": total["type"],
            "total": label(total["value"], total.get("mod")), "total_value": total["value"],
            "parts": [label(p["value"], p.get("mod")) for p in parts], "sum": part_sum,
            "marker": word, "rule": f"{kind} breakdown ('{word}')", "status": status, "flag": flag,
            "event": total.get("event"), "sentence": sentence_text(record, total["number"]["start"])}
