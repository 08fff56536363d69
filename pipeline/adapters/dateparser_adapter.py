"""The one place dateparser is called: English only, one reused parser, cached.

Used for date strings the TIMEX grammar does not know. Returns a TIMEX3 value at
the granularity dateparser reports, or None; dateparser's own errors never
escape (a bad candidate is simply not a date).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Optional

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        from dateparser.date import DateDataParser

        _PARSER = DateDataParser(
            languages=["en"],
            settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
        )
    return _PARSER


@lru_cache(maxsize=4096)
def parse_date(text: str, anchor: Optional[date] = None) -> Optional[str]:
    """TIMEX3 value of ``text`` ('1990-01-20', '1990-01', '1990') or None."""
    if not any(ch.isdigit() for ch in text) and anchor is None:
        return None
    try:
        parser = _parser()
        settings = {"RELATIVE_BASE": datetime.combine(anchor, datetime.min.time())} if anchor else {}
        if settings:
            from dateparser.date import DateDataParser

            data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
        else:
            data = parser.get_date_data(text)
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
