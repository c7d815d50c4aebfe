"""The audit layer: every action on a family's account is recorded here, append-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models

from espace_famille.audit_kinds import is_registered
from espace_famille.models import AuditEvent, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from famille.models import Family

Kind = AuditEvent.Kind


def record(
    family: Family | None,
    user: User | AnonymousUser | None,
    kind: str,
    summary: str,
    obj: models.Model | None = None,
    *,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event; call it inside the transaction of the change it records."""
    if not is_registered(kind):
        raise ValueError(f"Unknown audit kind {kind!r}: register it in its app's audit_kinds.py.")
    event = AuditEvent(
        family=family,
        user=user if isinstance(user, User) and user.pk else None,
        kind=kind,
        summary=str(summary)[:300],
        ip_address=client_ip(request) if request is not None else None,
    )
    if obj is not None:
        event.object_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    event.save()
    return event


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as allauth sees it (ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
