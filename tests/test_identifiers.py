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
