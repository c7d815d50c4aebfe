"""Shared custody (garde alternée): a child in two households, each with its own logins.

Each household sees the child's record, enrolments, planning and documents; nothing of the other
household (address, members, requests, invoices) ever shows. A change to the child's record is
validated by staff whoever asks, and both households are told once it is accepted.
"""

import pytest
from django.core import mail
from django.urls import reverse

from espace_famille.models import AuditEvent
from famille.admin import MemberAdmin
from famille.audit_kinds import FamilyEvent
from famille.models import ChangeRequest, Member, SharedCustody
from famille.selectors import household_members, households_of, in_household
from famille.services import (
    change_request_accept,
    change_request_create,
    shared_custody_link,
    shared_custody_unlink,
)
from tests.factories import make_staff
from tests.famille.test_admin_family import form_data

pytestmark = pytest.mark.django_db


def test_household_members_are_its_own_and_its_shared_children(
    family, other_family, lea, hugo, zoe, shared
):
    assert set(household_members(other_family)) == {
        *other_family.members.all(),
        lea,
    }
    assert set(household_members(family)) == set(family.members.all())
    assert households_of(lea) == [family.pk, other_family.pk]
    assert in_household(lea, other_family)
    assert not in_household(hugo, other_family)


def test_the_second_household_sees_the_child_and_nothing_else_of_the_first(
    other_client, family, lea, hugo, shared
):
    family.address = "3 allée des Tilleuls"
    family.save()
    page = other_client.get(reverse("famille:index"))
    assert page.status_code == 200
    text = page.text
    assert "Léa" in text
    assert "Hugo" not in text  # Léa's brother lives in the other household only
    assert "Tilleuls" not in text
    assert other_client.get(reverse("famille:member", args=[lea.pk])).status_code == 200
    for name in ("famille:member", "inscriptions:member", "reservations:planning"):
        assert other_client.get(reverse(name, args=[hugo.pk])).status_code == 404
        parent_of_test = family.members.get(role=Member.Role.PARENT)
        assert other_client.get(reverse(name, args=[parent_of_test.pk])).status_code == 404
    assert other_client.get(reverse("inscriptions:member", args=[lea.pk])).status_code == 200
    assert other_client.get(reverse("reservations:planning", args=[lea.pk])).status_code == 200


def test_the_main_household_does_not_reach_the_second_ones_members(
    parent_client, other_family, zoe, shared
):
    assert parent_client.get(reverse("famille:member", args=[zoe.pk])).status_code == 404
    page = parent_client.get(reverse("famille:index"))
    assert "Zoé" not in page.text
    assert "AUTRE" not in page.text


def test_a_change_asked_by_the_second_household_is_validated_and_both_are_told(
    family,
    other_family,
    lea,
    parent,
    other_parent,
    staff,
    shared,
    django_capture_on_commit_callbacks,
):
    asked = change_request_create(
        family=other_family, user=other_parent, target=lea, values={"school_class": "CM1"}
    )
    assert asked.family == other_family
    lea.refresh_from_db()
    assert lea.school_class == ""  # nothing changes before staff validate it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_request_accept(change_request=asked, user=staff)
    lea.refresh_from_db()
    assert lea.school_class == "CM1"
    assert len(mail.outbox) == 2
    asking = next(m for m in mail.outbox if "famille-autre@example.org" in m.to)
    told = next(m for m in mail.outbox if "famille-test@example.org" in m.to)
    assert "autre@example.org" in asking.to
    assert "acceptée" in asking.subject
    assert "Léa" in told.subject
    assert "CM1" in told.body
    # The other household is told what changed, not who asked nor where they live.
    assert "AUTRE" not in told.body
    assert reverse("famille:request", args=[asked.pk]) not in told.body
    assert AuditEvent.objects.filter(family=family, kind=FamilyEvent.SHARED_CHILD_CHANGED).exists()


def test_a_change_request_of_a_child_of_another_household_is_refused(
    other_family, other_parent, hugo, shared
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        change_request_create(
            family=other_family, user=other_parent, target=hugo, values={"school_class": "CM1"}
        )


def test_the_second_households_requests_stay_its_own(
    parent_client, other_family, other_parent, lea, shared
):
    asked = change_request_create(
        family=other_family, user=other_parent, target=lea, values={"school_class": "CM1"}
    )
    assert parent_client.get(reverse("famille:request", args=[asked.pk])).status_code == 404


def test_only_a_child_gets_a_second_household(family, other_family, staff):
    from django.core.exceptions import ValidationError

    parent_member = family.members.get(role=Member.Role.PARENT)
    with pytest.raises(ValidationError):
        shared_custody_link(member=parent_member, family=other_family, user=staff)
    lea = family.members.get(first_name="Léa")
    with pytest.raises(ValidationError):
        shared_custody_link(member=lea, family=family, user=staff)
    assert not SharedCustody.objects.exists()


def test_linking_and_unlinking_are_audited_in_both_households_without_naming_the_other(
    family, other_family, lea, staff
):
    link = shared_custody_link(member=lea, family=other_family, user=staff)
    linked = AuditEvent.objects.filter(kind=FamilyEvent.SHARED_CUSTODY_LINKED)
    assert {event.family_id for event in linked} == {family.pk, other_family.pk}
    assert all("AUTRE" not in event.summary for event in linked)  # Léa TEST: her own name
    shared_custody_unlink(link=link, user=staff)
    assert not SharedCustody.objects.exists()
    unlinked = AuditEvent.objects.filter(kind=FamilyEvent.SHARED_CUSTODY_UNLINKED)
    assert {event.family_id for event in unlinked} == {family.pk, other_family.pk}


def member_url(member):
    return reverse("admin:famille_member_change", args=[member.pk])


def test_staff_link_a_child_to_a_second_household_in_the_member_admin(
    client, family, other_family, lea
):
    staff = make_staff(
        "accueil@example.org",
        "view_member",
        "change_member",
        "view_family",
        "add_sharedcustody",
        "view_sharedcustody",
        "change_sharedcustody",
        "delete_sharedcustody",
    )
    client.force_login(staff)
    data = form_data(client.get(member_url(lea)))
    assert data["shared_custody-TOTAL_FORMS"] == 0
    data["shared_custody-TOTAL_FORMS"] = 1
    data["shared_custody-0-family"] = other_family.pk
    response = client.post(member_url(lea), data)
    assert response.status_code == 302, response.context["errors"]
    assert SharedCustody.objects.get(member=lea).family == other_family
    assert AuditEvent.objects.filter(
        kind=FamilyEvent.SHARED_CUSTODY_LINKED, family=other_family, user=staff
    ).exists()


def test_the_link_needs_its_permission(client, family, other_family, lea):
    staff = make_staff("lecture@example.org", "view_member", "change_member", "view_family")
    client.force_login(staff)
    page = client.get(member_url(lea))
    assert "shared_custody-TOTAL_FORMS" not in page.text
    data = form_data(page)
    data.update(
        {
            "shared_custody-TOTAL_FORMS": 1,
            "shared_custody-INITIAL_FORMS": 0,
            "shared_custody-0-family": other_family.pk,
        }
    )
    client.post(member_url(lea), data)
    assert not SharedCustody.objects.exists()


def test_the_inline_is_declared_on_the_member_admin():
    assert any(inline.model is SharedCustody for inline in MemberAdmin.inlines)


def test_accepting_a_change_of_a_child_not_shared_emails_one_household(
    family, parent, lea, staff, django_capture_on_commit_callbacks
):
    asked = change_request_create(
        family=family, user=parent, target=lea, values={"school_class": "CM1"}
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_request_accept(change_request=asked, user=staff)
    assert len(mail.outbox) == 1
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.ACCEPTED
