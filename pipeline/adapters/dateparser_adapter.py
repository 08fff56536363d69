"""The one place dateparser is called: English only, one reused parser, cached.

Used for date strings the TIMEX grammar does not know. Returns a TIMEX3 value at
the granularity dateparser reports, or None; dateparser's own errors never
escape (a bad candidate is simply not a date). A value never depends on the day
the run happens: the string must name its year (dateparser's REQUIRE_PARTS), and
the relative base is a fixed day or the caller's anchor.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Optional

# Any fixed day: with REQUIRE_PARTS=["year"] it only fills nothing the text leaves open.
_FIXED_BASE = datetime(2000, 1, 1)
_PARSERS: dict = {}


def _parser(base: datetime):
    if base not in _PARSERS:
        from dateparser.date import DateDataParser

        _PARSERS[base] = DateDataParser(
            languages=["en"],
            settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                      "RELATIVE_BASE": base, "REQUIRE_PARTS": ["year"],
                      "PARSERS": ["custom-formats", "absolute-time"]},
        )
    return _PARSERS[base]


@lru_cache(maxsize=4096)
def parse_date(text: str, anchor: Optional[date] = None) -> Optional[str]:
    """TIMEX3 value of ``text`` ('1990-01-20', '1990-01', '1990', '1990-01-20T16:23') or None.

    ``text`` must state its year; ``anchor`` (default a fixed day) is only dateparser's
    relative base. Never raises.
    """
    if not any(ch.isdigit() for ch in text):
        return None
    try:
        base = datetime.combine(anchor, datetime.min.time()) if anchor else _FIXED_BASE
        data = _parser(base).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    if data is None or data.date_obj is None:
        return None
    d, period = data.date_obj, data.period
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "time" and (d.hour or d.minute):
        return d.strftime("%Y-%m-%dT%H:%M")
    return d.date().isoformat()
