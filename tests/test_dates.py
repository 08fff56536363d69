"""TIMEX grammar and value resolution (no model needed for the grammar)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import load_config
from pipeline.lexicon import read_toml
from pipeline.timex import TimexFinder, relative_value, _shift


@pytest.fixture(scope="module")
def finder():
    return TimexFinder(read_toml(load_config().dates.lexicon))


@pytest.mark.parametrize("text,span,value,mod", [
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
    ("in the next 24 hours", "24 hours", "PT24H", None),
    ("date 2025-01-17 Town", "2025-01-17", "2025-01-17", None),
    ("Materials 20 January 2023 16:23 (UTC +04:00)", "20 January 2023 16:23 (UTC +04:00)", "2023-01-20T16:23+04:00", None),
    ("Fri 13 May 2005 10.26 EDT", "Fri 13 May 2005 10.26 EDT", "2005-05-13T10:26-04:00", None),
    ("present-day Armenia", "present-day", "PRESENT_REF", None),
    ("for years they waited", "years", "PXY", None),
])
def test_explicit_expressions(finder, text, span, value, mod):
    found = finder.find(text)
    assert [(text[t.start:t.end], t.value, t.mod) for t in found] == [(span, value, mod)]


@pytest.mark.parametrize("text", [
    "Agenda items 31, 71, 80 and 129",          # must NOT be dates
    "2 million people attended",
    "the 34th anniversary",
    "26,000 troops",
    "A former official",
])
def test_not_dates(finder, text):
    assert finder.find(text) == []


@pytest.mark.parametrize("text,needs", [
    ("on January 21 he", "year"),
    ("on 21 January he", "year"),
    ("34 years ago", "doc"),
    ("last year", "doc"),
    ("that tragic day", "anaphor"),
])
def test_expressions_that_need_an_anchor(finder, text, needs):
    (t,) = finder.find(text)
    assert t.needs == needs and t.value is None


@pytest.mark.parametrize("spec,anchor,value", [
    ("day+0", date(2024, 1, 22), "2024-01-22"),
    ("year-1", date(2024, 1, 22), "2023"),
    ("month+1", date(2024, 12, 5), "2025-01"),
    ("week-1", date(2016, 11, 20), "2016-W45"),
])
def test_relative_values(spec, anchor, value):
    assert relative_value(spec, anchor) == value


def test_ago_keeps_the_unit_granularity():
    assert _shift(date(2024, 1, 20), 34, "year", -1) == "1990"
    assert _shift(date(2024, 1, 20), 3, "day", -1) == "2024-01-17"


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
])
def test_resolution_in_context(process, text, expected):
    doc = process(text)
    got = {d["text"]: d["value"] for d in doc.dates}
    for span, value in expected.items():
        assert got.get(span) == value, (span, got)


@pytest.mark.model
def test_named_day_without_a_day_in_its_sentence_is_left_out(process):
    doc = process("date 2021-03-01 News\n\nPeople celebrated Independence Day in the capital.")
    assert not [d for d in doc.dates if "Independence" in d["text"]]


@pytest.mark.model
@pytest.mark.parametrize("text,doc_date", [
    ("Distr.: General\n22 January 2024\n\nLetter dated 20 January 2024 from X", "2024-01-22"),
    (" date 2025-01-17 Country urges world", "2025-01-17"),
    ("Statement on the January 20, 1990 events\n\nText of it.\n\nJohn Smith\n\n19 January 2024\n", "2024-01-19"),
    ("A report with no date at all about 1990 events.", None),
])
def test_doc_date(process, text, doc_date):
    doc = process(text)
    assert (doc.doc_date or {}).get("value") == doc_date
