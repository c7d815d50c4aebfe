"""Admin actions and custom admin views need the right permission.

Each test runs as a staff account that may only *view* (or has no right at all) and forges the
POST a browser would send: the answer is 403 and nothing changes.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from contact.models import Thread
from espace_famille.models import AuditEvent, User
from famille.models import ChangeRequest
from inscriptions.models import Enrolment
from reservations.models import Booking
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def run_action(client, model, action: str, *objects, **extra):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0}
    return client.post(url, {**data, **extra})


def test_view_only_staff_cannot_deactivate_the_superuser(view_only_client, staff):
    response = run_action(view_only_client, User, "action_deactivate", staff)
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.is_active
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_DEACTIVATED).exists()


def test_view_only_staff_cannot_accept_a_change_request(view_only_client, change_request, family):
    response = run_action(view_only_client, ChangeRequest, "action_accept", change_request)
    assert response.status_code == 403
    change_request.refresh_from_db()
    family.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING
    assert family.address != "9 rue Volée"


def test_view_only_staff_cannot_accept_an_enrolment(view_only_client, requested_enrolment):
    response = run_action(view_only_client, Enrolment, "action_accept", requested_enrolment)
    assert response.status_code == 403
    requested_enrolment.refresh_from_db()
    assert requested_enrolment.status == Enrolment.Status.REQUESTED


def test_view_only_staff_cannot_cancel_and_bill_a_booking(view_only_client, booking):
    response = run_action(view_only_client, Booking, "action_cancel_billed", booking)
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status in Booking.ACTIVE


def test_view_only_staff_cannot_close_a_conversation(view_only_client, thread):
    response = run_action(view_only_client, Thread, "action_close", thread)
    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.status != Thread.Status.CLOSED


def test_invoice_pdf_needs_the_view_right_and_stores_nothing(no_rights_client, invoice):
    url = reverse("admin:factures_invoice_pdf", args=[invoice.pk])
    assert no_rights_client.get(url).status_code == 403
    invoice.refresh_from_db()
    assert not invoice.pdf


@pytest.mark.parametrize(
    "name", ["factures_invoice_payment", "factures_invoice_credit_note", "factures_invoice_pdf"]
)
def test_invoice_pages_need_the_view_right_first(no_rights_client, invoice, name):
    assert no_rights_client.get(reverse(f"admin:{name}", args=[invoice.pk])).status_code == 403


def test_opening_generation_answers_403_without_the_add_right(view_only_client):
    response = view_only_client.get(reverse("admin:reservations_opening_generate"))
    assert response.status_code == 403


# A non-superuser never edits, deactivates or promotes a superuser, nor grants what they lack.


@pytest.fixture
def manager(structure):
    """A staff member who may manage logins (parents' accounts) but is not a superuser."""
    from tests.factories import make_staff

    return make_staff("gestion@example.org", "view_user", "change_user", "add_user", "view_family")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_a_non_superuser_cannot_open_a_superuser_for_editing(manager_client, staff):
    change = reverse("admin:espace_famille_user_change", args=[staff.pk])
    response = manager_client.post(
        change, {"email": staff.email, "first_name": "Pirate", "last_name": "X", "is_active": ""}
    )
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[staff.pk])
    response = manager_client.post(
        password, {"password1": "Nouveau-mot-de-passe-42", "password2": "Nouveau-mot-de-passe-42"}
    )
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.first_name == "Agnès" and staff.is_active and staff.check_password(PASSWORD)


def test_a_non_superuser_cannot_deactivate_a_superuser(manager_client, staff, parent):
    response = run_action(manager_client, User, "action_deactivate", staff, parent)
    assert response.status_code == 403
    staff.refresh_from_db()
    parent.refresh_from_db()
    assert staff.is_active and parent.is_active


def test_a_non_superuser_cannot_promote_anyone(manager_client, manager, parent):
    change = reverse("admin:espace_famille_user_change", args=[parent.pk])
    page = manager_client.get(change).content.decode()
    for name in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{name}"' not in page, name
    manager_client.post(
        change,
        {
            "email": parent.email,
            "first_name": parent.first_name,
            "last_name": parent.last_name,
            "family": parent.family_id,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    parent.refresh_from_db()
    assert not parent.is_staff and not parent.is_superuser
    own = reverse("admin:espace_famille_user_change", args=[manager.pk])
    manager_client.post(own, {"email": manager.email, "is_active": "on", "is_superuser": "on"})
    manager.refresh_from_db()
    assert not manager.is_superuser


def test_a_staff_manager_cannot_delete_a_superuser_in_bulk(client, staff, parent):
    from tests.factories import make_staff

    manager = make_staff(
        "direction@example.org", "view_user", "change_user", "delete_user", "manage_staff"
    )
    client.force_login(manager)
    response = run_action(client, User, "delete_selected", staff, parent, post="yes")
    assert response.status_code == 403
    assert User.objects.filter(pk__in=[staff.pk, parent.pk]).count() == 2
