"""The audit log's vocabulary, filled by each app.

The core knows its own kinds (logins, passwords, invitations, the household's data export); every
app registers the TextChoices of its events in its `AppConfig.ready()` with
`audit_kinds.register(...)`. The `AuditEvent.kind` field reads its choices from here through a
callable, so an app that adds a kind changes neither the core nor its migrations.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from espace_famille.registry import Registry


def _no_relabelled_kind(
    choices: type[models.TextChoices], registered: tuple[type[models.TextChoices], ...]
) -> None:
    """A value registered twice with another label is a programming error."""
    known = {value: label for other in registered for value, label in other.choices}
    for value, label in choices.choices:
        if value in known and str(known[value]) != str(label):
            raise ImproperlyConfigured(
                f"Audit kind {value!r} is already registered as {known[value]!r}."
            )


audit_kinds: Registry[type[models.TextChoices]] = Registry("audit kinds", check=_no_relabelled_kind)


def kind_choices() -> list[tuple[str, object]]:
    """The choices of `AuditEvent.kind`: every registered kind, in registration order."""
    choices: dict[str, object] = {}
    for registered in audit_kinds:
        choices.update(registered.choices)
    return list(choices.items())


def is_registered(value: str) -> bool:
    return any(value in registered.values for registered in audit_kinds)
