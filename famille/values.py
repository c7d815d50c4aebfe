"""Field values as text: how a change request stores, compares and shows them."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext as _

from espace_famille.formatting import long_date, model_field
from famille.models import ChangeRequest, ChangeRequestItem


def serialize(value: object) -> str:
    """The text stored for a value: '' for empty, ISO dates, '1'/'0' for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def deserialize(field: models.Field, raw: str) -> object:
    """Back from the stored text to a value the model field accepts."""
    if isinstance(field, models.BooleanField):
        return raw == "1"
    if raw == "":
        return None if field.null else ""
    return field.to_python(raw)


def current_value(obj: models.Model, name: str) -> str:
    return serialize(getattr(obj, name))


def display(field: models.Field, raw: str) -> str:
    """The value as a parent or staff member reads it."""
    if isinstance(field, models.BooleanField):
        return _("Oui") if raw == "1" else _("Non")
    if raw == "":
        return "—"
    value = deserialize(field, raw)
    if isinstance(value, datetime.date):
        return long_date(value, "j F Y")
    if field.choices:
        return str(dict(field.flatchoices).get(value, raw))
    return str(value)


def label(model: type[models.Model], name: str) -> str:
    text = str(model_field(model, name).verbose_name)
    return text[:1].upper() + text[1:]


def stale_items(change_request: ChangeRequest) -> list[ChangeRequestItem]:
    """Items whose record changed since the request: they must not be applied blindly."""
    if change_request.kind == ChangeRequest.Kind.NEW_MEMBER:
        return []
    target = change_request.target()
    if target is None:
        return list(change_request.items.all())
    return [
        item
        for item in change_request.items.all()
        if current_value(target, item.field_name) != item.old_value
    ]


def review_rows(change_request: ChangeRequest) -> list[dict[str, object]]:
    """Side-by-side rows for staff: field, value now, value then, value asked for."""
    model = change_request.model
    target = (
        change_request.target() if change_request.kind != ChangeRequest.Kind.NEW_MEMBER else None
    )
    rows = []
    for item in change_request.items.all():
        field = model_field(model, item.field_name)
        now = current_value(target, item.field_name) if target is not None else None
        rows.append(
            {
                "field": item.field_name,
                "label": label(model, item.field_name),
                "current": display(field, now) if now is not None else "",
                "old": display(field, item.old_value),
                "new": display(field, item.new_value),
                "stale": now is not None and now != item.old_value,
            }
        )
    return rows
