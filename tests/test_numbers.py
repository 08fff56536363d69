"""Numbers stage candidates (pure: no model), spelled-number grammar, lexicon schema."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.numwords import words_to_number
from pipeline.stages.numbers import NumbersStage, load_lexicon


@pytest.fixture(scope="module")
def numbers():
    return NumbersStage(**load_config().stage_options("numbers"))


def found(stage, text, dates=()):
    return [(text[n["start"]:n["end"]], n["value"], n["kind"], n["unit"], n["mod"])
            for n in stage.candidates(text, list(dates))]


def rounded(items):
    return [(t, round(v, 4) if isinstance(v, float) else v, k, u, m) for t, v, k, u, m in items]


# Cases that must NOT change (seeds' and dev set's numbers, identifiers, titles).
UNCHANGED = [
    ("more than 200,000 people", [("more than 200,000", 200000, "cardinal", None, "MORE_THAN")]),
    ("2 million people attended", [("2 million", 2000000, "cardinal", None, None)]),
    ("the Seventy-eighth session", [("Seventy-eighth", 78, "ordinal", None, None)]),
    ("the thirtieth anniversary", [("thirtieth", 30, "ordinal", None, None)]),
    ("the forty-second session", [("forty-second", 42, "ordinal", None, None)]),
    ("the 34th anniversary", [("34th", 34, "ordinal", None, None)]),
    ("the 100-th anniversary", [("100-th", 100, "ordinal", None, None)]),
    ("hundreds of thousands of people", [("hundreds of thousands", 100000, "cardinal", None, "AT_LEAST")]),
    ("Thousands of people", [("Thousands", 1000, "cardinal", None, "AT_LEAST")]),
    ("nearly 30 villages", [("nearly 30", 30, "cardinal", None, "APPROX")]),
    ("up to 4,000 protesters", [("up to 4,000", 4000, "cardinal", None, "AT_MOST")]),
    ("as many as 50 people", [("as many as 50", 50, "cardinal", None, "AT_MOST")]),
    ("the estimated 8,300 men", [("estimated 8,300", 8300, "cardinal", None, "APPROX")]),
    ("another 841 people", [("841", 841, "cardinal", None, None)]),
    ("20% of the land", [("20%", 20, "percent", None, None)]),
    ("$5 million in aid", [("$5 million", 5000000, "money", "USD", None)]),
    ("50 cents each", [("50 cents", 0.5, "money", "USD", None)]),
    ("one of the gravest crimes", [("one", 1, "cardinal", None, None)]),
    ("for the first time", [("first", 1, "ordinal", None, None)]),
    ("150 civilians, 744 others", [("150", 150, "cardinal", None, None), ("744", 744, "cardinal", None, None)]),
    ("Nine people died", [("Nine", 9, "cardinal", None, None)]),
    # not numbers: identifiers, titles, pronouns
    ("under agenda items 31, 71, 80, 83 and 129", []),
    ("(A/74/649–S/2020/34)", []),
    ("the first secretary of the committee", []),
    ("no one knows", []),
    ("the 366th Motorized Rifle Regiment", []),
    ("COVID-19 spread", []),
]


@pytest.mark.parametrize("text,expected", UNCHANGED)
def test_unchanged(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    # spaces, no-break and thin spaces as thousands separators
    ("Since the start of the conflict, 816 000 people have fled across the border, according to the refugee agency.",
     [("816 000", 816000, "cardinal", None, None)]),
    ("about 60 000 more", [("about 60 000", 60000, "cardinal", None, "APPROX")]),
    ("1 414 021 100", [("1 414 021 100", 1414021100, "cardinal", None, None)]),
    ("40\u202f000 tents", [("40\u202f000", 40000, "cardinal", None, None)]),
    ("40\u00a0000 tents", [("40\u00a0000", 40000, "cardinal", None, None)]),
    # ... but a group after a space is exactly three digits, the first one to three
    ("in 2023 120 people", [("2023", 2023, "cardinal", None, None), ("120", 120, "cardinal", None, None)]),
    ("5 000 10", [("5 000", 5000, "cardinal", None, None), ("10", 10, "cardinal", None, None)]),
    ("12 1234", [("12", 12, "cardinal", None, None), ("1234", 1234, "cardinal", None, None)]),
])
def test_space_separators(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("One and a half thousand troops were deployed.", [("One and a half thousand", 1500, "cardinal", None, None)]),
    ("two thirds of the houses", [("two thirds", 0.6667, "cardinal", None, None)]),
    ("More than two thirds", [("More than two thirds", 0.6667, "cardinal", None, "MORE_THAN")]),
    ("three quarters", [("three quarters", 0.75, "cardinal", None, None)]),
    ("one and a half", [("one and a half", 1.5, "cardinal", None, None)]),
    ("five and a quarter", [("five and a quarter", 5.25, "cardinal", None, None)]),
    ("a half", [("a half", 0.5, "cardinal", None, None)]),
    ("a third of the land", [("a third", 0.3333, "cardinal", None, None)]),
    ("a quarter of a million", [("a quarter of a million", 250000, "cardinal", None, None)]),
    ("1/5 of the budget", [("1/5", 0.2, "cardinal", None, None)]),
    ("2 1/2 tonnes", [("2 1/2 tonnes", 2.5, "quantity", "t", None)]),
    ("2½ km", [("2½ km", 2.5, "quantity", "km", None)]),
    # an ordinal after "a" that is no fraction stays an ordinal
    ("a third round of talks", [("third", 3, "ordinal", None, None)]),
    ("the third time", [("third", 3, "ordinal", None, None)]),
])
def test_fractions(numbers, text, expected):
    assert rounded(found(numbers, text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("three dozen tents", [("three dozen", 36, "cardinal", None, None)]),
    ("three dozens", [("three dozens", 36, "cardinal", None, None)]),
    ("half a dozen", [("half a dozen", 6, "cardinal", None, None)]),
    ("a dozen cases", [("a dozen", 12, "cardinal", None, None)]),
    ("322 hundred", [("322 hundred", 32200, "cardinal", None, None)]),
    ("200 dozens", [("200 dozens", 2400, "cardinal", None, None)]),
    ("10k", [("10k", 10000, "cardinal", None, None)]),
    ("1.2bn", [("1.2bn", 1200000000, "cardinal", None, None)]),
    ("2.33 k", [("2.33 k", 2330, "cardinal", None, None)]),
    ("US$3.5bn", [("US$3.5bn", 3500000000, "money", "USD", None)]),
    ("$10m", [("$10m", 10000000, "money", "USD", None)]),
    ("a 10m wall", [("10m", 10, "quantity", "m", None)]),  # "m" is million only after a currency
    ("minus 5", [("minus 5", -5, "cardinal", None, None)]),
    ("-1", [("-1", -1, "cardinal", None, None)]),
    ("negative five hundred and four", [("negative five hundred and four", -504, "cardinal", None, None)]),
    ("-3,200,000", [("-3,200,000", -3200000, "cardinal", None, None)]),
    ("three crore twelve lakh fifty-six thousand seven hundred twenty-one",
     [("three crore twelve lakh fifty-six thousand seven hundred twenty-one", 31256721, "cardinal", None, None)]),
    ("30 lakh", [("30 lakh", 3000000, "cardinal", None, None)]),
    ("three thousand millions", [("three thousand millions", 3000000000, "cardinal", None, None)]),
    ("two point two million", [("two point two million", 2200000, "cardinal", None, None)]),
    ("zero point five", [("zero point five", 0.5, "cardinal", None, None)]),
    (".77", [(".77", 0.77, "cardinal", None, None)]),
    ("a factor of 2.48×10−5", [("2.48×10−5", 2.48e-05, "cardinal", None, None)]),
    ("a hundred and two", [("a hundred and two", 102, "cardinal", None, None)]),
    ("a million people", [("a million", 1000000, "cardinal", None, None)]),
    ("nil", [("nil", 0, "cardinal", None, None)]),
    # words that are not one number
    ("one and two", [("one", 1, "cardinal", None, None), ("two", 2, "cardinal", None, None)]),
    ("the first one", [("first", 1, "ordinal", None, None), ("one", 1, "cardinal", None, None)]),
])
def test_multipliers_suffixes_negatives(numbers, text, expected):
    assert rounded(found(numbers, text)) == rounded(expected)


@pytest.mark.parametrize("text,expected", [
    ("more than 200 people", [("more than 200", 200, "cardinal", None, "MORE_THAN")]),
    ("over 2,000", [("over 2,000", 2000, "cardinal", None, "MORE_THAN")]),
    ("above 30", [("above 30", 30, "cardinal", None, "MORE_THAN")]),
    ("exceeding 2 cups", [("exceeding 2 cups", 2, "quantity", "cup", "MORE_THAN")]),
    ("under 18", [("under 18", 18, "cardinal", None, "LESS_THAN")]),
    ("below 6.0 pounds of meat", [("below 6.0 pounds", 6, "quantity", "lb", "LESS_THAN")]),
    ("fewer than ten", [("fewer than ten", 10, "cardinal", None, "LESS_THAN")]),
    ("about 40", [("about 40", 40, "cardinal", None, "APPROX")]),
    ("around 42 dollars", [("around 42 dollars", 42, "money", "USD", "APPROX")]),
    ("almost 90%", [("almost 90%", 90, "percent", None, "APPROX")]),
    ("some 3,000 people", [("some 3,000", 3000, "cardinal", None, "APPROX")]),
    ("approximately 12", [("approximately 12", 12, "cardinal", None, "APPROX")]),
    ("at least 7", [("at least 7", 7, "cardinal", None, "AT_LEAST")]),
    ("no less than 7", [("no less than 7", 7, "cardinal", None, "AT_LEAST")]),
    ("no more than 6 lbs", [("no more than 6 lbs", 6, "quantity", "lb", "AT_MOST")]),
    ("at most 7€", [("at most 7€", 7, "money", "EUR", "AT_MOST")]),
])
def test_qualifiers(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("£3 million", [("£3 million", 3000000, "money", "GBP", None)]),
    ("3 million pounds", [("3 million pounds", 3000000, "money", "GBP", None)]),
    ("two pounds of meat", [("two pounds", 2, "quantity", "lb", None)]),  # "of" makes it a measure
    ("ten dollars", [("ten dollars", 10, "money", "USD", None)]),
    ("a dollar", [("a dollar", 1, "money", "USD", None)]),
    ("20 dollars 43 cents", [("20 dollars 43 cents", 20.43, "money", "USD", None)]),
    ("$20 and 43c", [("$20 and 43c", 20.43, "money", "USD", None)]),
    ("more than 1 dollar and forty-two cents",
     [("more than 1 dollar and forty-two cents", 1.42, "money", "USD", "MORE_THAN")]),
    ("ten pennies", [("ten pennies", 0.1, "money", "USD", None)]),
    ("10¢", [("10¢", 0.1, "money", "USD", None)]),
    ("CHF 3.04", [("CHF 3.04", 3.04, "money", "CHF", None)]),
    ("CAD3.03", [("CAD3.03", 3.03, "money", "CAD", None)]),
    ("42 KWD", [("42 KWD", 42, "money", "KWD", None)]),
    ("42 Kuwaiti dinar", [("42 Kuwaiti dinar", 42, "money", "KWD", None)]),
    ("10 dinars", [("10 dinars", 10, "money", "dinar", None)]),
    ("Rs. 20", [("Rs. 20", 20, "money", "INR", None)]),
    ("5 lakh rupees", [("5 lakh rupees", 500000, "money", "INR", None)]),
    ("1.2 million euros", [("1.2 million euros", 1200000, "money", "EUR", None)]),
    ("20€", [("20€", 20, "money", "EUR", None)]),
    ("10 manats", [("10 manats", 10, "money", "AZN", None)]),
    # ISO codes count only in capitals; a lower-case word is no currency
    ("5 top officials", [("5", 5, "cardinal", None, None)]),
    ("two Afghans", [("two", 2, "cardinal", None, None)]),
])
def test_money(numbers, text, expected):
    assert rounded(found(numbers, text)) == rounded(expected)


@pytest.mark.parametrize("text,expected", [
    ("5 km", [("5 km", 5, "quantity", "km", None)]),
    ("five kilometres", [("five kilometres", 5, "quantity", "km", None)]),
    ("300 hectares", [("300 hectares", 300, "quantity", "ha", None)]),
    ("278,000 t", [("278,000 t", 278000, "quantity", "t", None)]),
    ("40 litres", [("40 litres", 40, "quantity", "l", None)]),
    ("500g", [("500g", 500, "quantity", "g", None)]),
    ("a kilogram", [("a kilogram", 1, "quantity", "kg", None)]),
    ("30 km/h", [("30 km/h", 30, "quantity", "km/h", None)]),
    ("a 27-kilometer ring", [("27-kilometer", 27, "quantity", "km", None)]),
    ("16.25 nanometers", [("16.25 nanometers", 16.25, "quantity", "nm", None)]),  # quantulum3's catalogue
    ("3 feet", [("3 feet", 3, "quantity", "ft", None)]),
    ("30 degrees Celsius", [("30 degrees Celsius", 30, "quantity", "°C", None)]),
    # words after a number that are no units
    ("12 people", [("12", 12, "cardinal", None, None)]),
    ("2 in the morning", [("2", 2, "cardinal", None, None)]),
])
def test_quantities(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("1. The Secretary-General\n2. The Council", []),  # paragraph numbers
    ("Letter\n3) The delegation", []),  # list bullets
    ("(i) the first point", [("first", 1, "ordinal", None, None)]),
    ("call +994 12 492 92 22 today", []),  # phone numbers
    ("Tel.: (012) 492-92-22", []),
    ("at 16:23 local time", []),  # clock times and timestamps
    ("at 00:01:23 in the video", []),
    ("at 2pm", []),
    ("at 10.30 am", []),
    ("12 Nizami Street", []),  # street numbers
    ("aged 19, 23 and 31", [("19", 19, "cardinal", None, None), ("23", 23, "cardinal", None, None),
                            ("31", 31, "cardinal", None, None)]),
    ("killed 12 people. 3 more died", [("12", 12, "cardinal", None, None), ("3", 3, "cardinal", None, None)]),
    ("the 101st and 3rd", [("101st", 101, "ordinal", None, None), ("3rd", 3, "ordinal", None, None)]),
    ("the 1,000th visitor", [("1,000th", 1000, "ordinal", None, None)]),
    ("5 percent", [("5 percent", 5, "percent", None, None)]),
    ("fifty per cent", [("fifty per cent", 50, "percent", None, None)]),
])
def test_not_numbers_and_plain_numbers(numbers, text, expected):
    assert found(numbers, text) == expected


def test_numbers_inside_dates_are_left_to_the_dates_layer(numbers):
    text = "On 20 January 1990, 131 civilians"
    assert found(numbers, text, dates=[(3, 18)]) == [("131", 131, "cardinal", None, None)]


def test_a_date_does_not_glue_to_a_following_number(numbers):
    text = "On 15 January 100 people"
    assert found(numbers, text, dates=[(3, 13)]) == [("100", 100, "cardinal", None, None)]


@pytest.mark.parametrize("phrase,value", [
    ("twenty-one", (21, False)), ("two hundred and five", (205, False)),
    ("hundredth", (100, True)), ("Seventy-eighth", (78, True)), ("banana", None),
])
def test_words_to_number(phrase, value):
    assert words_to_number(phrase) == value


def test_lexicon_with_an_unknown_key_is_a_config_error(tmp_path):
    good = load_config().stage_options("numbers")["lexicon"]
    bad = tmp_path / "numbers.toml"
    bad.write_text(open(good, encoding="utf-8").read() + "\n[surprise]\nx = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="surprise"):
        load_lexicon(bad)


def test_qualifier_table_with_a_bad_mod_is_a_config_error(tmp_path):
    options = load_config().stage_options("numbers")
    text = open(options["qualifiers"], encoding="utf-8").read().replace(
        '"over" = { numbers = "MORE_THAN" }', '"over" = { numbers = "MOST" }')
    bad = tmp_path / "qualifiers.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="over"):
        NumbersStage(lexicon=options["lexicon"], qualifiers=bad)


def test_numbers_read_the_one_qualifier_table():
    """configs/lexicons/qualifiers.toml is the only list of qualifiers (issue 14)."""
    options = load_config().stage_options("numbers")
    assert "qualifiers" not in open(options["lexicon"], encoding="utf-8").read().split("[words]")[0]
    stage = NumbersStage(**options)
    assert stage.qualifiers["at least"] == "AT_LEAST" and stage.qualifiers["exceeding"] == "MORE_THAN"


@pytest.mark.parametrize("text,expected", [
    ("Dozens of people", [("Dozens", 12, "cardinal", None, "AT_LEAST")]),
    ("dozens of houses", [("dozens", 12, "cardinal", None, "AT_LEAST")]),
    ("millions of people", [("millions", 1000000, "cardinal", None, "AT_LEAST")]),
    ("tens of thousands", [("tens of thousands", 10000, "cardinal", None, "AT_LEAST")]),
])
def test_vague_magnitudes_stay_vague(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    # contact blocks, letterheads and release numbers are not numbers
    ("Address: Laan van Meerdervoort 52, 2517 AE The Hague\nTel.: +31 70 365 21 14", []),
    ("Press Office\nTrg slobode 4, 75000 Tuzla\n", []),
    ("866 Second Avenue, 12th floor, New York, NY 10017\n", []),
    ("press officer, 07700 900 461\n", []),
    ("call 0800 555 0199, quoting", []),
    ("the hotline 0 800 31 31 31 or", []),
    ("Chargé d’affaires\n22-05617 (E)\n", []),
    ("UPDATE 4-Missile strike", []),
    ("6:52 PM GMT+3\n", []),
    ("incident 1487 of 15/03", []),  # a reference number; "15/03" is no fraction
    ("the 3/4 majority", [("3/4", 0.75, "cardinal", None, None)]),
    ("in case 5 people come", [("5", 5, "cardinal", None, None)]),
    ("the 366th motorized rifle regiment", []),
    ("Ukrzaliznytsia, first reported about 30 dead",
     [("about 30", 30, "cardinal", None, "APPROX")]),
    ("after a cup tie", []),
    # ... but prose about a street keeps its numbers
    ("On 3 Harbour Street, 5 people were killed.", [("5", 5, "cardinal", None, None)]),
    ("UPDATE: eight more arrests", [("eight", 8, "cardinal", None, None)]),
    ("the first injured were", [("first", 1, "ordinal", None, None)]),
])
def test_identifiers_and_boilerplate(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("between 7,000 and 10,000 were injured",
     [("7,000", 7000, "cardinal", None, "AT_LEAST"), ("10,000", 10000, "cardinal", None, "AT_MOST")]),
    ("men aged between 15 and 47.", [("15", 15, "cardinal", None, "AT_LEAST"), ("47", 47, "cardinal", None, "AT_MOST")]),
    ("the fate of more than half of them", [("more than half", 0.5, "cardinal", None, "MORE_THAN")]),
    ("half of them", []),
    ("drew several hundred residents", [("several hundred", 100, "cardinal", None, "AT_LEAST")]),
    ("forced an estimated 6 400 people", [("estimated 6 400", 6400, "cardinal", None, "APPROX")]),
    ("more than two-thirds of", [("more than two-thirds", 0.6667, "cardinal", None, "MORE_THAN")]),
    ("about 40 nautical miles south", [("about 40 nautical miles", 40, "quantity", "nmi", "APPROX")]),
])
def test_ranges_halves_vague(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("4km^2", [("4km^2", 4, "quantity", "km2", None)]),
    ("4 km squared", [("4 km squared", 4, "quantity", "km2", None)]),
    ("4 m³ of water", [("4 m³", 4, "quantity", "m3", None)]),
    ("a 50 m pool", [("50 m", 50, "quantity", "m", None)]),
])
def test_powers_of_units(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Fines ranged between 10 dollars and 20 dollars",
     [("10 dollars", 10, "money", "USD", None), ("20 dollars", 20, "money", "USD", None)]),
    ("1 point 1", [("1 point 1", 1.1, "cardinal", None, None)]),
    ("a 10 point plan", [("10", 10, "cardinal", None, None)]),
    ("1 k.g.", [("1 k.g.", 1, "quantity", "kg", None)]),
    ("30 lkh", [("30 lkh", 3000000, "cardinal", None, None)]),
])
def test_spreads_and_decimal_words(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("at 10.30 local time the police arrived", []),
    ("until 10.30 the police stayed", []),
    ("The index stood at 1.10, the ministry said.", [("1.10", 1.1, "cardinal", None, None)]),
    ("from 9.15 until 10.45", [("9.15", 9.15, "cardinal", None, None)]),  # "from" also opens ranges
    ("rose from 1.25 to 1.50", [("1.25", 1.25, "cardinal", None, None), ("1.50", 1.5, "cardinal", None, None)]),
    ("rose to 10.30 per cent", [("10.30 per cent", 10.3, "percent", None, None)]),
    ("at 2.25 metres", [("2.25 metres", 2.25, "quantity", "m", None)]),
    ("about 10.5 million", [("about 10.5 million", 10500000, "cardinal", None, "APPROX")]),
    ("at 24.50", [("24.50", 24.5, "cardinal", None, None)]),
])
def test_dotted_clock_times(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("It was the 3rd.", [("3rd", 3, "ordinal", None, None)]),
    ("Its GDP is $2.174T.", [("$2.174T", 2174000000000, "money", "USD", None)]),
    ("Each family received 2 g.", [("2 g.", 2, "quantity", "g", None)]),
    ("They seized 500g.", [("500g.", 500, "quantity", "g", None)]),  # "g." is a written form of the gram
])
def test_sentence_final_full_stop(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("a million and a half", [("a million and a half", 1500000, "cardinal", None, None)]),
    ("nearly half a million", [("nearly half a million", 500000, "cardinal", None, "APPROX")]),
    ("one and three quarters", [("one and three quarters", 1.75, "cardinal", None, None)]),
    ("three fifths", [("three fifths", 0.6, "cardinal", None, None)]),
    ("1 3/4", [("1 3/4", 1.75, "cardinal", None, None)]),
    ("ninety-nine cents", [("ninety-nine cents", 0.99, "money", "USD", None)]),
    ("-5 °C", [("-5 °C", -5, "quantity", "°C", None)]),
    ("a 3-inch gap", [("3-inch", 3, "quantity", "in", None)]),
    ("500 EUR", [("500 EUR", 500, "money", "EUR", None)]),
])
def test_more_spelled_and_written_forms(numbers, text, expected):
    assert found(numbers, text) == expected


@pytest.mark.parametrize("text,expected", [
    # a range is two numbers (SPEC has no range value), with a hyphen as with a dash
    ("200-300 people", [("200", 200, "cardinal", None, None), ("300", 300, "cardinal", None, None)]),
    ("200–300 people", [("200", 200, "cardinal", None, None), ("300", 300, "cardinal", None, None)]),
    ("COVID-19 cases", []),
    ("the A-5 road", []),
])
def test_hyphen_ranges(numbers, text, expected):
    assert found(numbers, text) == expected


# -- fast forms of the scans: same matches as the plain forms -------------------------

def _generated(pieces: list[str], count: int = 2000, seed: int = 3) -> list[str]:
    """Deterministic strings glued from ``pieces`` (words, case variants, separators)."""
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_ascii_case_variants_are_the_two_ascii_cases():
    """What _initial_class relies on: an ASCII character matches a letter case-insensitively
    only as its lower or upper case (other variants, such as the Kelvin sign, are not ASCII)."""
    import re
    import string

    for letter in string.ascii_lowercase:
        rx = re.compile(letter, re.IGNORECASE)
        assert {chr(c) for c in range(128) if rx.fullmatch(chr(c))} == {letter, letter.upper()}


@pytest.mark.parametrize("words,flexible", [
    (["six", "seven", "sixty", "kilo", "a", "an", "in", "ii"], False),
    (["tens of thousands", "thousands", "several dozen", "scores"], True),
])
def test_initial_class_matches_as_the_plain_pattern(words, flexible):
    import re

    from pipeline.patterns import trie_alternation
    from pipeline.stages.numbers import _initial_class

    plain = re.compile(rf"\b(?:{trie_alternation(words, flexible)})\b", re.IGNORECASE)
    first, rest = _initial_class(words, flexible)
    fast = re.compile(rf"{first}{rest}\b")
    pieces = words + [w.upper() for w in words] + [w.title() for w in words] + [
        " ", "  ", "\n", "-", "x", "_", "9", "é", "\u212a", "\u0130", "\u017f", "\u0131", "of", "OF", "s"]
    hits = 0
    for text in _generated(pieces):
        spans = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in fast.finditer(text)] == spans, text
        hits += len(spans)
    assert hits


def test_initial_class_refuses_a_word_without_an_ascii_initial():
    from pipeline.stages.numbers import _initial_class

    with pytest.raises(ValueError):
        _initial_class(["éclair"])


def test_reversed_patterns_hold_wherever_the_end_anchored_searches_match(numbers):
    """Each `*_rev` pattern matched on the reversed context must accept whenever its
    forward search finds a match (else the stage would skip a real one)."""
    lex = numbers.lex
    pieces = (list(numbers.qualifiers) + [q.upper() for q in numbers.qualifiers] + list(lex.words.negatives)
              + list(numbers.prefix_cur)[:40] + list(lex.not_numbers.clock_zones) + list(lex.not_numbers.street_types)
              + [s.title() for s in lex.not_numbers.street_types] + list(lex.not_numbers.clock_prepositions)
              + [" ", "  ", "\n", "\u00a0", "(", "“", "+", "-", "−", "x", "10.30", "9.05", "23.59", "1", "4", "."]
              + [f"{w} " for w in lex.words.negatives] + [f" {w.title()}  " for w in lex.words.negatives]
              + [f" {w} 10.30" for w in lex.not_numbers.clock_prepositions + lex.not_numbers.clock_prepositions_weak])
    pairs = [(numbers.qual_left_re, numbers.qual_left_rev), (numbers.neg_left_re, numbers.neg_left_rev),
             (numbers.cur_left_re, numbers.cur_left_rev), (numbers.zone_re, numbers.zone_rev),
             (numbers.street_before_re, numbers.street_before_rev), (numbers.dotted_clock_re, numbers.dotted_clock_rev),
             (numbers.dotted_clock_weak_re, numbers.dotted_clock_rev)]
    hits = [0] * len(pairs)
    for text in _generated(pieces, count=3000):
        for k in range(len(text) + 1):
            before = text[max(0, k - 40):k]
            backwards = before[::-1]
            for i, (forward, backward) in enumerate(pairs):
                if forward.search(before):
                    hits[i] += 1
                    assert backward.match(backwards), (before, forward.pattern[:60])
    assert all(hits), hits


@pytest.mark.parametrize("text,expected", [
    # one-word runs read from the table, next to runs of several words
    ("a man and an hour", []),
    ("Half of them", []),
    ("one, two and Three", [("one", 1, "cardinal", None, None), ("two", 2, "cardinal", None, None),
                            ("Three", 3, "cardinal", None, None)]),
    ("ONE HUNDRED people", [("ONE HUNDRED", 100, "cardinal", None, None)]),
    ("the third time", [("third", 3, "ordinal", None, None)]),
    # qualified "half", with and without the word in other cases
    ("nearly HALF of them", [("nearly HALF", 0.5, "cardinal", None, "APPROX")]),
    ("about halfway", []),
    # a qualifier, a negative word and a currency after a line break
    ("more than\n20 people", [("more than\n20", 20, "cardinal", None, "MORE_THAN")]),
    ("USD\n20", [("USD\n20", 20, "money", "USD", None)]),
])
def test_fast_paths_keep_their_answers(numbers, text, expected):
    assert found(numbers, text) == expected


def test_mask_equals_masking_character_by_character():
    """_mask joins slices; it must give what assigning MASK over each span gives, for
    overlapping, touching, empty and out-of-range spans alike."""
    import random

    from pipeline.stages.numbers import MASK, _mask

    def by_characters(text, spans):
        chars = list(text)
        for s, e in spans:
            chars[s:e] = MASK * (e - s)
        return "".join(chars)

    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice("ab c") for _ in range(rng.randint(0, 30)))
        spans = [(rng.randint(-3, 33), rng.randint(-3, 33)) for _ in range(rng.randint(1, 4))]
        assert _mask(text, spans) == by_characters(text, spans), (text, spans)
    assert _mask("on 5 May 2020 10 died", [(3, 13)]) == "on " + MASK * 10 + " 10 died"


@pytest.mark.parametrize("text,expected", [
    # overlapping candidates: the longest extent wins, then the earlier finder
    ("one hundred 20 people", [("one hundred", 100, "cardinal", None, None), ("20", 20, "cardinal", None, None)]),
    ("nearly half a million and 3", [("nearly half a million", 500000, "cardinal", None, "APPROX"),
                                     ("3", 3, "cardinal", None, None)]),
    ("between 7,000 and 10,000 people", [("7,000", 7000, "cardinal", None, "AT_LEAST"),
                                         ("10,000", 10000, "cardinal", None, "AT_MOST")]),
])
def test_overlaps_and_ranges(numbers, text, expected):
    assert found(numbers, text) == expected


def test_lowered_text_reads_as_case_insensitive_patterns_on_every_code_point():
    """What patterns.lowered relies on, over all of Unicode: outside CASE_EXCEPTIONS and characters
    that lower-case to several, a letter or sign of the lowered-text patterns matches a
    character case-insensitively exactly when the character lower-cases to it, and lower
    casing keeps \\w and \\s."""
    import re
    import string

    from pipeline.patterns import CASE_EXCEPTIONS

    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    cased = [c for c in every if c.lower() != c]
    exceptions = set()
    for p in string.ascii_lowercase + "&-—([\"“ ":
        matched = set(re.findall(re.escape(p), every, re.IGNORECASE))
        exceptions |= matched ^ ({p} | {c for c in cased if c.lower() == p})
    assert exceptions  # (dotless i, long s, dotted capital I)
    assert all(len(c.lower()) > 1 or CASE_EXCEPTIONS.match(c) for c in exceptions)  # lowered refuses them
    for rx in (re.compile(r"\w"), re.compile(r"\s")):
        assert [c for c in cased if len(c.lower()) == 1 and bool(rx.match(c)) != bool(rx.match(c.lower()))] == []


def test_word_scans_on_lowered_text_find_what_the_case_insensitive_scans_find(numbers):
    from pipeline.patterns import lowered

    pieces = ["one", "ONE", "Hundred", "thousands", "Tens of  Thousands", "a", "A", "an", "AN", "half", "HALF",
              "more than", "Nearly", "dollar", "Kilogram", "metre", "dozen", "and", "&", "-", "—", " ", "  ",
              "\n", "(", "“", "x", "3", "\u212aoti", "é", "ſ", "ı", "İ", "ix", "even"]
    seen = 0
    for text in _generated(pieces, count=2500, seed=11):
        low = lowered(text)
        if low is None:
            continue
        seen += 1
        for finder in (numbers._spelled, numbers._a_units, numbers._vague, numbers._halves):
            assert finder(text, low) == finder(text), (finder.__name__, text)
    assert seen > 500


@pytest.mark.parametrize("text,expected", [
    # texts lowered refuses take the case-insensitive scans (answers as before they existed:
    # the scan takes "ſix" but its lower-cased word is no vocabulary word)
    ("ſix people", []),
    ("İstanbul: Seven died", [("Seven", 7, "cardinal", None, None)]),
    ("ıt has two", [("two", 2, "cardinal", None, None)]),
    ("ONE HUNDRED ſ", [("ONE HUNDRED", 100, "cardinal", None, None)]),
    ("\u212aoti", []),
])
def test_case_variants(numbers, text, expected):
    assert found(numbers, text) == expected


def test_longest_first_trie_matches_as_the_flat_alternation(numbers):
    """The unit patterns' tries take, at every position, what the flat longest-first
    alternations take (the same words, the same span)."""
    import re

    from pipeline.stages.numbers import _alternation, _longest_first, _words_re

    lex = numbers.lex
    cs_units = list(numbers.unit_symbols) + list(lex.currencies.iso_codes) + list(lex.currencies.prefix) \
        + list(numbers.glued_subunits)
    ci_units = list(numbers.unit_symbols_ci) + list(numbers.cur_words) + list(numbers.subunits)
    cases = [(cs_units, _alternation(cs_units), _longest_first(cs_units), 0),
             (ci_units, _words_re(ci_units), _longest_first(ci_units, True, True), re.IGNORECASE)]
    for words, flat, fast, flags in cases:
        assert flat != fast  # the trie is in use for the lexicon's lists
        flat_rx = re.compile(rf"\s?({flat})(?![^\W²³])", flags)
        fast_rx = re.compile(rf"\s?({fast})(?![^\W²³])", flags)
        pieces = words + [w.upper() for w in words[:60]] + [" ", "  ", "/", "²", "-", "x", "s", "h", "2", "."]
        hits = 0
        for text in _generated(pieces, count=800, seed=13):
            for pos in range(len(text)):
                a, b = flat_rx.match(text, pos), fast_rx.match(text, pos)
                assert (a and a.span(1)) == (b and b.span(1)), (text, pos)
                hits += a is not None
        assert hits


def test_longest_first_keeps_the_flat_list_when_a_trie_could_differ():
    from pipeline.stages.numbers import _longest_first, _words_re

    # micro sign and Greek mu match each other case-insensitively: siblings a trie would split
    assert set(_longest_first(["µg", "μg"], ignore_case=True).split("|")) == {"µg", "μg"}
    assert set(_longest_first(["Kg", "kg"], ignore_case=True).split("|")) == {"Kg", "kg"}
    assert _longest_first(["per  cent"], flexible_spaces=True) == _words_re(["per  cent"])


def test_address_line_fast_searches_find_what_the_plain_ones_find(numbers):
    lex = numbers.lex
    words = list(lex.not_numbers.address_words) + list(lex.not_numbers.street_types)
    pieces = words + [w.upper() for w in words] + [w.title() for w in words] + [
        " ", "  ", "\t", ",", "4", "866", "12a", "Second", "x", "é", "-", "(", "ſ", "\u212a"]
    hits = 0
    for line in _generated(pieces, count=3000, seed=17):
        plain = bool(numbers.address_word_re.search(line) or numbers.street_number_re.search(line))
        fast = bool(numbers.address_word_fast_re.search(line) or numbers.street_number_after_re.search(line)
                    or numbers.street_number_before_re.search(line))
        assert plain == fast, line
        hits += plain
    assert 100 < hits < 2900
