"""French public holidays (jours fériés), from the `holidays` package; school holidays are
staff-edited Closures.

The calendar is the setting `PUBLIC_HOLIDAYS`: `france` (metropolitan France, the default) or
`alsace-moselle`, which adds Good Friday and 26 December (Bas-Rhin, Haut-Rhin and Moselle's own
public holidays). A setting rather than a field of `Structure`: an installation serves one
structure, and every notice-period computation reads the calendar, without a query.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays
from django.conf import settings

# Our setting's values -> the `holidays` package's subdivision of France (None: the country's).
SUBDIVISIONS: dict[str, str | None] = {"france": None, "alsace-moselle": "57"}


@cache
def _bank_holidays(year: int, subdivision: str | None) -> frozenset[datetime.date]:
    return frozenset(holidays.France(years=year, subdiv=subdivision))


def bank_holidays(year: int) -> frozenset[datetime.date]:
    """The public holidays of `year` in the structure's calendar (`PUBLIC_HOLIDAYS`)."""
    return _bank_holidays(year, SUBDIVISIONS[settings.PUBLIC_HOLIDAYS])


def is_bank_holiday(day: datetime.date) -> bool:
    return day in bank_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, public holidays excluded."""
    return day.isoweekday() <= 5 and not is_bank_holiday(day)
