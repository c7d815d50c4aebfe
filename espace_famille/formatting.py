"""Dates and file sizes in words, the one way every page and message writes them.

- `long_date(value, "j F Y")`: Django's date format, with the French ordinal of the first day
  of a month ("1er octobre", never "1 octobre"); other days and languages as Django writes them.
  `plain_date(day, "j/m")`: Django's date format of a day, without the ordinal. A day's words
  are remembered per format and language (Django takes 15-20 us to write one).
- `file_size(bytes)`: French units ("octet", "Ko", "Mo", "Go"; Django's French catalogue says
  "Kio"), one decimal below ten ("1,5 Ko"), the local decimal separator.
The template filters of the same names are in `templatetags/formatting.py`.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _first_of_month(fmt: str) -> str:
    """`fmt` with each unescaped "j" (day without leading zero) written "1er"."""
    out = []
    escaped = False
    for char in fmt:
        if escaped:
            out.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j":
            out.append(r"\1\e\r")
        else:
            out.append(char)
    if escaped:
        out.append("\\")
    return "".join(out)


def long_date(value: datetime.date | datetime.datetime | None, fmt: str = "j F Y") -> str:
    """A date (or moment, in local time) in words: "jeudi 1er octobre 2026"."""
    if value is None or value == "":
        return ""
    language = translation.get_language() or ""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return _long_date(value, fmt, language)
    return _day_in_words(value, fmt, language, ordinal=True)


def plain_date(value: datetime.date | None, fmt: str) -> str:
    """A day as Django's `date` filter writes it, without the ordinal: "1/10", "jeu."."""
    if value is None or value == "":
        return ""
    return _day_in_words(value, fmt, translation.get_language() or "", ordinal=False)


def _long_date(value: datetime.date, fmt: str, language: str) -> str:
    if value.day == 1 and language.split("-")[0] == "fr":
        fmt = _first_of_month(fmt)
    return formats.date_format(value, fmt)


@functools.lru_cache(maxsize=4096)
def _day_in_words(value: datetime.date, fmt: str, language: str, *, ordinal: bool) -> str:
    """A day (not a moment) reads the same on every page in a language: remembered. Django
    formats a date in 15-20 us; the month's planning writes about 80 of them (its day headers
    and the hidden labels of its boxes to tick): 1.3 ms of its 15 ms (SQLite, 2,000
    households, 2026-11-28). The settings a test changes clear it (`_forget_days`)."""
    return _long_date(value, fmt, language) if ordinal else formats.date_format(value, fmt)


@receiver(setting_changed)
def _forget_days(**kwargs: Any) -> None:
    _day_in_words.cache_clear()


def file_size(size: int | None) -> str:
    """A size in bytes, in words: "900 octets", "1,5 Ko", "12 Mo"."""
    try:
        size = int(size or 0)
    except (TypeError, ValueError):
        size = 0
    if size < 1024:
        return ngettext("%(size)s octet", "%(size)s octets", size) % {"size": size}
    units = [_("%(size)s Ko"), _("%(size)s Mo"), _("%(size)s Go")]
    value = size / 1024
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    shown = round(value, 1) if value < 10 else round(value)
    if shown == int(shown):
        shown = int(shown)
    return units[unit] % {"size": formats.localize(shown, use_l10n=True)}


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's field `name` (a concrete field: a reverse relation has no label)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


def field_label(model: type[models.Model], name: str) -> str:
    """The field's label as the model declares it ("date de naissance")."""
    return str(model_field(model, name).verbose_name)
