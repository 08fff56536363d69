"""Dates: the TIMEX grammar (data), value resolution (pure) and the stage (model)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import load_config
from pipeline.lexicon import read_toml
from pipeline.timex import (Anchor, _shift, nth_weekday, relative_value, season_of, shift_value,
                            weekday_date)
from pipeline.timex_resolve import Context, holiday_value, resolve_all
from pipeline.timex_rules import TimexFinder, load_finder, load_qualifiers


@pytest.fixture(scope="module")
def finder():
    c = load_config().dates
    return load_finder(c.grammar, c.lexicon, c.qualifiers)


def _resolve(finder, text, doc_day, tense=0):
    found = finder.find(text)
    ctx = Context(doc_day=doc_day, tense=lambda t: tense)
    return [(text[t.start:t.end], t.value, t.mod) for t, _ in resolve_all(found, ctx)]


# -- expressions whose whole value is in the text --------------------------------------

@pytest.mark.parametrize("text,span,value,mod", [
    # kept from before the grammar became data: these must NOT change
    ("On 22 March 2016 the", "22 March 2016", "2016-03-22", None),
    ("on March 7, 1991, he", "March 7, 1991", "1991-03-07", None),
    ("the night of 19–20 January 1990 was", "19–20 January 1990", "1990-01-19/1990-01-20", None),
    ("on the night of January 19 to 20, 1990, units", "January 19 to 20, 1990", "1990-01-19/1990-01-20", None),
    ("from 3 to 5 May 2001", "3 to 5 May 2001", "2001-05-03/2001-05-05", None),
    ("in February 1994 a", "February 1994", "1994-02", None),
    ("from March to May 2018", "March to May 2018", "2018-03/2018-05", None),
    ("until 1993.", "1993", "1993", None),
    ("the war of 1992-95 ended", "1992-95", "1992/1995", None),
    ("at the end of the 1980s the", "end of the 1980s", "198X", "END"),
    ("in the late 1980s", "late 1980s", "198X", "END"),
    ("for nearly 30 years", "nearly 30 years", "P30Y", "APPROX"),
    ("the 44-day war", "44-day", "P44D", None),
    ("within 9 months", "9 months", "P9M", None),
    ("a 17-year-old boy", "17-year-old", "P17Y", None),
    ("it has been six months", "six months", "P6M", None),
    ("date 2025-01-17 Town", "2025-01-17", "2025-01-17", None),
    ("present-day Armenia", "present-day", "PRESENT_REF", None),
    ("for years they waited", "years", "PXY", None),
    # partial and modified forms, centuries, seasons, quarters (issue 11)
    ("on Dec. 31, 1994 the", "Dec. 31, 1994", "1994-12-31", None),
    ("in Dec 2018 the", "Dec 2018", "2018-12", None),
    ("in the summer of 2019", "summer of 2019", "2019-SU", None),
    ("in the 15th century", "15th century", "14XX", None),
    ("in the fourth quarter of 2018", "fourth quarter of 2018", "2018-Q4", None),
    ("in Jan-Feb 2017 prices", "Jan-Feb 2017", "2017-01/2017-02", None),
    ("between 2014 and 2016 the", "2014 and 2016", "2014/2016", None),
    ("on 10/31/1974 the", "10/31/1974", "1974-10-31", None),
    ("on 31.10.1974 the", "31.10.1974", "1974-10-31", None),
    ("It happened on 13/03/2020.", "13/03/2020", "2020-03-13", None),
    ("It grew in mid-2019.", "mid-2019", "2019", "MID"),
    ("Sales rose in the first half of 2019.", "first half of 2019", "2019-H1", None),
    ("It happened decades ago.", "decades ago", "PAST_REF", None),
    ("The time was 2019-01-12T15:45:00Z.", "2019-01-12T15:45:00Z", "2019-01-12T15:45:00+00:00", None),
    # durations (SPEC: "the next 3 days" is a duration)
    ("in the last 24 hours", "last 24 hours", "PT24H", None),
    ("over the past week", "past week", "P1W", None),
    ("for a few days", "a few days", "PXD", None),
    ("in the coming days", "coming days", "PXD", None),
    ("it lasted half an hour", "half an hour", "PT30M", None),
    ("after a forty-second pause", "forty-second", "PT40S", None),
    ("traffic stopped for a minute of silence", "a minute", "PT1M", None),
    ("it lasted 1.5 hours", "1.5 hours", "PT1H30M", None),
    ("for 2 years and 3 months", "2 years and 3 months", "P2Y3M", None),
    ("for at least 5 years", "at least 5 years", "P5Y", "MORE_THAN"),
    # clock times with their zone (SPEC: the offset the text gives)
    ("Materials 20 January 2023 16:23 (UTC +04:00)", "20 January 2023 16:23 (UTC +04:00)", "2023-01-20T16:23+04:00", None),
    ("Fri 13 May 2005 10.26 EDT", "Fri 13 May 2005 10.26 EDT", "2005-05-13T10:26-04:00", None),
    # holidays with their year (Easter: dateutil; lunar calendars: the holidays package)
    ("offices closed for Easter 2010.", "Easter 2010", "2010-04-04", None),
    ("marking Thanksgiving 2013 went", "Thanksgiving 2013", "2013-11-28", None),
    ("marking Eid al-Fitr 2018 went", "Eid al-Fitr 2018", "2018-06-15", None),
    ("during Ramadan 2018 the", "Ramadan 2018", "2018-05-16/2018-06-14", None),
])
def test_explicit_expressions(finder, text, span, value, mod):
    assert _resolve(finder, text, None) == [(span, value, mod)]


@pytest.mark.parametrize("text", [
    "Agenda items 31, 71, 80 and 129",          # must NOT be dates
    "2 million people attended",
    "the 34th anniversary",
    "26,000 troops",
    "A former official",
    "Call the hotline 0800652213 for help.",    # phone numbers are not dates
    "It is a day of national pride.",
    "866 Second Avenue, New York",
    "We pray for the future of the country.",
    "the Westminster Abbey Thanksgiving Service",
    "Some 6 000 participants of the Peace March arrived.",
    "in the last 12h the river rose",
    "The toll has risen to 41 after two more of the wounded died.",
    "Inflation rose 10.26 percent.",
    "quoting incident 1487 of the log",
    "It was the forty-second session.",          # an ordinal, not forty seconds
    "The plant produced 2000 tonnes of grain.",  # a count with a unit, not a year
    "He took 2000 milligrams.",
])
def test_not_dates(finder, text):
    assert finder.find(text) == []


@pytest.mark.parametrize("text,anchor", [
    ("on January 21 he", Anchor.YEAR),
    ("on 21 January he", Anchor.YEAR),
    ("34 years ago", Anchor.DOC),
    ("last year", Anchor.DOC),
    ("that tragic day", Anchor.ANAPHOR),
    ("on Wednesday", Anchor.WEEKDAY),
    ("at 3pm", Anchor.CLOCK),
    ("from March to May", Anchor.COMPOSITE),
])
def test_expressions_that_need_an_anchor(finder, text, anchor):
    (t,) = finder.find(text)
    assert t.anchor == anchor and t.value is None


# -- resolution against a document date (pure: no model) ---------------------------------

DOC = date(2024, 3, 13)  # a Wednesday


@pytest.mark.parametrize("text,tense,expected", [
    ("It happened yesterday.", -1, [("yesterday", "2024-03-12", None)]),
    ("It is calm today.", 0, [("today", "2024-03-13", None)]),
    ("They will meet next month.", 1, [("next month", "2024-04", None)]),
    ("They will meet in two weeks.", 1, [("two weeks", "2024-W13", None)]),
    ("It happened two months ago.", -1, [("two months ago", "2024-01", None)]),
    ("It happened 34 years ago.", -1, [("34 years ago", "1990", None)]),
    ("It happened earlier this month.", -1, [("earlier this month", "2024-03", None)]),
    ("They met last Sunday.", -1, [("last Sunday", "2024-03-10", None)]),
    ("They will meet next Tuesday.", 1, [("next Tuesday", "2024-03-19", None)]),
    ("Police said on Friday.", -1, [("Friday", "2024-03-08", None)]),
    ("The Ministry said on Wednesday.", -1, [("Wednesday", "2024-03-13", None)]),
    ("Police said on Saturday evening.", -1, [("Saturday evening", "2024-03-09TEV", None)]),
    ("They met last night.", -1, [("last night", "2024-03-12TNI", None)]),
    ("They will arrive at 3pm tomorrow.", 1, [("3pm tomorrow", "2024-03-14T15:00", None)]),
    ("They met in April last year.", -1, [("April last year", "2023-04", None)]),
    ("They met last March.", -1, [("last March", "2023-03", None)]),
    ("They met from March to May.", -1, [("March to May", "2023-03/2023-05", None)]),
    ("They met March 30 to April 2.", -1, [("March 30 to April 2", "2023-03-30/2023-04-02", None)]),
    ("Nov 18-Dec 19, 2015", 0, [("Nov 18-Dec 19, 2015", "2015-11-18/2015-12-19", None)]),
    ("They will meet from 10/1 to 11/7.", 1, [("10/1 to 11/7", "2024-10-01/2024-11-07", None)]),
    ("It will be ready in mid-October.", 1, [("mid-October", "2024-10", "MID")]),
    ("It ended in the last days of August.", -1, [("last days of August", "2023-08", "END")]),
    ("It will be ready by the end of the year.", 1, [("end of the year", "2024", "END")]),
    ("It will open in the first week of 2025.", 1, [("first week of 2025", "2025-W01", None)]),
    ("They met on the first Monday of March 2014.", -1, [("first Monday of March 2014", "2014-03-03", None)]),
    ("Offices will close for Christmas.", 1, [("Christmas", "2024-12-25", None)]),
    ("They met last Easter.", -1, [("last Easter", "2023-04-09", None)]),
    ("It lasted three days after Easter 2013.", -1, [("three days after Easter 2013", "2013-04-03", None)]),
    ("It happened in the summer.", -1, [("summer", "2024-SU", None)]),
    ("The meeting opens at 16h30 in Geneva.", 1, [("16h30", "2024-03-13T16:30", None)]),
    ("They met on the evening of March 3.", -1, [("evening of March 3", "2024-03-03TEV", None)]),
    ("They met on Saturday, March 4.", -1, [("Saturday, March 4", "2023-03-04", None)]),
    ("They met on Monday, March 4.", -1, [("Monday, March 4", "2024-03-04", None)]),
    ("They met from Monday to Wednesday.", -1, [("Monday to Wednesday", "2024-03-11/2024-03-13", None)]),
    ("They will meet next Friday at 5pm.", 1, [("next Friday at 5pm", "2024-03-15T17:00", None)]),
    ("The curfew runs from 10pm to 6am.", 0, [("10pm to 6am", "2024-03-13T22:00/2024-03-14T06:00", None)]),
    ("This year's budget passed.", -1, [("This year", "2024", None)]),
    ("It happened the day before yesterday.", -1, [("day before yesterday", "2024-03-11", None)]),
    ("They will meet 2 weeks from now.", 1, [("2 weeks from now", "2024-W13", None)]),
    # "in N units" in a past clause is a duration, not a point
    ("It was built in two weeks.", -1, [("two weeks", "P2W", None)]),
    # a clock range whose am/pm is written once; an hour after a named part of the day;
    # a time with a dot before "in the evening"; a weekday of "the month"
    ("The shops open 3-4pm.", 0, [("3-4pm", "2024-03-13T15:00/2024-03-13T16:00", None)]),
    ("The curfew runs from 9 to 11 p.m.", 0, [("9 to 11 p.m.", "2024-03-13T21:00/2024-03-13T23:00", None)]),
    ("The road closes from 11 to 1 pm.", 0, [("11 to 1 pm", "2024-03-13T11:00/2024-03-13T13:00", None)]),
    ("They met between 3 and 4 pm on Friday.", -1,
     [("3 and 4 pm on Friday", "2024-03-08T15:00/2024-03-08T16:00", None)]),
    ("They met on Saturday morning at 9.", -1, [("Saturday morning at 9", "2024-03-09T09:00", None)]),
    ("They met on Friday evening at 7.30.", -1, [("Friday evening at 7.30", "2024-03-08T19:30", None)]),
    ("He arrived at 7.30 in the evening.", -1, [("7.30 in the evening", "2024-03-13T19:30", None)]),
    ("It is held on the first Monday of the month.", 0, [("first Monday of the month", "2024-03-04", None)]),
    ("Pay arrives on the last day of the month.", 1, [("last day of the month", "2024-03-31", None)]),
    # ISO week numbers (epidemiological weeks); a 24-hour range past midnight; a day and
    # month before a clock time; "last month" before a count; a count before "last week"
    ("Deaths by week: 6 in week 10, 22 in week 11.", -1, [("week 10", "2024-W10", None), ("week 11", "2024-W11", None)]),
    ("Cases rose in week 38 of 2025.", -1, [("week 38 of 2025", "2025-W38", None)]),
    ("The shelling lasted from 23:40 to 01:15.", -1, [("23:40 to 01:15", "2024-03-13T23:40/2024-03-14T01:15", None)]),
    ("Figures (NDMA, 12 March, 12:00) show it.", -1, [("12 March, 12:00", "2024-03-12T12:00", None)]),
    ("It followed the arrest last month of 14 organisers.", -1, [("last month", "2024-02", None)]),
    ("Admissions rose to 78 last week.", -1, [("last week", "2024-W10", None)]),
    # must NOT change: weeks of something else; the last month of a year
    ("In week 3 of the strike, talks resumed.", -1, []),
    ("He described the last month of the campaign.", -1, []),
    ("in the 3 last days", -1, [("3 last days", "P3D", None)]),
    # must NOT change: counts and rates between numbers are not times
    ("He counted 3 and 4 people.", -1, []),
    ("Rates fell from 9 to 11 percent.", -1, []),
    ("The shift ran from 9 to 5.", -1, []),
    ("Sales rose in the month.", -1, []),
    ("The toll rose to 11 on Friday evening at the hospital.", -1, [("Friday evening", "2024-03-08TEV", None)]),
])
def test_resolution_against_the_document_date(finder, text, tense, expected):
    assert _resolve(finder, text, DOC, tense) == expected


def test_a_time_takes_the_day_of_the_narrative(finder):
    text = "On 8 March 2024 the crowd gathered. Trouble began after 21:30."
    got = _resolve(finder, text, DOC, -1)
    assert ("21:30", "2024-03-08T21:30", None) in got


def test_today_named_beside_a_day_reanchors_deictic_dates(finder):
    text = "London, today, 30 June: It will soon be one year. Today the people vote."
    got = _resolve(finder, text, date(2004, 7, 1), 0)
    assert got[0] == ("today", "2004-06-30", None)
    assert got[-1] == ("Today", "2004-06-30", None)


def test_ago_keeps_the_unit_granularity():
    assert _shift(date(2024, 1, 20), 34, "year", -1) == "1990"
    assert _shift(date(2024, 1, 20), 3, "day", -1) == "2024-01-17"


@pytest.mark.parametrize("spec,anchor,value", [
    ("day+0", date(2024, 1, 22), "2024-01-22"),
    ("year-1", date(2024, 1, 22), "2023"),
    ("month+1", date(2024, 12, 5), "2025-01"),
    ("week-1", date(2016, 11, 20), "2016-W45"),
    ("day-1:TNI", date(2024, 1, 22), "2024-01-21TNI"),
    ("quarter+1", date(2013, 2, 12), "2013-Q2"),
    ("season-1", date(2013, 2, 12), "2012-FA"),
    ("nonsense", date(2024, 1, 22), None),
])
def test_relative_values(spec, anchor, value):
    assert relative_value(spec, anchor) == value


@pytest.mark.parametrize("args,expected", [
    ((date(2013, 2, 12), 1, "century", 1), "21XX"),
    ((date(2013, 2, 12), 2, "weekend", -1), "2013-W05-WE"),
    ((date(2013, 12, 30), 1, "month", 1), "2014-01"),
])
def test_shift_value(args, expected):
    assert shift_value(*args) == expected


def test_calendar_helpers():
    assert nth_weekday(2013, 11, 3, 4) == date(2013, 11, 28)   # Thanksgiving
    assert nth_weekday(2014, 3, 6, -1) == date(2014, 3, 30)    # last Sunday of March
    assert weekday_date(date(2024, 3, 13), 2, -1, strict=False) == date(2024, 3, 13)
    assert weekday_date(date(2024, 3, 13), 2, -1) == date(2024, 3, 6)
    assert season_of(date(2013, 2, 12)) == (2012, "WI")


@pytest.mark.parametrize("spec,year,value", [
    ("12-25", 2013, "2013-12-25"),
    ("easter+0", 2013, "2013-03-31"),
    ("orthodox-easter+0", 2018, "2018-04-08"),
    ("easter-46..easter-1", 2018, "2018-02-14/2018-03-31"),
    ("nth:11:3:4+1", 2013, "2013-11-29"),
    ("cal:hindu:diwali", 2019, "2019-10-27"),
    ("cal:chinese:lunar_new_year", 2014, "2014-01-31"),
    ("cal:islamic:no_such_day", 2014, None),
])
def test_holiday_values(spec, year, value):
    assert holiday_value(spec, year) == value


# -- the grammar and lexicons are data checked at load ---------------------------------------

def _grammar_lexicon():
    c = load_config().dates
    return read_toml(c.grammar), read_toml(c.lexicon), load_qualifiers(c.qualifiers)


@pytest.mark.parametrize("change,message", [
    (lambda g, lx: g["rules"].append({"name": "x", "interpret": "nope", "pattern": "x"}), "unknown interpreter"),
    (lambda g, lx: g["rules"].append({"name": "x", "interpret": "date", "pattern": "(?P<zz>x)"}), "unknown group"),
    (lambda g, lx: g["rules"].append({"name": "x", "interpret": "date", "pattern": "{NOPE}"}), "unknown macro"),
    (lambda g, lx: g["rules"].append({"name": "x", "interpret": "date", "pattern": "(x"}), "does not compile"),
    (lambda g, lx: g["rules"].append({"name": "x", "interpret": "date", "pattern": "x", "extra": 1}), "Extra inputs"),
    (lambda g, lx: lx["holidays"].update({"Odd Day": "sometime"}), "unreadable date rule"),
    (lambda g, lx: lx["part_mods"].update({"early": "AT_LEAST"}), "START, MID or END"),
])
def test_grammar_and_lexicon_are_checked_at_load(change, message):
    import copy

    grammar, lexicon, qualifiers = _grammar_lexicon()
    grammar, lexicon = copy.deepcopy(grammar), copy.deepcopy(lexicon)
    change(grammar, lexicon)
    with pytest.raises(ValueError, match=message):
        TimexFinder(grammar, lexicon, qualifiers)


def test_one_qualifier_table_for_dates_and_numbers():
    path = load_config().dates.qualifiers
    dates, numbers = load_qualifiers(path, "dates"), load_qualifiers(path, "numbers")
    assert dates["at least"] == "MORE_THAN" and numbers["at least"] == "AT_LEAST"
    assert set(dates.values()) <= {"APPROX", "MORE_THAN", "LESS_THAN"}   # SPEC dates mods
    assert "over" not in dates and numbers["over"] == "MORE_THAN"


def test_a_failing_rule_loses_one_expression_not_the_document(finder, monkeypatch):
    from pipeline import timex_rules

    def boom(g, f):
        raise TypeError("bad format")

    monkeypatch.setitem(timex_rules.INTERPRETERS, "weekday", boom)
    errors: list[str] = []
    found = finder.find("On Monday, 3 March 2014 and in 1990 they met.", errors)
    assert [t.value for t in found] == ["2014-03-03", "1990"]
    assert len(errors) == 1 and "weekday" in errors[0] and "TypeError" in errors[0]


def test_dateparser_never_uses_the_run_day():
    from pipeline.adapters.dateparser_adapter import parse_date

    assert parse_date("09:45 AM") is None          # no year: nothing from the clock
    assert parse_date("0800652213") is None
    assert parse_date("14 Nov 2022") == "2022-11-14"


# -- the stage (spaCy model) ---------------------------------------------------------------

@pytest.mark.model
@pytest.mark.parametrize("text,expected", [
    # narrative: a year-less date takes the year of the last full date before it
    ("Letter dated 5 March 2020\n\nOn 20 January 1990 troops entered the city. On January 21 he spoke.",
     {"January 21": "1990-01-21", "20 January 1990": "1990-01-20"}),
    # relative to the document date
    ("Distr.: General\n22 January 2024\n\nToday, 34 years have passed. It happened 34 years ago. Last year was calm.",
     {"Today": "2024-01-22", "34 years ago": "1990", "Last year": "2023", "34 years": "P34Y"}),
    # anaphor takes the previous day
    ("date 2020-01-17 News\n\nOn 20 January 2020 people will visit the alley. Thousands will come that day.",
     {"that day": "2020-01-20"}),
    # recurring date
    ("date 2020-01-17 News\n\n20 January was declared a day of mourning.", {"20 January": "XXXX-01-20"}),
    # a named day the lexicon does not know takes the day its sentence gives
    ("date 2021-03-01 News\n\nOn 3 March 2021, the country marks Remembrance Day of Victims.",
     {"Remembrance Day of Victims": "2021-03-03"}),
    ("date 2021-03-01 News\n\n3 March was declared a National Day of Sorrow.",
     {"3 March": "XXXX-03-03", "National Day of Sorrow": "XXXX-03-03"}),
    ("date 2021-03-01 News\n\n20 January is marked every year in the capital.", {"20 January": "XXXX-01-20"}),
    # must NOT be recurring: a declaration of something that is not a day
    ("date 2024-05-20 News\n\nOn 12 May the government declared a state of emergency after 40 people were killed.",
     {"12 May": "2024-05-12"}),
    ("date 2024-05-20 News\n\nOn 14 May police designated a new crossing.", {"14 May": "2024-05-14"}),
    # weekdays against the document date and the tense (issue 11)
    ("13 March 2024\n\nThe Ministry said on Wednesday that police had detained 14 people after the attack "
     "on a checkpoint last Sunday.", {"Wednesday": "2024-03-13", "last Sunday": "2024-03-10"}),
    ("13 March 2024\n\nPolice said on Friday that the curfew, imposed on Tuesday, would end.",
     {"Friday": "2024-03-08", "Tuesday": "2024-03-12"}),
    ("Issued on 12 February 2013.\n\nThe committee will meet again Thursday, according to the statement.",
     {"Thursday": "2013-02-14"}),
    # a bare year is the grammar's call, not the model's: a count with a unit is no date
    ("date 2024-05-20 News\n\nThe patient took 2000 milligrams of the drug in 2019.", {"2019": "2019"}),
    # the dateline is one date with its clock time; no value comes from the run day
    ("Mon 14th November 2022 | 09:45 AM\n\nPolice said.", {"Mon 14th November 2022 | 09:45 AM": "2022-11-14T09:45"}),
    # relative expressions once the document date is read from its date line
    ("Posted: 14 Nov 2022\n\nIt will happen next month. It happened yesterday.",
     {"next month": "2022-12", "yesterday": "2022-11-13"}),
])
def test_resolution_in_context(process, text, expected):
    doc = process(text)
    got = {d["text"]: d["value"] for d in doc.dates}
    for span, value in expected.items():
        assert got.get(span) == value, (span, got)
    assert not [e for e in doc.errors if e.startswith("dates")]


@pytest.mark.model
def test_named_day_without_a_day_in_its_sentence_is_left_out(process):
    doc = process("date 2021-03-01 News\n\nPeople celebrated Independence Day in the capital.")
    assert not [d for d in doc.dates if "Independence" in d["text"]]


@pytest.mark.model
def test_no_crash_on_a_month_with_a_relative_year(process):
    doc = process("date 2016-11-17\n\nThey met in April last year.")
    assert not doc.errors
    assert [(d["text"], d["value"]) for d in doc.dates] == [("2016-11-17", "2016-11-17"), ("April last year", "2015-04")]


@pytest.mark.model
@pytest.mark.parametrize("text,doc_date,span", [
    ("Distr.: General\n22 January 2024\n\nLetter dated 20 January 2024 from X", "2024-01-22", "22 January 2024"),
    (" date 2025-01-17 Country urges world", "2025-01-17", "2025-01-17"),
    ("Statement on the January 20, 1990 events\n\nText of it.\n\nJohn Smith\n\n19 January 2024\n", "2024-01-19",
     "19 January 2024"),
    ("A report with no date at all about 1990 events.", None, None),
    ("Posted: 14 Nov 2022\n\nText.", "2022-11-14", "14 Nov 2022"),
    ("Issued on 7 November 2016.\n\nText.", "2016-11-07", "7 November 2016"),
    ("NOVEMBER 3, 2025\n\nText.", "2025-11-03", "NOVEMBER 3, 2025"),
    ("Mon 14th November 2022 | 09:45 AM\n\nText.", "2022-11-14", "Mon 14th November 2022"),
    ("Headline without a stop\nSep 20, 2023, 14:05 UTC\n\nText.", "2023-09-20", "Sep 20, 2023"),
    # wire datelines: a place in capitals, the date, then the story after a dash
    ("GENEVA, 12 February 2026 - Aid agencies said on Thursday that the floods had cut off villages.",
     "2026-02-12", "12 February 2026"),
    ("LONDON, March 3, 2025 (Reuters) - Police said on Monday that 12 people were arrested.",
     "2025-03-03", "March 3, 2025"),
    ("By A Reporter\nKHARTOUM, Sudan, 4 May 2023 (Agency) — Fighting went on.", "2023-05-04", "4 May 2023"),
    # must NOT be a document date: a date in running prose
    ("Letter\n\n On 20 January 2020, Azerbaijan will commemorate the victims of the tragedy.", None, None),
    ("In Geneva, on 12 February 2026 - as planned - talks began.", None, None),
])
def test_doc_date(process, text, doc_date, span):
    doc = process(text)
    assert (doc.doc_date or {}).get("value") == doc_date
    if span is not None:
        assert text[doc.doc_date["start"]:doc.doc_date["end"]] == span
        assert doc.doc_date["from"] == "text"


@pytest.mark.model
def test_metadata_doc_date_wins_over_the_date_line(stages):
    from pipeline.runner import run
    from pipeline.io import document_from_bytes

    doc = document_from_bytes("date 2020-01-01\n\nIt happened yesterday, on 5 March.".encode(), "m.txt")
    doc.meta_doc_date = "2024-03-13"
    doc = next(iter(run(stages, [doc])))
    assert doc.doc_date == {"value": "2024-03-13", "start": None, "end": None, "from": "metadata"}
    got = {d["text"]: d["value"] for d in doc.dates}
    assert got["yesterday"] == "2024-03-12"
    assert got["2020-01-01"] == "2020-01-01"


# -- no input crashes the dates layer ----------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

TOKENS = ["13", "31", "March", "May", "2024", "1990s", "to", "-", "–", "last", "next", "Monday", "at",
          "3pm", "16:23", "UTC", "+04:00", "the", "of", "Easter", "Ramadan", "in", "two", "weeks", "ago",
          "10/1", "15/03", "mid", "end", "early", ",", ".", "\n", "Q4", "noon", "today", "night", "century",
          "first", "week", "between", "and", "from", "that", "day", "half", "an", "hour", "days", "after"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=14), st.sampled_from([None, date(2024, 3, 13), date(2013, 2, 12)]),
       st.sampled_from([-1, 0, 1]))
def test_no_sequence_of_date_words_crashes_the_layer(finder, words, doc_day, tense):
    text = " ".join(words)
    errors: list[str] = []
    found = finder.find(text, errors)
    resolved = resolve_all(found, Context(doc_day=doc_day, tense=lambda t: tense), errors=errors)
    for t, anchor in resolved:
        assert 0 <= t.start < t.end <= len(text)
        assert t.value is None or isinstance(t.value, str)
        assert isinstance(anchor, str)


@pytest.mark.model
def test_a_failing_step_of_the_stage_keeps_the_other_dates(process, monkeypatch):
    from pipeline.stages.dates import DatesStage

    def boom(self, doc, taken, doc_day):
        raise RuntimeError("model spans unreadable")

    monkeypatch.setattr(DatesStage, "_model_candidates", boom)
    doc = process("date 2016-11-17\n\nThey met in April last year.")
    assert [d["text"] for d in doc.dates] == ["2016-11-17", "April last year"]
    assert any("model candidates failed" in e for e in doc.errors)
    assert not any(e.startswith("fatal") for e in doc.errors)


def _scans_agree(finder, text: str) -> int:
    """Each rule finds the same matches scanning only its windows (needs_windows, on the
    lower-cased text where find uses it) as scanning the whole text; returns how many
    matches were compared."""
    from pipeline.patterns import lowered

    compared = 0
    low = lowered(text)
    for (name, _, pattern), needs in zip(finder.rules, finder.needs):
        if needs is None:
            continue
        whole = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        windowed = [(m.span(), m.groupdict()) for lo, hi in finder.needs_windows(text, needs, low)
                    for m in pattern.finditer(text, lo, hi)]
        assert windowed == whole, (name, text[:80])
        compared += len(whole)
    return compared


def test_a_rule_scanning_only_around_what_it_needs_misses_nothing(finder, root):
    """`needs` and `reach` (timex_grammar.toml) are promises about every match: checked
    on the seeds, the dev inputs and the sentences of this file."""
    import re as _re

    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "inputs").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "tests" / "dev_inputs").glob("*.txt"))]
    texts += _re.findall(r'"([^"\n]{12,})"', (root / "tests" / "test_dates.py").read_text(encoding="utf-8"))
    assert sum(_scans_agree(finder, text) for text in texts) > 500


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS + ["quarter", "past", "Christmas", "CHRISTMAS", "Eid", "al-Fitr", "Day",
                                          "  ", "years", "few", "several", "Sept.", "o'clock", "MORNING", "Ago",
                                          "YEARS", "\u212aM", "ſeason", "Q2", "q3", "İn", "ınstead"]), max_size=30))
def test_windowed_and_whole_scans_agree_on_any_sequence_of_date_words(finder, words):
    _scans_agree(finder, " ".join(words))


@pytest.mark.parametrize("text,found", [
    ("They met on Christmas Day.", ["Christmas Day"]),
    ("ON CHRISTMAS DAY the shelling stopped.", ["CHRISTMAS DAY"]),
    ("on Christmas day", ["Christmas day"]),
    ("on christmas day", []),            # a holiday name starts with a capital (rule `holiday`)
])
def test_holiday_first_word_forms(finder, text, found):
    assert [text[t.start:t.end] for t in finder.find(text) if t.rule.endswith("holiday")] == found


@pytest.mark.parametrize("pattern,form", [
    ("(?i:month)", "month"),
    ("(?i:quarter|\\bQ[1-4])", "quarter|\\bq[1-4]"),
    ("(?i:at the moment|\\bnow\\b)", "at the moment|\\bnow\\b"),
    ("(?i:a)|(?i:b)", None),        # not one case-insensitive group
    ("(?i:\\S+day)", None),         # lower-casing \\S would change it
    ("(?i:\\p{Lu}x)", None),
    ("(?i:(?P<g>a))", None),
    ("\\d{4}-\\d", None),            # case-sensitive: left as it is
])
def test_lower_case_form_of_a_needs_pattern(pattern, form):
    from pipeline.timex_rules import lower_case_form

    got = lower_case_form(pattern)
    assert (got.pattern if got is not None else None) == form


def test_lowered_text_reads_as_case_insensitive_regex_patterns_on_every_code_point():
    """What lower_case_form relies on for the `regex` engine: outside CASE_EXCEPTIONS and
    characters that lower-case to several, an ASCII letter matches a character
    case-insensitively exactly when the character lower-cases to it, and lower casing
    keeps \\w, \\s and \\d."""
    import string

    import regex

    from pipeline.patterns import CASE_EXCEPTIONS

    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    cased = [c for c in every if c.lower() != c]
    exceptions = set()
    for letter in string.ascii_lowercase:
        matched = set(regex.findall(regex.escape(letter), every, regex.IGNORECASE))
        exceptions |= matched ^ ({letter} | {c for c in cased if c.lower() == letter})
    assert all(len(c.lower()) > 1 or CASE_EXCEPTIONS.match(c) for c in exceptions)
    for rx in (regex.compile(r"\w"), regex.compile(r"\s"), regex.compile(r"\d")):
        assert [c for c in cased if len(c.lower()) == 1 and bool(rx.match(c)) != bool(rx.match(c.lower()))] == []
