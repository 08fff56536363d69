"""The one place quantulum3 is used: its unit catalogue, read once, looked up by word.

Recount finds and values numbers itself (pipeline/stages/numbers.py); quantulum3
only answers "is this word after a number a unit of measure, and what is its
symbol?" for words the numbers lexicon does not list ("16.25 nanometers" -> "nm").
Its parser is not called: it is slow and reads dates, counts and currencies in
ways SPEC does not (durations belong to the dates layer, currencies to the
lexicon's ISO 4217 table).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

# quantulum3 entities whose units are not quantities in SPEC's sense: time spans are
# durations (dates layer), currencies come from the lexicon, and "dimensionless"
# units are counts.
SKIPPED_ENTITIES = frozenset({"time", "currency", "dimensionless", "unknown"})


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, str], dict[str, str]]:
    """(exact symbol -> symbol, lower-case name or surface -> symbol) from quantulum3.

    A unit's symbol is the first of its ``symbols`` (quantulum3's order), else its name.
    Surfaces include quantulum3's plurals ("feet", "inches").
    Returns two empty dicts when quantulum3 cannot be loaded (the lexicon still works).
    """
    try:
        from quantulum3 import load

        units = load.units("en_US")
    except Exception:  # a broken install must not stop the pipeline
        return {}, {}
    def usual(candidates) -> Optional[str]:
        for unit in candidates:
            entity = getattr(getattr(unit, "entity", None), "name", "unknown")
            if entity not in SKIPPED_ENTITIES:
                symbols = list(getattr(unit, "symbols", []) or [])
                return symbols[0] if symbols else unit.name
        return None

    exact = {s: sym for s, c in units.symbols.items() if (sym := usual(c))}
    names = {s: sym for s, c in units.surfaces_lower.items() if (sym := usual(c))}
    return exact, names


def unit_symbol(word: str) -> Optional[str]:
    """The usual symbol of the unit ``word`` names ("nanometers" -> "nm", "eV" -> "eV"),
    or None when quantulum3 knows no such unit of measure.

    Symbols are matched exactly ("MB" is not "mb"), names and their plurals
    case-insensitively (several words allowed: "kilometres per hour"). Units of time, currencies and dimensionless units are never
    returned (see SKIPPED_ENTITIES). Words of one letter are never units here: after a
    number they are far more often an initial or an article than a symbol.
    """
    if len(word) < 2:
        return None
    exact, names = _catalogue()
    return exact.get(word) or names.get(word.lower())
