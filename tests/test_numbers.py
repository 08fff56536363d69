"""Numbers stage candidates (pure: no model) and numeral parsing."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.numwords import words_to_number
from pipeline.stages.numbers import NumbersStage


@pytest.fixture(scope="module")
def numbers():
    return NumbersStage(**load_config().stage_options("numbers"))


def found(stage, text, dates=()):
    return [(text[n["start"]:n["end"]], n["value"], n["kind"], n["unit"], n["mod"])
            for n in stage.candidates(text, list(dates))]


@pytest.mark.parametrize("text,expected", [
    ("more than 200,000 people", [("more than 200,000", 200000, "cardinal", None, "MORE_THAN")]),
    ("2 million people attended", [("2 million", 2000000, "cardinal", None, None)]),
    ("the Seventy-eighth session", [("Seventy-eighth", 78, "ordinal", None, None)]),
    ("the thirtieth anniversary", [("thirtieth", 30, "ordinal", None, None)]),
    ("the 34th anniversary", [("34th", 34, "ordinal", None, None)]),
    ("the 100-th anniversary", [("100-th", 100, "ordinal", None, None)]),
    ("hundreds of thousands of people", [("hundreds of thousands", 100000, "cardinal", None, "AT_LEAST")]),
    ("Thousands of people", [("Thousands", 1000, "cardinal", None, "AT_LEAST")]),
    ("nearly 30 villages", [("nearly 30", 30, "cardinal", None, "APPROX")]),
    ("up to 4,000 protesters", [("up to 4,000", 4000, "cardinal", None, "AT_MOST")]),
    ("20% of the land", [("20%", 20, "percent", None, None)]),
    ("$5 million in aid", [("$5 million", 5000000, "money", "USD", None)]),
    ("50 cents each", [("50 cents", 0.5, "money", "USD", None)]),
    ("one of the gravest crimes", [("one", 1, "cardinal", None, None)]),
    ("for the first time", [("first", 1, "ordinal", None, None)]),
    ("150 civilians, 744 others", [("150", 150, "cardinal", None, None), ("744", 744, "cardinal", None, None)]),
    # must NOT be numbers: identifiers, titles, pronouns
    ("under agenda items 31, 71, 80, 83 and 129", []),
    ("(A/74/649–S/2020/34)", []),
    ("the first secretary of the committee", []),
    ("no one knows", []),
])
def test_candidates(numbers, text, expected):
    assert found(numbers, text) == expected


def test_numbers_inside_dates_are_left_to_the_dates_layer(numbers):
    text = "On 20 January 1990, 131 civilians"
    assert found(numbers, text, dates=[(3, 18)]) == [("131", 131, "cardinal", None, None)]


@pytest.mark.parametrize("phrase,value", [
    ("twenty-one", (21, False)), ("two hundred and five", (205, False)),
    ("hundredth", (100, True)), ("Seventy-eighth", (78, True)), ("banana", None),
])
def test_words_to_number(phrase, value):
    assert words_to_number(phrase) == value
