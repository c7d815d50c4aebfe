"""A parent asks for the account's deletion from Ma famille; staff handle it in the admin."""

import pytest
from django.core import mail
from django.urls import reverse

from espace_famille.models import AuditEvent
from famille.audit_kinds import FamilyEvent
from famille.models import ChangeRequest

pytestmark = pytest.mark.django_db
URL = reverse("famille:deletion")


def test_ma_famille_links_to_the_request(parent_client):
    assert f'href="{URL}"' in parent_client.get(reverse("famille:index")).content.decode()


def test_the_page_says_what_happens_before_asking(parent_client):
    page = parent_client.get(URL).content.decode()
    assert page.count("<h1") == 1 and "conservés 10 ans" in page
    assert not ChangeRequest.objects.exists()


def test_asking_creates_one_request_staff_see(client, family, parent, staff):
    client.force_login(parent)
    response = client.post(URL)
    change_request = ChangeRequest.objects.get(family=family)
    assert response["Location"] == reverse("famille:request", args=[change_request.pk])
    assert (change_request.kind, change_request.status, change_request.created_by) == (
        ChangeRequest.Kind.DELETION,
        ChangeRequest.Status.PENDING,
        parent,
    )
    client.post(URL)
    assert ChangeRequest.objects.filter(family=family).count() == 1
    assert (
        AuditEvent.objects.filter(kind=FamilyEvent.DELETION_REQUESTED, family=family).count() == 1
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:famille_changerequest_changelist")).content.decode()
    assert "Suppression du compte" in listing


def test_staff_accepting_closes_the_household(
    client, parent, family, staff, django_capture_on_commit_callbacks
):
    client.force_login(parent)
    client.post(URL)
    change_request = ChangeRequest.objects.get(family=family)
    client.force_login(staff)
    url = reverse("admin:famille_changerequest_change", args=[change_request.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"_accept": "1"})
    assert response.status_code == 302
    family.refresh_from_db()
    parent.refresh_from_db()
    assert (family.is_active, parent.is_active) == (False, False)
    assert family.left_on is not None and family.anonymised_at is None
    [message] = mail.outbox
    assert "suppression du compte" in message.body and parent.email in message.to


def test_another_family_cannot_see_the_request(client, parent, family, other_parent):
    client.force_login(parent)
    client.post(URL)
    change_request = ChangeRequest.objects.get(family=family)
    client.force_login(other_parent)
    assert client.get(reverse("famille:request", args=[change_request.pk])).status_code == 404
