"""French bank holidays (jours fériés), computed; school holidays are staff-edited Closures."""

from __future__ import annotations

import datetime
from functools import cache


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@cache
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """The eleven French bank holidays of metropolitan France."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + datetime.timedelta(days=n) for n in (1, 39, 50)]
    return frozenset([datetime.date(year, m, d) for m, d in fixed] + movable)


def is_bank_holiday(day: datetime.date) -> bool:
    return day in bank_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, bank holidays excluded."""
    return day.isoweekday() <= 5 and not is_bank_holiday(day)
