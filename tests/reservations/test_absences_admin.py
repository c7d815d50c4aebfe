"""Staff review of the justified absences: the list, the certificate, accept and refuse, the
permissions of the actions, the staff home page's line and the policy's admin."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from reservations.absences.services import absence_declare
from reservations.models import AbsenceDeclaration, AbsencePolicy
from tests.factories import PDF_BYTES, aware, book, enrol, make_billed_activity, make_staff, upload

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 10, 5)
LIST = "admin:reservations_absencedeclaration_changelist"


@pytest.fixture
def activity(structure):
    return make_billed_activity()


@pytest.fixture
def declaration(lea, parent, activity):
    from inscriptions.models import Unit

    unit = Unit.objects.create(activity=activity, name="Matin")
    enrol(lea, activity)
    booking = book(lea, unit, MONDAY)
    return absence_declare(
        booking=booking,
        user=parent,
        reason="illness",
        files=[upload("certificat.pdf", PDF_BYTES)],
        now=aware(2026, 10, 5, 10, 0),
    )


def test_the_list_opens_on_the_declarations_to_review(staff_client, declaration, staff):
    decided = AbsenceDeclaration.objects.create(
        member=declaration.member,
        family=declaration.family,
        activity=declaration.activity,
        first_day=MONDAY,
        last_day=MONDAY,
        reason="illness",
        status=AbsenceDeclaration.Status.REFUSED,
    )
    page = staff_client.get(reverse(LIST))
    assert page.status_code == 200
    shown = {row.pk for row in page.context["cl"].result_list}
    assert shown == {declaration.pk}
    every = staff_client.get(reverse(LIST) + "?examen=toutes")
    assert {row.pk for row in every.context["cl"].result_list} == {declaration.pk, decided.pk}
    found = staff_client.get(reverse(LIST) + "?examen=toutes&q=TEST")
    assert found.status_code == 200
    certificate = reverse(
        "admin:reservations_absencedeclaration_certificate", args=[declaration.pk]
    )
    assert certificate in page.text


def test_staff_download_the_certificate(staff_client, declaration):
    url = reverse("admin:reservations_absencedeclaration_certificate", args=[declaration.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_certificate_needs_the_view_permission(client, declaration):
    url = reverse("admin:reservations_absencedeclaration_certificate", args=[declaration.pk])
    client.force_login(make_staff("sans-droit@example.org", "view_opening"))
    assert client.get(url).status_code == 403
    client.force_login(make_staff("lecture@example.org", "view_absencedeclaration"))
    assert client.get(url).status_code == 200


def test_staff_accept_from_the_list(staff_client, declaration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(LIST), {"action": "action_accept", "_selected_action": [declaration.pk]}
        )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == AbsenceDeclaration.Status.ACCEPTED
    assert declaration.days.get().credited
    assert "acceptée" in mail.outbox[-1].body


def test_a_refusal_asks_for_its_reason_and_sends_it(
    staff_client, declaration, django_capture_on_commit_callbacks
):
    data = {"action": "action_refuse", "_selected_action": [declaration.pk]}
    page = staff_client.post(reverse(LIST), data)
    assert page.status_code == 200 and "Motif du refus" in page.text
    declaration.refresh_from_db()
    assert declaration.status == AbsenceDeclaration.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            reverse(LIST), {**data, "_refusal_page": "1", "reason": "Certificat illisible."}
        )
    assert done.status_code == 302
    declaration.refresh_from_db()
    assert (declaration.status, declaration.refusal_reason) == ("refused", "Certificat illisible.")
    assert "Certificat illisible." in mail.outbox[-1].body


def test_a_view_only_account_cannot_accept(client, declaration):
    client.force_login(make_staff("lecture@example.org", "view_absencedeclaration"))
    response = client.post(
        reverse(LIST), {"action": "action_accept", "_selected_action": [declaration.pk]}
    )
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.status == AbsenceDeclaration.Status.PENDING


def test_the_staff_home_page_counts_the_declarations_to_review(staff_client, declaration):
    page = staff_client.get(reverse("admin:index"))
    assert "1 absence justifiée à examiner" in page.text
    assert reverse(LIST) + "?examen=a_examiner" in page.text


def test_staff_set_an_activity_policy(staff_client, activity):
    response = staff_client.post(
        reverse("admin:reservations_absencepolicy_add"),
        {
            "activity": activity.pk,
            "reasons": ["illness", "hospital"],
            "certificate_required": "on",
            "waiting_days": 1,
        },
    )
    assert response.status_code == 302
    policy = AbsencePolicy.objects.get(activity=activity)
    assert (policy.reasons, policy.certificate_required, policy.waiting_days) == (
        ["illness", "hospital"],
        True,
        1,
    )
