"""Events stage: which facts count the people of one event (made-up sentences)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
import re

from pipeline.stages.events import (Context, _DocView, _phrase_re, dates_conflict, group_facts, is_dating,
                                    load_events_lexicon, point_date)


@pytest.mark.parametrize("value,expected", [
    ("1990-01-20", (date(1990, 1, 20), date(1990, 1, 20))),
    ("1990-01", (date(1990, 1, 1), date(1990, 1, 31))),
    ("1990", (date(1990, 1, 1), date(1990, 12, 31))),
    ("198X", (date(1980, 1, 1), date(1989, 12, 31))),
    ("1988-02/1988-09", (date(1988, 2, 1), date(1988, 9, 30))),
    ("P3D", None), ("PRESENT_REF", None), ("XXXX-01-20", None), (None, None),
])
def test_point_date(value, expected):
    assert point_date(value) == expected


@pytest.mark.parametrize("a,b,conflict", [
    ("2022-04-08", "2022-04-10", False),  # a toll update two days later
    ("2022-04-08", "2022-04-07", False),  # the eve
    ("2025-05-12", "2025-02-03", True),   # three months before
    ("2025-10-22", "2025-10-08", True),   # two weeks before
    ("1990-01-20", "2024-01-20", True),   # an anniversary
    ("1990-01-20", "1990", False),        # the year holds the day
    ("1988-03-16", "1988-02/1988-09", False),
    ("2022-04-08", "2022-04-06", True),   # people who left two days before the strike
])
def test_dates_conflict(a, b, conflict):
    assert dates_conflict(point_date(a), point_date(b), 7) is conflict


@pytest.mark.parametrize("item,ok", [
    ({"text": "12 May 2025", "value": "2025-05-12"}, True),
    ({"text": "yesterday", "value": "2025-05-14"}, True),
    ({"text": "34", "value": "2034"}, False),          # a bare number read as a year
    ({"text": "10:30 a.m.", "value": "2025-05-12"}, False),  # a clock time
    ({"text": "five days", "value": "P5D"}, False),
])
def test_is_dating(item, ok):
    lex = load_events_lexicon(load_config().events.lexicon)
    assert is_dating(item, lex.date_words) is ok


def _ctx(kind="incident", value=None, place=None, noun=False, start=0):
    dates = [{"start": start, "end": start + 1, "text": value, "value": value}] if value else []
    places = [{"start": start, "end": start + 1, "text": place}] if place else []
    return Context(kind, [], dates, places, noun, start)


def test_group_facts_rules():
    contexts = [
        _ctx(value="2025-05-12", place="Valmora", noun=True, start=0),  # the bombing
        _ctx(start=10),                                                  # a later figure, no frame
        _ctx(value="2025-05-14", start=20),                              # a toll update
        _ctx(value="2025-02-03", place="Qarzin", noun=True, start=30),   # an earlier attack
        _ctx("commemoration", value="2025-06-01", start=40),
        _ctx("statistics", start=50), _ctx("statistics", start=50),      # one sentence of statistics
    ]
    events, chosen = group_facts(contexts, [c.sentence_start for c in contexts], 7)
    assert chosen[:3] == [0, 0, 0]
    assert len({chosen[0], chosen[3], chosen[4], chosen[5]}) == 4
    assert chosen[5] == chosen[6]
    assert [ev.kind for ev in events] == ["incident", "incident", "commemoration", "statistics"]


def test_undated_lede_event_is_near_the_document_date():
    contexts = [_ctx(start=0), _ctx(value="2019-04", start=100)]
    _, chosen = group_facts(contexts, [0, 100], 7, point_date("2025-03-17"), lede_end=50)
    assert chosen == [0, 1]
    _, chosen = group_facts(contexts, [0, 100], 7, None, lede_end=50)
    assert chosen == [0, 0]  # without a document date nothing tells them apart


PHRASES = ["this year", "so far this year", "annual", "annually", "a year", "per month"]


def _per_phrase(phrases: list[str]) -> re.Pattern:
    """The form _phrase_re had before: a word-boundary check around each phrase."""
    words = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)


@pytest.mark.parametrize("text,found", [
    ("762 murders this year", ["this year"]),
    ("So far this year, 12 attacks", ["So far this year"]),      # the longest phrase wins
    ("ANNUALLY and annual", ["ANNUALLY", "annual"]),
    ("semiannual reports, annualised figures", []),              # inside a word: no match
    ("this yearly report", []),
    ("twice a year, 3 per month", ["a year", "per month"]),
    ("this-year totals", []),                                    # not the phrase: "this-year"
    ("", []),
])
def test_phrase_re_matches_whole_phrases_as_before(text, found):
    pattern = _phrase_re(PHRASES)
    assert [m.group() for m in pattern.finditer(text)] == found
    # same matches as a boundary check around each phrase (the check now sits outside the alternation)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in _per_phrase(PHRASES).finditer(text)]


def test_phrase_re_without_phrases_is_none():
    assert _phrase_re(["", "  "]) is None


@pytest.mark.model
def test_doc_view_lemmas_are_the_tokens_lemmas(process):
    doc = process("Missiles struck the station on 8 April 2022. The strikes killed 50 people and injured 98.")
    view = _DocView(doc)
    for sent in doc.parsed.sents:
        assert view.lemmas(sent.start, sent.end) == {t.lemma_.lower() for t in sent}
    assert "strike" in view.lemmas(0, len(doc.parsed))


@pytest.mark.model
def test_events_of_a_document_do_not_depend_on_the_one_before(process):
    first = "On 12 May 2025 a car bomb exploded in the market of Valmora, killing 41 people."
    second = ("Soviet troops killed 131 civilians in Baku in January 1990. On 20 January 2025 thousands of "
              "people attended the commemoration ceremony at the Alley of Martyrs.")
    alone = process(second)
    process(first)
    again = process(second)
    assert again.events == alone.events
    assert [f["event"] for f in again.facts] == [f["event"] for f in alone.facts]


# (text, groups of fact values that share one event, values that stand apart)
CASES = [
    ("On 12 May 2025 a car bomb exploded in the market of Valmora, killing 41 people. Another 112 were "
     "injured, the health ministry said. Three months ago, on 3 February 2025, a suicide bomber killed 17 "
     "people at the bus station of Qarzin.", [{41, 112}, {17}]),
    ("Soviet troops killed 131 civilians in Baku in January 1990. On 20 January 2025 thousands of people "
     "attended the commemoration ceremony at the Alley of Martyrs.", [{131}, {1000}]),
    ("The city has recorded 762 murders this year. On Monday a gunman killed 4 people at a motel in Lakeview.",
     [{762}, {4}]),
    ("The strike on the station killed 50 people on 8 April 2022. By 10 April the number of people killed "
     "had risen to 57, the prosecutor said.", [{50, 57}]),
    ("Police detained 23 people after the match on Saturday. Nine officers were injured.", [{23, 9}]),
    # a report time ("as of", "by") does not date the event
    ("As of 09:00 on 22 October, police had detained 14 people after the attack on a checkpoint near Dolna. "
     "The attack on 19 October killed 2 officers.", [{14, 2}]),
    # an aside about an earlier attack, then a new paragraph back on the main incident
    ("A car bomb killed 41 people in the market of Valmora on 12 May 2025.\n\nIn October 2019 a bomb at the "
     "bus station of Qalat killed 63 people.\n\nAbout 2,300 residents have fled their homes.", [{41, 2300}, {63}]),
    # two incidents in one release: the second paragraph's frame (a date and place in its
    # earlier sentences, an incident word in its heading) makes its figures another event
    ("24 April 2025\n\nOn Wednesday 16 April two missiles struck the clinic in Kafr Haddan. Nine people were killed.\n\n"
     "Boat capsizes before rescue\nFour days later, on Sunday 20 April, our ship found a boat south of "
     "Lampedusa. At least 12 people are missing.", [{9}, {12}]),
    # a march, then the next day shootings at its rallies in another town: a sentence without an
    # incident word (people marched) is no incident of another kind than the shooting
    ("On 3 May 2021 some 20,000 people marched in Leeds and York. On 4 May 2021 police shot 3 protesters "
     "dead in York.", [{20000, 3}]),
    # a crackdown spreading to another city the next day stays one event
    ("On 8 October police dispersed a protest in Drevnik, killing 3 people. On 9 October police dispersed "
     "rallies in Halmar and detained 40 people.", [{3, 40}]),
]


@pytest.mark.model
@pytest.mark.parametrize("text,groups", CASES, ids=[c[0][:50] for c in CASES])
def test_event_groups(process, text, groups):
    doc = process(text)
    by_event: dict[str, set] = {}
    for fact in doc.facts:
        assert fact["event"] is not None
        by_event.setdefault(fact["event"], set()).add(fact["value"])
    assert sorted(map(sorted, by_event.values())) == sorted(map(sorted, groups))
    assert [e["id"] for e in doc.events] == [f"e{i + 1}" for i in range(len(doc.events))]


@pytest.mark.model
def test_event_fields_are_first_mentions_and_ids_follow_the_text(process):
    text = ("Soviet troops killed 131 civilians in Baku in January 1990. On 20 January 2025 thousands of people "
            "attended the commemoration ceremony at the Alley of Martyrs.")
    doc = process(text)
    first, second = doc.events
    assert first["date"]["text"] == "January 1990" and first["date"]["value"] == "1990-01"
    assert first["place"]["text"] == "Baku"
    assert second["date"]["value"] == "2025-01-20"
    for event in doc.events:
        for key in ("name", "date", "place"):
            if event[key]:
                assert text[event[key]["start"]:event[key]["end"]] == event[key]["text"]
    assert doc.facts[0]["event"] == "e1" and doc.facts[1]["event"] == "e2"


def test_lexicon_schema_rejects_unknown_keys(tmp_path):
    bad = tmp_path / "events.toml"
    bad.write_text('[kinds]\nincident = ["attack"]\ncommemoration = []\nparade = []\n'
                   '[statistics]\nphrases = []\n[places]\nlocative = ["in"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="parade"):
        load_events_lexicon(bad)


# (text, expected (date value or None, place text or None) of the event of the facts)
FIELDS = [
    # a later speech, session, letter or decision about the incident does not date it
    ("On the night of 3-4 May 1998 troops opened fire on a crowd in Kestrel, killing 60 people.\n\n"
     "Addressing the session of parliament on 9 June 1999, the minister recalled that 60 people were killed.",
     ("1998-05-03/1998-05-04", "Kestrel")),
    ("Militia attacked the village of Ordan in March 2004. In his speech of 12 March 2010, the president "
     "said that 35 villagers were killed in the raid.", ("2004-03", "Ordan")),
    ("A landslide buried homes in Marrow on 2 August 2016. In a letter dated 5 September 2016, the mayor "
     "wrote that 14 residents had died.", ("2016-08-02", "Marrow")),
    # kept: a date of the incident in the figure's own sentence dates it
    ("On 9 June 1999 soldiers shot 12 protesters in Kestrel.", ("1999-06-09", "Kestrel")),
    # a place in a clause of purpose, or a country that holds the place, is not where it happened
    ("In order to crush the strike movement in Norland, on 4 May 1980 troops fired on workers in the "
     "city of Pelt. The shooting killed 23 workers.", ("1980-05-04", "Pelt")),
    ("On 2 March 1991 forces stormed Vukovar and other towns in Croatia, killing 80 civilians.",
     ("1991-03-02", "Vukovar")),
    ("On 7 July 2001 a flood killed 40 people in Leeds and several districts of England.", ("2001-07-07", "Leeds")),
    # a count's own day ("on Tuesday the agency put the number of dead at ...") is no incident date;
    # highlights before the narrative take the date the narrative gives later
    ("HIGHLIGHTS\nThe Red Cross reports 900 deaths in Leeds.\n\nOVERVIEW\nOn 3 March 2021 a dam above Leeds "
     "collapsed.", ("2021-03-03", "Leeds")),
    ("HIGHLIGHTS\nThe Red Cross reports 900 deaths in Leeds.\n\nOVERVIEW\nOn 3 March 2021 a dam above Leeds "
     "collapsed. On 9 March 2021 the Red Cross put the number of dead at 900.", ("2021-03-03", "Leeds")),
    ("On 3 March 2021 floods swept through homes in Leeds. On 9 March 2021 the ministry recorded 57 deaths.",
     ("2021-03-03", "Leeds")),
    # a destination is not where it happened
    ("On 4 May 1991 about 3,000 people in Vukovar fled towards Zagreb.", ("1991-05-04", "Vukovar")),
    # the incident's own date before the time of counting
    ("Police investigating the riot of 14 March 2025 in Leeds have made 14 further arrests since 16 March 2025.",
     ("2025-03-14", "Leeds")),
]


@pytest.mark.model
@pytest.mark.parametrize("text,expected", FIELDS, ids=[c[0][:50] for c in FIELDS])
def test_event_date_and_place_of_the_incident(process, text, expected):
    doc = process(text)
    assert doc.facts and len({f["event"] for f in doc.facts}) == 1
    event = next(e for e in doc.events if e["id"] == doc.facts[0]["event"])
    value, place = expected
    assert (event["date"] or {}).get("value") == value
    assert (event["place"] or {}).get("text") == place
