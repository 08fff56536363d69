"""The one place the ``holidays`` package is called: days of lunar and lunisolar holidays.

Eid al-Fitr, Ramadan, Passover, Diwali or the Chinese New Year move every year; their
dates come from the calendar tables of the ``holidays`` package (python-holidays,
"Open World Holidays Framework", MIT licence): ``holidays.calendars`` Hindu, Islamic,
Hebrew and Chinese calendars, whose ``<name>_date(year)`` / ``<name>_dates(year)``
methods give the Gregorian day(s) of a holiday in a year. Those classes carry a
leading underscore upstream, so this adapter is the only code that touches them
and any change upstream breaks here only (a failure gives None, never an error).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Optional

CALENDARS = ("hindu", "islamic", "hebrew", "chinese")


@lru_cache(maxsize=None)
def _calendar(name: str):
    from holidays.calendars import (_ChineseLunisolar, _HebrewLunisolar, _HinduLunisolar,
                                    _IslamicLunar)

    return {"hindu": _HinduLunisolar, "islamic": _IslamicLunar, "hebrew": _HebrewLunisolar,
            "chinese": _ChineseLunisolar}[name]()


@lru_cache(maxsize=4096)
def calendar_holiday(calendar: str, holiday: str, year: int) -> Optional[date]:
    """The Gregorian day of ``holiday`` (a method stem such as ``diwali``,
    ``eid_al_fitr``, ``passover``, ``lunar_new_year``) in ``year`` of the named calendar
    (hindu, islamic, hebrew, chinese); the first one that falls in the year when the
    table gives several; None when the table has no such holiday or year."""
    if calendar not in CALENDARS:
        return None
    try:
        cal = _calendar(calendar)
        method = getattr(cal, f"{holiday}_date", None) or getattr(cal, f"{holiday}_dates", None)
        if method is None:
            return None
        result = method(year)
        days = _days(result)
    except Exception:  # an upstream table without that year, or a changed API
        return None
    in_year = sorted(d for d in days if d.year == year)
    return in_year[0] if in_year else None


def _days(result) -> list[date]:
    """Dates out of the shapes the calendar methods return: a date, (date, exact),
    a set of dates, or a generator of (date, exact)."""
    if result is None:
        return []
    if isinstance(result, date):
        return [result]
    if isinstance(result, tuple) and result and isinstance(result[0], date):
        return [result[0]]
    out = []
    for item in result:
        if isinstance(item, date):
            out.append(item)
        elif isinstance(item, tuple) and item and isinstance(item[0], date):
            out.append(item[0])
    return out
