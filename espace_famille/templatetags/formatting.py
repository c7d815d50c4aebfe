"""{% load formatting %}: `|long_date:"l j F Y"` ("1er octobre") and `|file_size` ("1,5 Ko")."""

from __future__ import annotations

import datetime

from django import template

from espace_famille import formatting

register = template.Library()


@register.filter
def long_date(value: datetime.date | datetime.datetime | None, fmt: str = "j F Y") -> str:
    return formatting.long_date(value, fmt)


@register.filter
def file_size(value: int | None) -> str:
    return formatting.file_size(value)
