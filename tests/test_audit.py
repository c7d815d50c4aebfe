"""The audit log is append-only, in the code and in the admin."""

import pytest
from django.urls import reverse

from espace_famille import audit
from espace_famille.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_record_links_family_user_and_object(parent, family):
    member = family.members.first()
    event = audit.record(family, parent, audit.Kind.OTHER, "Essai", obj=member)
    assert event.family == family and event.user == parent
    assert event.object_repr == str(member)
    assert event.object_id == str(member.pk)


def test_an_event_cannot_be_changed_or_deleted(parent, family):
    event = audit.record(family, parent, audit.Kind.OTHER, "Essai")
    event.summary = "Autre"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Essai"


def test_the_admin_shows_but_cannot_edit_or_delete_an_event(staff_client, parent, family):
    event = audit.record(family, parent, audit.Kind.LOGIN, "Connexion")
    change_url = reverse("admin:espace_famille_auditevent_change", args=[event.pk])

    assert (
        staff_client.get(reverse("admin:espace_famille_auditevent_changelist")).status_code == 200
    )
    page = staff_client.get(change_url)
    assert page.status_code == 200
    assert b'name="summary"' not in page.content

    staff_client.post(change_url, {"summary": "Falsifié", "kind": "other"})
    delete = staff_client.post(
        reverse("admin:espace_famille_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    staff_client.post(
        reverse("admin:espace_famille_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    event.refresh_from_db()
    assert event.summary == "Connexion"
    assert staff_client.get(reverse("admin:espace_famille_auditevent_add")).status_code == 403


# The vocabulary: each app registers its kinds; the core's migrations never list them.


def test_every_app_registers_its_own_kinds_with_the_core():
    from espace_famille.audit_kinds import kind_choices
    from factures.audit_kinds import BillingEvent
    from reservations.audit_kinds import BookingEvent

    values = dict(kind_choices())
    assert values["login"] == AuditEvent.Kind.LOGIN.label
    assert values[BookingEvent.BOOKING_CREATED] == BookingEvent.BOOKING_CREATED.label
    assert values[BillingEvent.PAYMENT_REFUNDED] == BillingEvent.PAYMENT_REFUNDED.label
    assert "booking_created" not in AuditEvent.Kind.values


def test_a_kind_registered_twice_with_another_label_is_refused():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import models

    from espace_famille.audit_kinds import audit_kinds

    class Clash(models.TextChoices):
        LOGIN = "login", "Autre chose"

    with pytest.raises(ImproperlyConfigured), audit_kinds.added(Clash):
        pass
    assert "tests.test_audit.Clash" not in audit_kinds


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused_before_anything_is_written():
    with pytest.raises(ValueError):
        audit.record(None, None, "no_such_kind", "x")
    assert not AuditEvent.objects.filter(kind="no_such_kind").exists()


def test_the_core_migration_reads_the_kinds_through_a_callable():
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    field = state.models["espace_famille", "auditevent"].fields["kind"]
    # A callable, not a frozen list: an app adding a kind needs no migration of the core.
    assert callable(field.choices) or not isinstance(field.choices, list | tuple)
