"""The audit log's vocabulary, filled by each app.

The core knows its own kinds (logins, passwords, invitations, the household's data export); every
app registers the kinds of its events in its `AppConfig.ready()` with `register_kinds()`. The
`AuditEvent.kind` field reads its choices from here through a callable, so an app that adds a kind
changes neither the core nor its migrations.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models

_kinds: dict[str, object] = {}


def register_kinds(choices: type[models.TextChoices]) -> None:
    """Add an app's kinds; a value registered twice with another label is a programming error."""
    for value, label in choices.choices:
        known = _kinds.get(value)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"Audit kind {value!r} is already registered as {known!r}.")
        _kinds[value] = label


def is_registered(value: str) -> bool:
    return value in _kinds


def kind_choices() -> list[tuple[str, object]]:
    """The choices of `AuditEvent.kind`: every registered kind, in registration order."""
    return list(_kinds.items())
