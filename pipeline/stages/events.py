"""Events stage: group a document's facts into the events whose people they count.

SPEC "events": one entry per distinct real-world incident or episode the document
gives figures about, ids e1, e2, ... in order of first mention; each fact's ``event``
names its entry. Each fact gets a context from its sentence (kind, EVENT names,
dates, places where things happen, incident words); a sentence without date or
place borrows them from the earlier sentences of its paragraph that name an
incident. Then, for each fact in text order:

1. kind: statistics over a period qualifying the figure's clause ("762 murders this
   year") are a ``statistics`` event per sentence; people at a later gathering
   (a ``participants`` fact by a commemoration, funeral or meeting word in its
   sentence or the one before) a ``commemoration``, unless its date falls within days
   of an incident (a mass funeral belongs to the killings); a figure whose trigger is
   a noun of long displacement ("the deportation of 200,000") an ``episode``;
   anything else an ``incident``.
2. an EVENT entity in the sentence picks the event of that name, or names the
   current event of the kind when it has none yet.
3. a context the current event cannot share is another event (an earlier one that
   fits, or a new one): its date lies more than a day before the event's or more
   than ``update_window_days`` after; or, dated on other days, it names another kind
   of incident in another place. Dates of the report ("as of 09:00 today", a date on
   the reporting verb) never date an event. An undated incident of the lede is taken
   to be near the document's date.
4. otherwise the fact belongs to the current event of its kind; a new paragraph
   without a frame of its own goes back to the document's first incident.

Which dates and places of a sentence are the incident's: a date hung on a word of
speaking, writing or deciding (``dates.report_words``: "addressing the session on 7
March 1991", "a letter dated 5 June") dates a later act about the incident and is
dropped; a date that belongs to an incident noun ("Saturday's disorder") comes before
the others. A place is where it happened after a locative preposition (not an origin
or destination: "from", "to", "towards"), as the name after "the town of" (``modifiers``
skipped: "present-day"), or as the object of a verb of attack ("stormed Vukovar",
ranked first); places in a clause of purpose ("to suppress the movement in X"), given
as a distance reference ("60 km north of X") or only locating another place ("towns in
X", "several districts of X") are dropped when the sentence names another place. An
event missing a date or a place takes each from the nearest earlier sentence with an
incident word that gives it.

``name``/``date``/``place`` are the first mention in the document of the EVENT
entity, dates entry (same value) and GPE/LOC/FAC entity found for the event.
Word lists: configs/lexicons/events.toml (schema ``EventsFile``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..document import Document
from ..lexicon import read_model

PLACE_LABELS = ("GPE", "LOC", "FAC")
POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
DECADE = re.compile(r"^(\d{3})X$")
FOUR_DIGITS = re.compile(r"\d{4}")
LETTER = re.compile(r"[A-Za-z]")
LONG_WORD = re.compile(r"\w{4,}")
WORD = re.compile(r"[\w’'-]+")  # a word before a place name ("present-day", "today's")
LOWER_WORD = re.compile(r"[a-z]+")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KindsTable(_Table):
    incident: list[str]
    commemoration: list[str]
    episode: list[str] = []


class StatisticsTable(_Table):
    phrases: list[str]


class DatesTable(_Table):
    words: list[str] = []
    state_signals: list[str] = []
    update_window_days: int = Field(default=7, ge=0)
    provisional_window_days: int = Field(default=366, ge=0)
    lede_sentences: int = Field(default=3, ge=0)
    report_words: list[str] = []


class PlacesTable(_Table):
    locative: list[str]
    place_nouns: list[str] = []
    modifiers: list[str] = []
    object_verbs: list[str] = []
    quantifiers: list[str] = []
    distance_units: list[str] = []


class EventsFile(_Table):
    """configs/lexicons/events.toml."""

    kinds: KindsTable
    statistics: StatisticsTable
    places: PlacesTable
    dates: DatesTable = DatesTable()


def _phrase_re(phrases: list[str]) -> Optional[re.Pattern]:
    """Phrases -> one case-insensitive pattern of any of them as whole words (longest
    first), or None for no phrase. The word-boundary checks stand outside the
    alternation, so they run once per position, not once per phrase (same matches as
    a check around each phrase, several times faster)."""
    words = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class EventsLexicon:
    incident: frozenset[str]
    commemoration: frozenset[str]
    commemoration_re: Optional[re.Pattern]
    statistics_re: Optional[re.Pattern]
    update_window_days: int
    episode: frozenset[str] = frozenset()
    date_words: Optional[re.Pattern] = None
    state_signals: tuple[str, ...] = ()
    provisional_window_days: int = 366
    lede_sentences: int = 3
    locative: frozenset[str] = frozenset()
    place_nouns: frozenset[str] = frozenset()
    report_words: frozenset[str] = frozenset()
    place_modifiers: frozenset[str] = frozenset()
    object_verbs: frozenset[str] = frozenset()
    place_quantifiers: frozenset[str] = frozenset()
    distance_units: frozenset[str] = frozenset()


def load_events_lexicon(path: str | Path) -> EventsLexicon:
    """events.toml -> EventsLexicon; ConfigError naming file and key on a bad file."""
    table = read_model(path, EventsFile)
    return EventsLexicon(
        incident=frozenset(w.lower() for w in table.kinds.incident),
        commemoration=frozenset(w.lower() for w in table.kinds.commemoration if " " not in w),
        commemoration_re=_phrase_re([w for w in table.kinds.commemoration if " " in w]),
        episode=frozenset(w.lower() for w in table.kinds.episode),
        date_words=_phrase_re(table.dates.words),
        state_signals=tuple(w.lower() for w in table.dates.state_signals),
        statistics_re=_phrase_re(table.statistics.phrases),
        update_window_days=table.dates.update_window_days,
        provisional_window_days=table.dates.provisional_window_days,
        lede_sentences=table.dates.lede_sentences,
        locative=frozenset(w.lower() for w in table.places.locative),
        place_nouns=frozenset(w.lower() for w in table.places.place_nouns),
        report_words=frozenset(w.lower() for w in table.dates.report_words),
        place_modifiers=frozenset(w.lower() for w in table.places.modifiers),
        object_verbs=frozenset(w.lower() for w in table.places.object_verbs),
        place_quantifiers=frozenset(w.lower() for w in table.places.quantifiers),
        distance_units=frozenset(w.lower() for w in table.places.distance_units),
    )


# --- what a fact's sentence says about its event -------------------------------------

@dataclass
class Context:
    """What the sentence of one fact says: kind, names, dates, places (layer dicts)."""

    kind: str
    names: list[dict]
    dates: list[dict]
    places: list[dict]
    incident_noun: bool
    sentence_start: int = 0
    paragraph: int = 0
    nouns: frozenset = frozenset()  # the incident words of its sentence ("strike", "capsize")


def point_date(value: Optional[str]) -> Optional[tuple[date, date]]:
    """A TIMEX3 value -> the (first, last) day it covers, or None for durations, vague
    references ("PRESENT_REF") and recurring dates ("XXXX-01-20"). "1990" -> 1 Jan to
    31 Dec 1990; "1990-01" -> the month; "1988-02/1988-09" -> February to September."""
    if not value:
        return None
    parts = value.split("/")
    first = _bounds(parts[0])
    last = first if len(parts) == 1 else _bounds(parts[-1])
    if first is None or last is None:
        return None
    return first[0], last[1]


def _bounds(value: str) -> Optional[tuple[date, date]]:
    decade = DECADE.match(value)  # "198X": the 1980s
    if decade:
        return date(int(decade.group(1)) * 10, 1, 1), date(int(decade.group(1)) * 10 + 9, 12, 31)
    m = POINT.match(value)
    if not m:
        return None
    year = int(m.group(1))
    try:
        if m.group(3):
            day = date(year, int(m.group(2)), int(m.group(3)))
            return day, day
        if m.group(2):
            month = int(m.group(2))
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            return date(year, month, 1), date.fromordinal(nxt.toordinal() - 1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def dates_conflict(a: tuple[date, date], b: tuple[date, date], window: int, before: int = 1) -> bool:
    """Whether a figure dated ``b`` cannot be about an event dated ``a``: ``b`` ends more
    than ``before`` days before ``a`` starts (people who left two days before a strike
    are another episode), or starts more than ``window`` days after ``a`` ends (a toll
    update two days after a strike fits; a month or a year later does not)."""
    if (a[0] - b[1]).days > before:
        return True
    return (b[0] - a[1]).days > window


def is_dating(item: dict, words: Optional[re.Pattern] = None) -> bool:
    """A dates entry that can date an event: it has a value of days and is written with
    a four-digit year or a word of dates (month, weekday, "yesterday", "ago"; ``words``),
    not a bare "34" or a clock time the dates layer read as a day."""
    if point_date(item.get("value")) is None:
        return False
    text = item["text"]
    if FOUR_DIGITS.search(text):
        return True
    return bool(words.search(text)) if words is not None else bool(LETTER.search(text))


def places_share(a: list[str], b: list[str]) -> bool:
    """Two lists of place names share a place when any capitalised word of 4+ letters
    is in both ("Kramatorsk" and "Kramatorsk railway station")."""
    words = lambda names: {w.lower() for n in names for w in LONG_WORD.findall(n) if w[0].isupper()}  # noqa: E731
    return bool(words(a) & words(b))


@dataclass
class Event:
    kind: str
    first: int  # offset of its first mention
    names: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    provisional: Optional[tuple] = None  # the document's date, for an undated event of the lede
    nouns: set = field(default_factory=set)  # incident words of its facts' sentences

    def date_key(self, point: Callable[[Optional[str]], Optional[tuple]] = point_date) -> Optional[tuple]:
        """The days of its first dates entry that has some (``point``: :func:`point_date`
        or a stand-in giving the same values), or None."""
        return first_days(self.dates, point)


def first_days(dates: list[dict], point: Callable[[Optional[str]], Optional[tuple]] = point_date
               ) -> Optional[tuple[date, date]]:
    """The (first, last) day of the first entry of ``dates`` whose value covers days
    (:func:`point_date`, or ``point`` giving the same values), or None."""
    for d in dates:
        days = point(d.get("value"))
        if days:
            return days
    return None


def fits(event: Event, ctx: Context, window: int, places: bool = True, provisional_window: int = 366,
         point: Callable[[Optional[str]], Optional[tuple]] = point_date) -> bool:
    """Whether the facts of ``ctx`` can belong to ``event`` (rule 3 of the module doc):
    their dates do not conflict and, with ``places``, a dated figure on other days than
    the event's, about another kind of incident ("capsize" after a "strike"), shares one
    of its places (a crackdown spreading to the next city the next day stays one event).
    An event whose sentences name no incident word ("20,000 people marched") is of no
    other kind than any incident. ``point`` reads a TIMEX3 value as :func:`point_date`
    does (group_facts passes one that remembers the values of its document)."""
    mine = event.date_key(point)
    theirs = first_days(ctx.dates, point)
    if mine and theirs and dates_conflict(mine, theirs, window):
        return False
    if not mine and event.provisional and theirs and dates_conflict(event.provisional, theirs, provisional_window,
                                                                     provisional_window):
        return False  # "... since April 2019, when 17 officers were injured" in a 2025 report
    overlap = bool(mine and theirs and not dates_conflict(mine, theirs, 0, 0))
    other_kind = bool(ctx.nouns) and bool(event.nouns) and not (ctx.nouns & event.nouns)
    if places and theirs and event.kind in ("incident", "commemoration") and ctx.places and event.places \
            and not overlap and other_kind:
        return places_share([p["text"] for p in event.places], [p["text"] for p in ctx.places])
    return True


def is_possessor(text: str, entity: dict) -> bool:
    """"Armenia's armed forces": a place in the possessive names who acted, not where."""
    return text[entity["end"]:entity["end"] + 2] in ("'s", "’s")


def name_fits(name: dict, event: Event, dates: list[dict]) -> bool:
    """An EVENT entity can name an event found without one when it shares a place word
    with the event ("Khojaly genocide", place "Khojaly") or holds a date of the event's
    month ("January 20, 1990 tragedy" for an event of 1990-01-20)."""
    if event.places and places_share([name["text"]], [p["text"] for p in event.places]):
        return True
    mine = event.date_key()
    for d in dates:
        if name["start"] <= d["start"] and d["end"] <= name["end"]:
            theirs = point_date(d.get("value"))
            if mine and theirs and not dates_conflict(mine, theirs, 0):
                return True
    return False


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def group_facts(contexts: list[Context], positions: list[int], window: int,
                provisional: Optional[tuple] = None, lede_end: int = 0,
                provisional_window: int = 366) -> tuple[list[Event], list[int]]:
    """Facts (their contexts and number offsets, in text order) -> events and, per
    fact, the index of its event. Pure: the rules of the module docstring. An event
    born undated in the lede (before offset ``lede_end``) is taken to be near the
    document's date (``provisional``, a span of days) until a date of its own comes."""
    events: list[Event] = []
    days: dict[Optional[str], Optional[tuple]] = {}  # TIMEX3 value -> point_date(value), for this call

    def point(value: Optional[str]) -> Optional[tuple]:
        if value not in days:
            days[value] = point_date(value)
        return days[value]

    fits_ = lambda ev, c, places=True: fits(ev, c, window, places, provisional_window, point)  # noqa: E731
    current: dict[str, int] = {}
    out = []
    paragraph = None
    for ctx, pos in zip(contexts, positions):
        chosen: Optional[int] = None
        cur = current.get(ctx.kind)
        if (ctx.kind == "incident" and paragraph is not None and ctx.paragraph != paragraph
                and not (ctx.dates or ctx.places or ctx.names)):
            # a new paragraph without a frame of its own goes back to the main incident
            cur = next((k for k, ev in enumerate(events) if ev.kind == "incident"), cur)
        paragraph = ctx.paragraph
        if ctx.kind == "statistics":
            if cur is not None and events[cur].first == ctx.sentence_start:
                chosen = cur
        elif ctx.kind == "commemoration" and ctx.dates and any(
                ev.kind == "incident" and ev.date_key(point) and fits_(ev, ctx, False) for ev in events):
            # a mass funeral days after the killings belongs to them (docs/annotation.md)
            chosen = next(k for k, ev in enumerate(events)
                          if ev.kind == "incident" and ev.date_key(point) and fits_(ev, ctx, False))
        elif ctx.names:
            chosen = next((k for k, ev in enumerate(events) if ev.kind == ctx.kind and any(
                _same_name(n["text"], m["text"]) for n in ev.names for m in ctx.names)), None)
            if chosen is None and cur is not None and not events[cur].names and fits_(events[cur], ctx):
                chosen = cur
        elif cur is not None and fits_(events[cur], ctx, ctx.incident_noun or ctx.kind == "commemoration"):
            chosen = cur
        elif cur is not None:
            chosen = next((k for k, ev in enumerate(events) if ev.kind == ctx.kind
                           and fits_(ev, ctx, ctx.incident_noun or ctx.kind == "commemoration")), None)
        if chosen is None:
            events.append(Event(ctx.kind, ctx.sentence_start if ctx.kind == "statistics" else pos))
            chosen = len(events) - 1
            if ctx.kind == "incident" and not ctx.dates and pos < lede_end:
                events[chosen].provisional = provisional
        ev = events[chosen]
        for attr in ("names", "dates", "places"):
            if not getattr(ev, attr):
                setattr(ev, attr, list(getattr(ctx, attr)))
        ev.nouns |= ctx.nouns
        current[ctx.kind] = chosen
        out.append(chosen)
    return events, out


class _DocView:
    """One document as the events stage reads it. What several facts, events or
    sentences of the document share (the entities and dates of a sentence, its lemmas,
    its statistics phrases; where a place or a date hangs in the parse) is computed on
    first use and looked up after (:meth:`once`); keys are original offsets (or token
    indices) and nothing outlives the document. Lemmas come from one
    ``Doc.to_array("LEMMA")`` (ints) instead of a Token object per word."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.memo: dict[tuple, Any] = {}
        parsed = doc.parsed
        self._lemma_ids: list[int] = parsed.to_array("LEMMA").tolist() if parsed is not None and len(parsed) else []
        self._strings = parsed.vocab.strings if parsed is not None else None

    def once(self, key: tuple, compute: Callable[..., Any], *args: Any) -> Any:
        """``compute(*args)`` the first time ``key`` is asked for; its stored value after."""
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = compute(*args)
            return value

    def inside(self, s0: int, s1: int) -> tuple[list[dict], list[dict]]:
        """(entities, dates entries) lying within original offsets [s0, s1), in layer order."""
        return self.once(("inside", s0, s1), self._inside, s0, s1)

    def _inside(self, s0: int, s1: int) -> tuple[list[dict], list[dict]]:
        doc = self.doc
        return ([x for x in doc.entities if s0 <= x["start"] and x["end"] <= s1],
                [x for x in doc.dates if s0 <= x["start"] and x["end"] <= s1])

    def lemmas(self, i0: int, i1: int) -> set[str]:
        """Lower-case lemmas of tokens [i0, i1) of the parse (``Token.lemma_.lower()``);
        the caller must not change the set."""
        return self.once(("lemmas", i0, i1), self._lemmas, i0, i1)

    def _lemmas(self, i0: int, i1: int) -> set[str]:
        strings = self._strings
        return {strings[h].lower() for h in set(self._lemma_ids[i0:i1])}


class EventsStage:
    name = "events"
    requires = ("parsed", "sentences", "entities", "dates", "facts")
    assigns = ("events",)

    def __init__(self, lexicon: Path):
        self.path = lexicon
        self.lexicon = load_events_lexicon(lexicon)

    def _context(self, ix: _DocView, fact: dict, sent: tuple[int, int], parse_sent) -> Context:
        lex = self.lexicon
        doc = ix.doc
        s0, s1 = sent
        text = doc.text[s0:s1]
        ents, _ = ix.inside(s0, s1)
        dates = [d for d in ix.once(("dated", s0, s1), self._dated, ix, s0, s1)
                 if not self._dates_report(ix, d, fact) and not self._state_time(doc.text, d)]
        places = ix.once(("where", s0, s1), self._locative_places, ix, s0, s1)
        lemmas = ix.lemmas(parse_sent.start, parse_sent.end) if parse_sent is not None else set()
        if self._statistics(ix, fact, s0, s1):
            kind = "statistics"
        elif fact["type"] == "participants" and self._commemorative(ix, parse_sent, text):
            kind = "commemoration"
        elif fact.get("trigger") and doc.text[fact["trigger"]["start"]:fact["trigger"]["end"]].lower() in lex.episode:
            kind = "episode"  # "the deportation of 200,000": a displacement over years, not the attack
        else:
            kind = "incident"
        if kind == "commemoration":
            dates = [d for d in dates if not self._incident_date(ix, d, (s0, s1))]
        else:
            dates = [d for d in dates if not self._talk_date(ix, d)]
        # An incident's name in a sentence about its commemoration names the incident, not the gathering.
        names = [e for e in ents if e["label"] == "EVENT"] if kind == "incident" else []
        dates = self._nearest(dates, fact)
        if kind == "incident" and len(dates) > 1:
            # the incident's own date first ("Saturday's disorder", "the attack of 3 May"):
            # arrests counted "since Sunday morning" still belong to Saturday's incident
            dates.sort(key=lambda d: not self._incident_date(ix, d, (s0, s1)))
        return Context(kind, self._nearest(names, fact), dates,
                       self._ranked_places(ix, places, (fact.get("trigger") or fact["number"])["start"]),
                       bool(lemmas & lex.incident), s0, nouns=frozenset(lemmas & lex.incident))

    def _dated(self, ix: _DocView, s0: int, s1: int) -> list[dict]:
        """Dates entries of the sentence [s0, s1) that can date an event (:func:`is_dating`)
        and are not the document's own date (same start and end)."""
        lex = self.lexicon
        doc_date = ix.doc.doc_date or {}
        return [d for d in ix.inside(s0, s1)[1] if is_dating(d, lex.date_words)
                and not (d["start"] == doc_date.get("start") and d["end"] == doc_date.get("end"))]

    def _locative_places(self, ix: _DocView, s0: int, s1: int) -> list[dict]:
        """GPE/LOC/FAC entities of the sentence [s0, s1) named where something happened
        (:meth:`_locative`), in layer order."""
        return [e for e in ix.inside(s0, s1)[0] if e["label"] in PLACE_LABELS
                and ix.once(("locative", e["start"], e["end"]), self._locative, ix, e)]

    def _attacked_once(self, ix: _DocView, entity: dict) -> bool:
        """:meth:`_attacked`, once per entity of the document."""
        return ix.once(("attacked", entity["start"], entity["end"]), self._attacked, ix.doc, entity)

    def _talk_date(self, ix: _DocView, when: dict) -> bool:
        """:meth:`_dates_talk`, once per dates entry of the document."""
        return ix.once(("talk", when["start"], when["end"]), self._dates_talk, ix.doc, when)

    def _incident_date(self, ix: _DocView, when: dict, sent: Optional[tuple[int, int]]) -> bool:
        """:meth:`_dates_incident` with the entities of sentence ``sent`` (all the
        document's with None), once per dates entry and sentence."""
        ents = ix.inside(*sent)[0] if sent is not None else ix.doc.entities
        return ix.once(("incident", sent, when["start"], when["end"]), self._dates_incident, ix.doc, when, ents)

    def _dates_talk(self, doc: Document, when: dict) -> bool:
        """A date that hangs on a word of speaking, writing or deciding (``report_words``:
        "Addressing the session ... on March 7, 1991", "in his speech of 12 March", "a
        letter dated 5 June", "adopted a decision on 5 June"): it dates what was said
        later about an incident, not the incident. Climbs at most four heads from the
        date and stops at the first verb."""
        if doc.parsed is None or not self.lexicon.report_words:
            return False
        span = doc.tokens(when["start"], when["end"])
        if span is None:
            return False
        tok = span.root
        for _ in range(4):
            if tok.head.i == tok.i:
                return False
            tok = tok.head
            if tok.lemma_.lower() in self.lexicon.report_words and not any(c.dep_ == "prt" for c in tok.children):
                return True  # not a verb with a particle ("put down the uprising")
            if tok.pos_ in ("VERB", "AUX") or tok.lemma_.lower() in self.lexicon.incident:
                return False
        return False

    def _purpose_place(self, doc: Document, entity: dict) -> bool:
        """Whether a place hangs in a clause of purpose, an infinitive that is no incident
        ("in order to suppress the movement in Azerbaijan, ... massacres were committed in
        Baku"): it names what was aimed at, not where it happened. Climbs at most six
        heads, to the first verb."""
        if doc.parsed is None:
            return False
        span = doc.tokens(entity["start"], entity["end"])
        if span is None:
            return False
        tok = span.root
        for _ in range(6):
            if tok.head.i == tok.i:
                return False
            tok = tok.head
            if tok.pos_ in ("VERB", "AUX"):
                lemma = tok.lemma_.lower()
                return (tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
                        and lemma not in self.lexicon.incident and lemma not in self.lexicon.object_verbs)
        return False

    def _relative_place(self, text: str, entity: dict) -> bool:
        """A place named only as a reference point at a distance ("a town 60 km north of
        Valmora", "40 nautical miles south of Lampedusa"): a word of ``distance_units``
        before the compass word before "of"."""
        before = WORD.findall(text[max(0, entity["start"] - 40):entity["start"]].lower())
        while before and before[-1] in ("the", "a", "an"):
            before.pop()
        return (len(before) >= 3 and before[-1] == "of" and before[-3] in self.lexicon.distance_units)

    def _ranked_places(self, ix: _DocView, places: list[dict], anchor: Optional[int] = None) -> list[dict]:
        """Places of a sentence: the object of a verb of attack (:meth:`_attacked`) first,
        then the nearest ``anchor`` (an offset), or in text order without one. Places in a
        clause of purpose (:meth:`_purpose_place`), named as a reference point
        (:meth:`_relative_place`) or only locating another place (:meth:`_container_place`)
        are dropped when the sentence has another place, else kept. Each test runs once
        per entity of the document."""
        doc = ix.doc
        ranked = sorted(places, key=lambda e: (not self._attacked_once(ix, e),  # the target of an attack first
                                               abs(e["start"] - anchor) if anchor is not None else e["start"]))
        plain = [e for e in ranked if not ix.once(("aside", e["start"], e["end"]), self._aside_place, doc, e)]
        return plain or ranked

    def _aside_place(self, doc: Document, entity: dict) -> bool:
        """A place only aimed at, measured from or holding another place
        (:meth:`_relative_place`, :meth:`_purpose_place`, :meth:`_container_place`)."""
        return (self._relative_place(doc.text, entity) or self._purpose_place(doc, entity)
                or self._container_place(doc, entity))

    def _container_place(self, doc: Document, entity: dict) -> bool:
        """A place that only locates another place ("stormed Kestrel and other towns in
        Norland", "the village of Ordan in Norland"): its preposition hangs on a noun of
        places or on a place name."""
        if doc.parsed is None:
            return False
        span = doc.tokens(entity["start"], entity["end"])
        if span is None:
            return False
        root = span.root
        if root.dep_ != "pobj" or root.head.dep_ != "prep" or root.head.lower_ not in ("in", "of"):
            return False
        holder = root.head.head
        if root.head.lower_ == "of" and holder.lemma_.lower() in self.lexicon.place_nouns:
            return False  # "the town of Khojaly" names the place itself
        return holder.lemma_.lower() in self.lexicon.place_nouns or holder.lower_ in self.lexicon.place_nouns \
            or holder.ent_type_ in PLACE_LABELS

    def _locative(self, ix: _DocView, entity: dict) -> bool:
        """A place where something happened: after a locative preposition ("in Baku",
        "near Halmeag", "off Lampedusa"), after "of" behind a noun of places ("the town of
        Khojaly", "the territory of present-day Armenia": words of ``modifiers`` are
        skipped like articles), before an incident noun ("Kramatorsk station strike"),
        or, with the document parsed, the object of a verb of attack ("troops attacked
        Baku"; that test is shared with :meth:`_ranked_places`); not a possessor
        ("Armenia's forces") nor a subject ("Ukrzaliznytsia reported")."""
        by_words = self._locative_words(ix.doc.text, entity)
        if by_words is not None:
            return by_words
        return self._attacked_once(ix, entity)

    def _locative_words(self, text: str, entity: dict) -> Optional[bool]:
        """What the words around the place tell of :meth:`_locative`: False for a
        possessor, True after a locative preposition, after "of" behind a noun of places
        or before an incident noun; None when only the parse can tell."""
        if is_possessor(text, entity):
            return False
        before = WORD.findall(text[max(0, entity["start"] - 40):entity["start"]].lower())
        while before and (before[-1] in ("the", "a", "an") or before[-1] in self.lexicon.place_modifiers):
            before.pop()
        if before and before[-1] in self.lexicon.locative:
            return True
        if (len(before) >= 2 and before[-1] == "of" and before[-2] in self.lexicon.place_nouns
                and not (len(before) >= 3 and (before[-3] in self.lexicon.place_quantifiers
                                               or before[-3].replace(",", "").replace(".", "").isdigit()))):
            return True  # "the town of Khojaly"; not "several districts of X"
        after = LOWER_WORD.findall(text[entity["end"]:entity["end"] + 40].lower())[:2]
        if any(w in self.lexicon.incident for w in after):
            return True
        return None

    def _attacked(self, doc: Document, entity: dict) -> bool:
        """The place is the object (or a conjunct of the object) of a verb of
        ``object_verbs`` ("26,000 troops attacked Baku and other cities", "shelled the
        town of ...")."""
        if doc.parsed is None or not self.lexicon.object_verbs:
            return False
        span = doc.tokens(entity["start"], entity["end"])
        if span is None:
            return False
        tok = span.root
        while tok.dep_ == "conj" and tok.head.i != tok.i:
            tok = tok.head
        return tok.dep_ == "dobj" and tok.head.lemma_.lower() in self.lexicon.object_verbs


    def _statistics(self, ix: _DocView, fact: dict, s0: int, s1: int) -> bool:
        """Whether a statistics phrase ("this year", "so far in 2024") of the sentence
        [s0, s1) qualifies the fact's own clause: it hangs (directly or through a
        preposition) on the figure, its trigger, or a word between them and their verb
        ("has recorded 762 murders this year"; not "victims identified over the last
        year", another clause). The phrases of a sentence are found once
        (:meth:`_statistics_heads`)."""
        doc = ix.doc
        if self.lexicon.statistics_re is None or doc.parsed is None:
            return False
        heads = ix.once(("statistics", s0, s1), self._statistics_heads, doc, s0, s1)
        if heads is None:
            return False
        anchors = set()
        for item in (fact["number"], fact.get("trigger")):
            if not item:
                continue
            span = doc.tokens(item["start"], item["end"])
            if span is None:
                continue
            for tok in span:
                anchors.add(tok.i)
                for anc in tok.ancestors:
                    anchors.add(anc.i)
                    if anc.pos_ in ("VERB", "AUX"):
                        break
        return any(root in anchors or head in anchors for root, head in heads)

    def _statistics_heads(self, doc: Document, s0: int, s1: int) -> Optional[list[tuple[int, int]]]:
        """The statistics phrases of the sentence [s0, s1) as (token index of the phrase's
        root, of what it hangs on: the preposition's head for the object of one); None
        when no phrase is there."""
        matches = list(self.lexicon.statistics_re.finditer(doc.text[s0:s1]))  # a slice: no look behind s0
        if not matches:
            return None
        heads = []
        for m in matches:
            span = doc.tokens(s0 + m.start(), s0 + m.end())
            if span is None:
                continue
            root = span.root
            head = root.head.head if root.dep_ == "pobj" else root.head
            heads.append((root.i, head.i))
        return heads

    def _paragraph_frame(self, ix: _DocView, sentences: list[dict], k: int, ctx: Context) -> None:
        """A fact's sentence without date or place takes them from the earlier sentences
        of its paragraph when one of them names an incident (the nearest date and place
        found): "Four days later, on 20 April, our ship found a boat south of Lampedusa.
        The boat had capsized. ... 12 are missing". ``k`` indexes ``sentences``; ``ctx``
        is filled in place. What the paragraph gives is found once per sentence and
        whether ``ctx`` has dates and places (:meth:`_frame_before`)."""
        has_dates, has_places = bool(ctx.dates), bool(ctx.places)
        nouns, dates, places = ix.once(("frame", k, has_dates, has_places), self._frame_before,
                                       ix, sentences, k, has_dates, has_places)
        if nouns and ((dates and not ctx.dates) or (places and not ctx.places)):
            ctx.dates, ctx.places = ctx.dates or list(dates), ctx.places or list(places)
            ctx.incident_noun = True
            ctx.nouns = ctx.nouns | frozenset(nouns)

    def _frame_before(self, ix: _DocView, sentences: list[dict], k: int, has_dates: bool,
                      has_places: bool) -> tuple[set[str], list[dict], list[dict]]:
        """(incident words, nearest dates, nearest places) of the sentences before
        ``sentences[k]`` in its paragraph, looking back until it has an incident word and
        dates (unless ``has_dates``) and places (unless ``has_places``). The lists are
        shared: do not change them."""
        lex = self.lexicon
        text = ix.doc.text
        nouns: set = set()
        dates: list = []
        places: list = []
        for j in range(k - 1, -1, -1):
            if "\n\n" in text[sentences[j]["end"]:sentences[j + 1]["start"]]:
                break  # a blank line ends the paragraph
            s0, s1 = sentences[j]["start"], sentences[j]["end"]
            nouns |= self._lemmas(ix, s0, s1) & lex.incident
            dates = dates or self._frame_dates(ix, s0, s1)
            places = places or self._frame_places(ix, s0, s1)
            if nouns and (dates or has_dates) and (places or has_places):
                break
        return nouns, dates, places

    def _frame_dates(self, ix: _DocView, s0: int, s1: int) -> list[dict]:
        """Dates of another sentence [s0, s1) that can date an incident: dating, not at
        the document date's start, not on a word of speaking (:meth:`_dates_talk`).
        Shared by all callers: do not change the list."""
        return ix.once(("frame dates", s0, s1), self._frame_dates_of, ix, s0, s1)

    def _frame_dates_of(self, ix: _DocView, s0: int, s1: int) -> list[dict]:
        return [d for d in ix.once(("narrative dates", s0, s1), self._narrative_dates, ix, s0, s1)
                if not self._talk_date(ix, d)]

    def _narrative_dates(self, ix: _DocView, s0: int, s1: int) -> list[dict]:
        """Dating entries of the sentence [s0, s1) not at the document date's start."""
        doc = ix.doc
        return [d for d in ix.inside(s0, s1)[1] if is_dating(d, self.lexicon.date_words)
                and not (doc.doc_date and d["start"] == doc.doc_date.get("start"))]

    def _frame_places(self, ix: _DocView, s0: int, s1: int) -> list[dict]:
        """Where-places of another sentence [s0, s1), ranked in text order
        (:meth:`_ranked_places`). Shared by all callers: do not change the list."""
        return ix.once(("frame places", s0, s1), lambda: self._ranked_places(
            ix, ix.once(("where", s0, s1), self._locative_places, ix, s0, s1)))

    def _lemmas(self, ix: _DocView, start: int, end: int) -> set[str]:
        """Lower-case words and lemmas of a stretch of the original text ("struck" ->
        "strike", "capsized" -> "capsize"), once per stretch; do not change the set."""
        return ix.once(("words", start, end), self._words_and_lemmas, ix, start, end)

    @staticmethod
    def _words_and_lemmas(ix: _DocView, start: int, end: int) -> set[str]:
        doc = ix.doc
        words = set(LOWER_WORD.findall(doc.text[start:end].lower()))
        span = doc.tokens(start, end)
        if span is not None:
            words |= ix.lemmas(span.start, span.end)
        return words

    def _state_time(self, text: str, when: dict) -> bool:
        """"as of 09:00 today", "by Wednesday": the time a count stood at, not when the
        event happened."""
        before = " ".join(text[max(0, when["start"] - 20):when["start"]].lower().split())
        return any(before.endswith(signal) for signal in self.lexicon.state_signals)

    def _commemorative(self, ix: _DocView, parse_sent, text: str) -> bool:
        """A commemoration word in the sentence or the one before ("held a memorial
        evening in The Hague. About 60 guests ...")."""
        lex = self.lexicon
        doc = ix.doc
        sents = [parse_sent] if parse_sent is not None else []
        if parse_sent is not None and parse_sent.start > 0:
            sents.append(doc.parsed[parse_sent.start - 1].sent)
        for sent in sents:
            if ix.lemmas(sent.start, sent.end) & lex.commemoration:
                return True
            if lex.commemoration_re and lex.commemoration_re.search(sent.text):
                return True
        return bool(lex.commemoration_re and lex.commemoration_re.search(text))

    def _dates_report(self, ix: _DocView, when: dict, fact: dict) -> bool:
        """A date that hangs on the verb that reports the figure ("stated earlier this
        month that 312 remained in custody") dates the report, not the event."""
        cue = (fact.get("attribution") or {}).get("cue")
        if not cue:
            return False
        return ix.once(("report", when["start"], when["end"], cue["start"], cue["end"]),
                       self._hangs_on, ix.doc, when, cue)

    @staticmethod
    def _hangs_on(doc: Document, when: dict, cue: dict) -> bool:
        """Whether the date ``when`` hangs on the word at ``cue`` (original spans), climbing
        at most four heads and stopping at the first verb."""
        span = doc.tokens(when["start"], when["end"])
        if span is None:
            return False
        c0, c1 = doc.textmap.span_to_normalised(cue["start"], cue["end"])
        tok = span.root
        for _ in range(4):
            tok = tok.head
            if c0 <= tok.idx < c1:
                return True
            if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
                return False
        return False

    def _dates_incident(self, doc: Document, when: dict, entities: list[dict]) -> bool:
        """A date that belongs to an incident noun ("the 1995 Srebrenica massacre",
        "the massacre of July 1995") or lies inside an EVENT name: in a sentence about a
        commemoration it dates the incident remembered, not the gathering."""
        if any(e["label"] == "EVENT" and e["start"] <= when["start"] and when["end"] <= e["end"] for e in entities):
            return True
        span = doc.tokens(when["start"], when["end"])
        if span is None:
            return False
        head = span.root
        for _ in range(4):  # "1995" -> "Srebrenica" -> "massacre"; "of July 1995" -> "massacre"
            if head.dep_ in ("compound", "nummod", "nmod", "amod", "poss", "pobj") and head.head.i != head.i:
                head = head.head.head if head.dep_ == "pobj" else head.head
                if head.lemma_.lower() in self.lexicon.incident:
                    return True
            else:
                break
        return head.lemma_.lower() in self.lexicon.incident

    @staticmethod
    def _nearest(items: list[dict], fact: dict) -> list[dict]:
        """Items of the sentence, the one nearest the fact's trigger first."""
        anchor = (fact.get("trigger") or fact["number"])["start"]
        return sorted(items, key=lambda d: abs(d["start"] - anchor))


    def __call__(self, doc: Document) -> Document:
        doc.events = []
        if not doc.facts:
            return doc
        ix = _DocView(doc)
        sentences = doc.sentences or [{"start": 0, "end": len(doc.text)}]
        starts = [s["start"] for s in sentences]
        parse_sents = list(doc.parsed.sents) if doc.parsed is not None else []
        p_starts = [s.start_char for s in parse_sents]
        contexts, positions = [], []
        order = sorted(range(len(doc.facts)), key=lambda i: doc.facts[i]["number"]["start"])
        for i in order:
            fact = doc.facts[i]
            k = max(bisect.bisect_right(starts, fact["number"]["start"]) - 1, 0)
            sent = (sentences[k]["start"], sentences[k]["end"])
            ps = None
            if parse_sents:
                n0, _ = doc.textmap.span_to_normalised(fact["number"]["start"], fact["number"]["end"])
                ps = parse_sents[max(bisect.bisect_right(p_starts, n0) - 1, 0)]
            ctx = self._context(ix, fact, sent, ps)
            ctx.paragraph = ix.once(("paragraph", sent[0]), doc.text.count, "\n\n", 0, sent[0])
            if ctx.kind == "incident" and not (ctx.dates and ctx.places):
                self._paragraph_frame(ix, sentences, k, ctx)
            contexts.append(ctx)
            positions.append(fact["number"]["start"])
        lede_end = sentences[min(self.lexicon.lede_sentences, len(sentences)) - 1]["end"]
        provisional = point_date((doc.doc_date or {}).get("value"))
        events, chosen = group_facts(contexts, positions, self.lexicon.update_window_days, provisional,
                                     lede_end, self.lexicon.provisional_window_days)
        self._fill_from_narrative(ix, events, contexts, chosen)
        taken = {" ".join(n["text"].lower().split()) for ev in events for n in ev.names}
        for ev in events:
            if ev.kind == "incident" and not ev.names:
                name = next((e for e in doc.entities if e["label"] == "EVENT" and name_fits(e, ev, doc.dates)
                             and " ".join(e["text"].lower().split()) not in taken), None)
                if name:
                    ev.names = [name]
        # ids in order of first mention (the event's first fact or its name, whichever is earlier)
        firsts = []
        for k, ev in enumerate(events):
            name = self._first_mention(doc.entities, ev.names[0]["text"], ("EVENT",)) if ev.names else None
            firsts.append(min(ev.first, name["start"]) if name else ev.first)
        rank = {k: r for r, k in enumerate(sorted(range(len(events)), key=lambda k: firsts[k]))}
        doc.events = [None] * len(events)  # type: ignore[list-item]
        for k, ev in enumerate(events):
            doc.events[rank[k]] = self._record(doc, ev, rank[k])
        for i, k in zip(order, chosen):
            doc.facts[i]["event"] = f"e{rank[k] + 1}"
        doc.provenance["events"] = [{"id": f"e{rank[k] + 1}", "kind": ev.kind} for k, ev in enumerate(events)]
        return doc

    def _fill_from_narrative(self, ix: _DocView, events: list[Event], contexts: list[Context],
                             chosen: list[int]) -> None:
        """An incident without a date or place in its facts' sentences takes each from the
        nearest earlier sentence that has an incident noun and gives it ("the attack
        carried out in Valmora on Monday, 12 May" in the opening for an event whose
        sentences name only the town); a commemoration from the nearest sentence
        (before or after) with a commemoration word. What a sentence gives is found once
        per document (:meth:`_frame_dates`, :meth:`_frame_places`)."""
        doc = ix.doc
        if not doc.sentences or doc.parsed is None:
            return
        lex = self.lexicon
        for k, ev in enumerate(events):
            if ev.kind == "statistics" or (ev.dates and ev.places):
                continue
            first_fact = min(ctx.sentence_start for ctx, c in zip(contexts, chosen) if c == k)
            before = list(reversed([s for s in doc.sentences if s["end"] <= first_fact]))
            after = [s for s in doc.sentences if s["start"] > first_fact]
            words_of = lex.incident if ev.kind == "incident" else lex.commemoration
            # an incident looks back first, then (highlights before the narrative) forward
            candidates = before + after if ev.kind == "incident" else sorted(
                before + after, key=lambda s: abs(s["start"] - first_fact))
            for sent in candidates:
                s0, s1 = sent["start"], sent["end"]
                if ev.kind == "commemoration":
                    dates = [d for d in ix.once(("narrative dates", s0, s1), self._narrative_dates, ix, s0, s1)
                             if not self._incident_date(ix, d, None)]
                else:
                    dates = self._frame_dates(ix, s0, s1)
                places = self._frame_places(ix, s0, s1)
                if not ((dates and not ev.dates) or (places and not ev.places)):
                    continue
                if not self._lemmas(ix, s0, s1) & words_of:
                    continue
                if not ev.dates and dates:
                    ev.dates = list(dates)
                if not ev.places and places:
                    ev.places = list(places)
                if ev.dates and ev.places:
                    break  # else look further back for what is still missing

    @staticmethod
    def _first_mention(items: list[dict], text: str, labels: tuple[str, ...], key: str = "text") -> Optional[dict]:
        for item in items:
            if item.get("label", labels[0]) in labels and _same_name(item[key], text):
                return item
        return None

    def _record(self, doc: Document, ev: Event, rank: int) -> dict:
        name = self._first_mention(doc.entities, ev.names[0]["text"], ("EVENT",)) if ev.names else None
        place = self._first_mention(doc.entities, ev.places[0]["text"], PLACE_LABELS) if ev.places else None
        when = None
        if ev.dates:
            value = ev.dates[0]["value"]
            when = next((d for d in doc.dates if d.get("value") == value), ev.dates[0])
        return {
            "id": f"e{rank + 1}",
            "name": {k: name[k] for k in ("start", "end", "text")} if name else None,
            "date": {k: when[k] for k in ("start", "end", "text", "value")} if when else None,
            "place": {k: place[k] for k in ("start", "end", "text")} if place else None,
        }
