"""manage.py retention: the login history and old conversations go, accounting stays."""

import datetime
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from contact.models import Thread
from contact.services import thread_create
from espace_famille import audit
from espace_famille.models import AuditEvent
from factures.audit_kinds import BillingEvent
from tests.factories import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def aged(event_or_thread, days):
    model = type(event_or_thread)
    when = timezone.now() - datetime.timedelta(days=days)
    field = "created_at" if model is AuditEvent else "last_message_at"
    model.objects.filter(pk=event_or_thread.pk).update(**{field: when})


def run(*args):
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_login_history_goes_after_its_period_and_accounting_stays(family, parent, settings):
    settings.RETENTION_LOGIN_HISTORY_DAYS = 365
    old_login = audit.record(family, parent, audit.Kind.LOGIN, "Connexion")
    old_failure = audit.record(family, None, audit.Kind.LOGIN_FAILED, "Échec")
    recent_login = audit.record(family, parent, audit.Kind.LOGIN, "Connexion")
    old_payment = audit.record(family, parent, BillingEvent.PAYMENT_SUCCEEDED, "Paiement")
    for event in (old_login, old_failure, old_payment):
        aged(event, 400)
    aged(recent_login, 300)

    assert "connexions: 2 to erase" in run()
    assert AuditEvent.objects.count() == 4  # counting erases nothing

    assert "connexions: 2 erased" in run("--apply")
    kept = set(AuditEvent.objects.values_list("pk", flat=True))
    assert recent_login.pk in kept and old_payment.pk in kept
    assert old_login.pk not in kept and old_failure.pk not in kept
    trace = AuditEvent.objects.get(kind=AuditEvent.Kind.OTHER)
    assert "connexions 2" in trace.summary


def test_old_conversations_go_with_their_attachments(
    family, parent, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_MESSAGES_YEARS = 2
    old = thread_create(
        family=family,
        user=parent,
        subject="Ancien",
        body="…",
        attachment=upload("a.pdf", PDF_BYTES),
    )
    recent = thread_create(family=family, user=parent, subject="Récent", body="…")
    aged(old, 365 * 2 + 10)
    aged(recent, 365 * 2 - 10)
    stored = old.messages.get().attachment.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        assert "conversations: 1 erased" in run("--apply")
    assert list(Thread.objects.values_list("subject", flat=True)) == ["Récent"]
    assert not default_storage.exists(stored)


def test_nothing_past_its_period_writes_no_audit_row(db):
    assert "connexions: 0 erased" in run("--apply")
    assert not AuditEvent.objects.exists()
