"""Retention periods made real: `manage.py retention` erases what is past its period.

Each app registers its own purge (`registry.retention_steps`); the core's is the login
history (logins, failed logins and logouts of the audit log) after RETENTION_LOGIN_HISTORY_DAYS.
Other audit rows (invoices, payments, decisions) stay: accounting keeps them 10 years.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille import export as _export  # noqa: F401  (registers the step "exports")
from espace_famille.models import AuditEvent
from espace_famille.registry import RetentionStep, retention_steps

LOGIN_KINDS = (AuditEvent.Kind.LOGIN, AuditEvent.Kind.LOGIN_FAILED, AuditEvent.Kind.LOGOUT)


def login_history_purge(*, now: datetime.datetime, apply: bool) -> int:
    limit = now - datetime.timedelta(days=settings.RETENTION_LOGIN_HISTORY_DAYS)
    old = AuditEvent.objects.filter(kind__in=LOGIN_KINDS, created_at__lt=limit)
    if not apply:
        return old.count()
    # The audit log is append-only for every other row; the login history has a retention
    # period, so its old rows go in one bulk DELETE (the model's delete() refuses single rows).
    deleted, _per_model = old.delete()
    return deleted


retention_steps.register(RetentionStep("connexions", login_history_purge))


@transaction.atomic
def retention_run(*, now: datetime.datetime, apply: bool) -> dict[str, int]:
    """Run every purge; with apply, erase and write one audit row saying what went."""
    counts = {step.name: step.run(now=now, apply=apply) for step in retention_steps}
    if apply and any(counts.values()):
        audit.record(
            None,
            None,
            audit.Kind.OTHER,
            _("Durées de conservation appliquées : %(counts)s")
            % {"counts": ", ".join(f"{name} {n}" for name, n in counts.items())},
        )
    return counts
