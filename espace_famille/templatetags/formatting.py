"""{% load formatting %}: `|long_date:"l j F Y"` ("1er octobre") and `|file_size` ("1,5 Ko")."""

from __future__ import annotations

from django import template

from espace_famille import formatting

register = template.Library()


@register.filter
def long_date(value, fmt: str = "j F Y") -> str:  # type: ignore[no-untyped-def]
    return formatting.long_date(value, fmt)


@register.filter
def file_size(value) -> str:  # type: ignore[no-untyped-def]
    return formatting.file_size(value)
