"""Amounts in the admin: one helper, the active language's number format ("12,50 €" in French)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.utils.formats import number_format

from espace_famille.formatting import model_field


def euros(amount: Decimal | int | float | None) -> str:
    """An amount with two decimals, the language's separators and a non-breaking space before
    the euro sign: "1 234,50 €" in French, "1,234.50 €" in English; "—" when there is none."""
    if amount is None:
        return "—"
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)}\xa0€"


def euro_field(model: type[Model], name: str) -> Callable[[Any, Model], str]:
    """An admin column (list_display, readonly_fields) showing the model's amount `name` in
    euros, under the field's own label and sorted by it. Use: `price_euros = euro_field(...)`."""

    @admin.display(description=model_field(model, name).verbose_name, ordering=name)
    def column(_model_admin: Any, obj: Model) -> str:
        return euros(getattr(obj, name))

    column.__name__ = f"{name}_euros"
    return column
