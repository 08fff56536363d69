"""The one place quantulum3 is used: its unit catalogue, read once, looked up by word.

Recount finds and values numbers itself (pipeline/stages/numbers.py); quantulum3
only answers "is this word after a number a unit of measure, and what is its
symbol?" for words the numbers lexicon does not list ("16.25 nanometers" -> "nm").
Its parser is not called: it is slow and reads dates, counts and currencies in
ways SPEC does not (durations belong to the dates layer, currencies to the
lexicon's ISO 4217 table).

The catalogue is quantulum3's own unit files (``load.GENERAL_UNITS_PATH`` and
``load.LANGUAGE_UNITS_PATH("en_US")``) with its SI-prefix expansion
(``load.Units.prefixed_units``), read without ``load.units()``: that call imports
``inflect`` for plurals, which costs about 2 s per process (measured with
``python -X importtime``); plurals are made here by the regular English rules.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Optional

# quantulum3 entities whose units are not quantities in SPEC's sense: time spans are
# durations (dates layer), currencies come from the lexicon, and "dimensionless"
# units are counts.
SKIPPED_ENTITIES = frozenset({"time", "currency", "dimensionless", "unknown"})
# The English plurals the regular rules get wrong, for unit words.
IRREGULAR_PLURALS = {"foot": "feet", "inch": "inches", "hertz": "hertz", "siemens": "siemens",
                     "lux": "lux", "celsius": "celsius", "fahrenheit": "fahrenheit"}


def _plural(word: str) -> str:
    """Regular English plural of one word ("metre" -> "metres", "inch" -> "inches")."""
    low = word.lower()
    if low in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[low]
    if re.search(r"(?:s|x|z|ch|sh)$", low):
        return word + "es"
    if re.search(r"[^aeiou]y$", low):
        return word[:-1] + "ies"
    return word + "s"


def _plurals(surface: str) -> set[str]:
    """Plural forms of a unit surface: the last word, or the first one before "per" or a
    capitalised qualifier ("metres per second", "degrees Celsius")."""
    words = surface.split(" ")
    out = {" ".join(words[:-1] + [_plural(words[-1])])}
    if len(words) > 1:
        out.add(" ".join([_plural(words[0])] + words[1:]))
    return out


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, str], dict[str, str]]:
    """(exact symbol -> symbol, lower-case name, surface or plural -> symbol).

    A unit's symbol is the first of its ``symbols`` (quantulum3's order), else its name.
    Returns two empty dicts when quantulum3's files cannot be read (the lexicon still works).
    """
    try:
        from quantulum3 import load

        merged: dict[str, dict] = {}
        for path in (load.GENERAL_UNITS_PATH, load.LANGUAGE_UNITS_PATH("en_US")):
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            for name, unit in data.items():
                for full_name, full_unit in load.Units.prefixed_units(name, unit):
                    merged.setdefault(full_name, {}).update(full_unit)
    except Exception:  # a broken install must not stop the pipeline
        return {}, {}
    exact: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, unit in merged.items():
        if unit.get("entity", "unknown") in SKIPPED_ENTITIES:
            continue
        symbols = list(unit.get("symbols", []))
        symbol = symbols[0] if symbols else name
        for s in symbols:
            exact.setdefault(s, symbol)
        for surface in [name] + list(unit.get("surfaces", [])):
            for form in {surface} | _plurals(surface):
                names.setdefault(form.lower(), symbol)
    return exact, names


def unit_symbol(word: str) -> Optional[str]:
    """The usual symbol of the unit ``word`` names ("nanometers" -> "nm", "eV" -> "eV"),
    or None when quantulum3 knows no such unit of measure.

    Symbols are matched exactly ("MB" is not "mb"), names and their plurals
    case-insensitively (several words allowed: "kilometres per hour"). Units of time,
    currencies and dimensionless units are never returned (see SKIPPED_ENTITIES).
    Words of one letter are never units here: after a number they are far more often
    an initial or an article than a symbol.
    """
    if len(word) < 2:
        return None
    exact, names = _catalogue()
    return exact.get(word) or names.get(word.lower())


@lru_cache(maxsize=1)
def unit_phrase_starts() -> frozenset[str]:
    """Lower-cased first words of the catalogue's units of several words ("kilometres" for
    "kilometres per hour"): unit_symbol answers None for any phrase of several words whose
    lower-cased first word is not in this set (a cheap test before building the phrase)."""
    exact, names = _catalogue()
    return frozenset(key.split(" ")[0].lower() for key in [*exact, *names] if " " in key)
