"""Identifier numbers (document symbols, list contexts, telephone numbers)."""

from __future__ import annotations

import pytest

from pipeline.adapters.quantulum_adapter import unit_symbol
from pipeline.identifiers import is_identifier_number


def ident(text: str, part: str) -> bool:
    start = text.index(part)
    return is_identifier_number(text, start, start + len(part))


@pytest.mark.parametrize("text,part,expected", [
    ("(A/74/649–S/2020/34)", "649", True),
    ("under agenda items 31, 71 and 129", "71", True),
    ("call +994 12 492 92 22 today", "492", True),
    ("Tel.: (012) 492-92-22", "492", True),
    ("Fax: 212-963-1234", "963", True),
    ("quoting incident 1487 of", "1487", True),
    # must NOT be identifiers: dates, counts, years, lists of figures
    ("on 2025-01-17 the", "2025", False),
    ("on 17.01.2025 the", "17", False),
    ("19, 23 and 31 years", "23", False),
    ("816 000 people", "816", False),
    ("150 civilians, 744 others", "744", False),
    ("in case 5 people come", "5", False),
])
def test_is_identifier_number(text, part, expected):
    assert ident(text, part) is expected


@pytest.mark.parametrize("word,symbol", [
    ("nanometers", "nm"), ("feet", "ft"), ("GHz", "GHz"), ("kilometres per hour", "kph"),
    # not units of measure here: counts, time (dates layer), currencies (lexicon), one letter
    ("people", None), ("days", None), ("dollars", None), ("m", None),
])
def test_unit_symbol(word, symbol):
    assert unit_symbol(word) == symbol


def _generated_texts(count: int = 3000) -> list[str]:
    """Deterministic strings built from list words, separators and digits (cases the
    context patterns take and cases they must not take)."""
    import random

    rng = random.Random(7)
    pieces = ["item", "Items", "agenda  items", "paragraph", "No.", "nos.", "no", "tel", "Tel.", "fax",
              "P.O.  Box", "call", "update", "version", "case", "ref.", "Ref", "incident", "number", "crime",
              " ", "  ", "\n", ":", ".", ",", "-", "–", "+", "(", ")", "/", "A", "S/", "and", "AND", "0", "00",
              "012", "3", "45", "678", "1234", "x", "hotel", "the", "İ", "ſ",
              "+994 12 492 92 22", "(012) 492-92-22", "212-963-1234", "0161 555 0142", "0 800 31 31 31",
              "22-05617", "212.963.1234", "+41 22", "(34)", "2.5", "07700 900 461"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def test_reversed_context_patterns_match_exactly_where_the_forward_search_does():
    """The reversed patterns decide with one try what the `$`-anchored searches decide."""
    from pipeline import identifiers as ids

    pairs = [(ids.LIST_CONTEXT, ids.LIST_CONTEXT_REVERSED), (ids.VERSION_CONTEXT, ids.VERSION_CONTEXT_REVERSED),
             (ids.REFERENCE_CONTEXT, ids.REFERENCE_CONTEXT_REVERSED)]
    hits = [0, 0, 0]
    for text in _generated_texts():
        for k in range(len(text) + 1):
            before = text[max(0, k - 80):k]
            any_found = False
            for i, (forward, backward) in enumerate(pairs):
                found = forward.search(before) is not None
                assert found == (backward.match(before[::-1]) is not None), (before, forward.pattern)
                hits[i] += found
                any_found |= found
            assert any_found == (ids.ANY_CONTEXT_REVERSED.match(before[::-1]) is not None), before
    assert all(hits)  # the generated strings do reach every pattern


def test_phone_hint_is_found_in_every_window_holding_a_phone_number():
    from pipeline import identifiers as ids

    phones = 0
    for text in _generated_texts():
        for lo in range(0, len(text), 3):
            hi = min(len(text), lo + 60)
            if ids.PHONE.search(text, lo, hi):
                phones += 1
                assert ids.PHONE_HINT.search(text, lo, hi), text[lo:hi]
    assert phones > 1000


def test_unit_phrase_starts_hold_every_first_word_of_a_unit_of_several_words():
    from pipeline.adapters.quantulum_adapter import _catalogue, unit_phrase_starts

    starts = unit_phrase_starts()
    assert {"kilometres", "degrees"} <= starts and "people" not in starts
    exact, names = _catalogue()
    phrases = [k for k in [*exact, *names] if " " in k]
    assert phrases
    for phrase in phrases + [p.upper() for p in phrases] + [p.title() for p in phrases]:
        if unit_symbol(phrase) is not None:
            assert phrase.split(" ")[0].lower() in starts, phrase
