"""Fixtures of the history tests: backdated login events and online payments."""

from __future__ import annotations

import datetime

from django.utils import timezone

from espace_famille import audit
from espace_famille.models import AuditEvent


def login_at(family, user, moment: datetime.datetime) -> AuditEvent:
    event = audit.record(family, user, audit.Kind.LOGIN, "Connexion")
    # The audit model refuses save() on an existing row; tests backdate through the queryset.
    AuditEvent.objects.filter(pk=event.pk).update(created_at=moment)
    return event


def local(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())
