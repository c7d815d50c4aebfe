"""Staff decisions: accepting applies, refusing leaves, the family gets the right email."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from espace_famille.models import AuditEvent
from famille.audit_kinds import FamilyEvent
from famille.models import ChangeRequest, FieldPolicy, Member
from famille.services import (
    StaleChangeRequest,
    change_request_accept,
    change_request_cancel,
    change_request_create,
    change_request_refuse,
    member_add_request,
)

pytestmark = pytest.mark.django_db


def test_accepting_applies_the_values_and_emails_the_family(
    pending_request, lea, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_request_accept(change_request=pending_request, user=staff)
    lea.refresh_from_db()
    assert lea.allergies == "Arachides"
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.ACCEPTED
    assert pending_request.decided_by == staff
    assert pending_request.decided_at is not None
    [email] = mail.outbox
    assert set(email.to) == {"famille-test@example.org", "parent@example.org"}
    assert email.subject == "Votre demande de modification a été acceptée"
    assert "La structure a accepté votre demande de modification (Léa TEST)" in email.body
    assert "Allergies : — → Arachides" in email.body
    html = email.alternatives[0][0]
    assert "a accepté votre demande" in html
    assert "<td>Arachides</td>" in html
    assert "Motif" not in email.body
    assert AuditEvent.objects.filter(kind=FamilyEvent.CHANGE_ACCEPTED, user=staff).count() == 1


def test_refusing_leaves_the_record_and_emails_the_reason(
    pending_request, lea, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_request_refuse(
            change_request=pending_request, user=staff, reason="Merci de fournir le PAI."
        )
    lea.refresh_from_db()
    assert lea.allergies == ""
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.REFUSED
    assert pending_request.reason == "Merci de fournir le PAI."
    [email] = mail.outbox
    assert email.subject == "Votre demande de modification a été refusée"
    assert "Vos informations restent inchangées." in email.body
    assert "Motif du refus : Merci de fournir le PAI." in email.body
    html = email.alternatives[0][0]
    assert "a refusé votre demande" in html
    assert "Merci de fournir le PAI." in html
    assert AuditEvent.objects.filter(kind=FamilyEvent.CHANGE_REFUSED, user=staff).count() == 1


def test_refusing_needs_a_reason(pending_request, staff):
    with pytest.raises(ValidationError):
        change_request_refuse(change_request=pending_request, user=staff, reason="  ")
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.PENDING


def test_a_decided_request_cannot_be_decided_again(
    pending_request, staff, django_capture_on_commit_callbacks
):
    change_request_accept(change_request=pending_request, user=staff)
    with pytest.raises(ValidationError):
        change_request_refuse(change_request=pending_request, user=staff, reason="Non")
    with pytest.raises(ValidationError):
        change_request_accept(change_request=pending_request, user=staff)


def test_a_stale_request_is_never_applied(pending_request, lea, staff):
    # Staff changed the record meanwhile (in the admin, or by accepting another request).
    lea.allergies = "Lait"
    lea.save()
    with pytest.raises(StaleChangeRequest):
        change_request_accept(change_request=pending_request, user=staff)
    lea.refresh_from_db()
    assert lea.allergies == "Lait"
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.PENDING


def test_only_the_stale_request_is_blocked(family, parent, lea, staff):
    first = change_request_create(family=family, user=parent, target=lea, values={"school": "A"})
    second = change_request_create(
        family=family, user=parent, target=lea, values={"school_class": "CM1"}
    )
    # Staff set the class by hand in the admin while the second request waited.
    Member.objects.filter(pk=lea.pk).update(school_class="CE2")
    change_request_accept(change_request=first, user=staff)
    with pytest.raises(StaleChangeRequest):
        change_request_accept(change_request=second, user=staff)
    lea.refresh_from_db()
    assert (lea.school, lea.school_class) == ("A", "CE2")


def test_a_forged_call_on_a_read_only_field_is_refused(family, parent, lea):
    FieldPolicy.objects.create(
        target="member", field_name="allergies", access=FieldPolicy.Access.READONLY
    )
    with pytest.raises(PermissionDenied):
        change_request_create(family=family, user=parent, target=lea, values={"allergies": "x"})
    assert not ChangeRequest.objects.exists()


def test_a_request_on_another_familys_record_is_refused(family, parent, zoe):
    with pytest.raises(PermissionDenied):
        change_request_create(family=family, user=parent, target=zoe, values={"allergies": "x"})


def test_the_household_quotient_is_read_only_by_default(family, parent):
    with pytest.raises(PermissionDenied):
        change_request_create(
            family=family, user=parent, target=family, values={"quotient_familial": 1}
        )


def test_adding_a_newborn_goes_through_the_same_workflow(
    family, parent, staff, django_capture_on_commit_callbacks
):
    change_request = member_add_request(
        family=family,
        user=parent,
        role=Member.Role.CHILD,
        values={
            "first_name": "Jules",
            "last_name": "TEST",
            "birth_date": datetime.date(2026, 10, 1),
            "allergies": "",
            "has_pai": False,
        },
    )
    assert not family.members.filter(first_name="Jules").exists()
    assert AuditEvent.objects.filter(kind=FamilyEvent.CHANGE_REQUESTED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        change_request_accept(change_request=change_request, user=staff)
    jules = family.members.get(first_name="Jules")
    assert jules.role == Member.Role.CHILD
    assert jules.birth_date == datetime.date(2026, 10, 1)
    change_request.refresh_from_db()
    assert change_request.member == jules
    assert "Jules TEST" in mail.outbox[0].body


def test_the_family_may_withdraw_a_pending_request(pending_request, parent, lea, staff):
    change_request_cancel(change_request=pending_request, user=parent)
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.CANCELLED
    with pytest.raises(ValidationError):
        change_request_accept(change_request=pending_request, user=staff)


def test_a_request_superseded_by_a_newer_one_is_cancelled_and_audited(
    family, parent, lea, pending_request
):
    newer = change_request_create(
        family=family, user=parent, target=lea, values={"allergies": "Arachides, kiwi"}
    )
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.CANCELLED
    [event] = AuditEvent.objects.filter(kind=FamilyEvent.CHANGE_CANCELLED)
    assert event.object_id == str(pending_request.pk)
    assert event.family == family and event.user == parent
    assert event.summary == (
        "Demande de modification de Léa TEST annulée : remplacée par une plus récente"
    )
    assert newer.status == ChangeRequest.Status.PENDING


def test_a_household_request_superseded_is_audited_with_the_household(family, parent):
    first = change_request_create(family=family, user=parent, target=family, values={"city": "A"})
    change_request_create(family=family, user=parent, target=family, values={"city": "B"})
    event = AuditEvent.objects.get(kind=FamilyEvent.CHANGE_CANCELLED)
    assert event.object_id == str(first.pk)
    assert "foyer TEST" in event.summary


def test_a_request_keeping_other_fields_is_not_cancelled_nor_audited(family, parent, lea):
    first = change_request_create(
        family=family, user=parent, target=lea, values={"allergies": "A", "school": "S"}
    )
    change_request_create(family=family, user=parent, target=lea, values={"allergies": "B"})
    first.refresh_from_db()
    assert first.status == ChangeRequest.Status.PENDING
    assert [i.field_name for i in first.items.all()] == ["school"]
    assert not AuditEvent.objects.filter(kind=FamilyEvent.CHANGE_CANCELLED).exists()
