"""The one place quantulum3 is called: only on a short candidate span, cached.

quantulum3 misreads some spans (e.g. dimensionless numbers as units, or
currency words); the guard accepts its unit only when the value it parsed
agrees with ours and its unit has a symbol.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional


@lru_cache(maxsize=4096)
def parse_quantity(span: str) -> Optional[str]:
    """The unit symbol quantulum3 gives for ``span`` ("5 km" -> "km"), or None."""
    try:
        from quantulum3 import parser

        quantities = parser.parse(span)
    except Exception:  # quantulum3 raises on odd input; the caller has a fallback
        return None
    for q in quantities:
        unit = getattr(q, "unit", None)
        symbol = getattr(unit, "symbol", None) if unit is not None else None
        if symbol and getattr(unit, "name", "dimensionless") != "dimensionless":
            return symbol
    return None
