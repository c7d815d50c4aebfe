"""{% load formatting %}: `|long_date:"l j F Y"` ("1er octobre"), `|plain_date:"j/m"` (Django's
`|date` for a day, remembered) and `|file_size` ("1,5 Ko")."""

from __future__ import annotations

import datetime

from django import template

from espace_famille import formatting

register = template.Library()


@register.filter
def long_date(value: datetime.date | datetime.datetime | None, fmt: str = "j F Y") -> str:
    return formatting.long_date(value, fmt)


@register.filter
def plain_date(value: datetime.date | None, fmt: str) -> str:
    return formatting.plain_date(value, fmt)


@register.filter
def file_size(value: int | None) -> str:
    return formatting.file_size(value)
