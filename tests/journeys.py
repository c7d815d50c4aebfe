"""A parent's main journeys through the portal, driven with Django's test client.

Shared by the privacy tests: what cookies the portal sets along the way, and what reaches the
logs. Every response is returned so a test can look at each one.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from contact.models import Thread
from espace_famille.export import download_token, export_build
from espace_famille.models import DataExport, User
from factures.models import Payment
from famille.models import Member
from inscriptions.models import Activity, Unit
from reservations.models import Opening
from tests.factories import PASSWORD, child_post, enrol, issue

# Personal data planted in the household's records: none of it may reach a log line.
ALLERGIES = "Allergie sévère aux arachides, stylo Anapen"
DIET = "Sans porc, sans gluten"
DOCTOR = "Docteur Hippocrate Vidal"
IBAN = "FR7630006000011234567890189"
SURNAME = "Vasquez-Delacroix"


def prepare(family, parent: User, lea: Member) -> dict[str, object]:
    """A child with a health record, an enrolment with openings, and an invoice to pay."""
    from django.utils import timezone

    family.name = SURNAME
    family.members.update(last_name=SURNAME)
    parent.last_name = SURNAME
    parent.save()
    lea.refresh_from_db()
    lea.allergies = ALLERGIES
    lea.dietary_needs = DIET
    lea.doctor_name = DOCTOR
    lea.has_pai = True
    lea.save()
    family.payer_name = f"IBAN {IBAN}"
    family.save()
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Périscolaire du soir",
        service="periscolaire",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=300),
    )
    unit = Unit.objects.create(activity=activity, name="Soir", weekdays="12345", capacity=10)
    enrol(lea, activity)
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=2)
    openings = [
        Opening.objects.create(unit=unit, date=monday + datetime.timedelta(days=i), capacity=10)
        for i in range(5)
    ]
    invoice = issue(family, "12.00")
    return {"openings": openings, "invoice": invoice}


def drive(client, parent: User, lea: Member, prepared: dict[str, object]) -> list:
    """Login (a failed attempt first), every menu, a booking, a payment, a message, the
    household's data download, logout."""
    responses = []

    def get(url: str, **kwargs):
        response = client.get(url, **kwargs)
        responses.append(response)
        return response

    def post(url: str, data: dict, **kwargs):
        response = client.post(url, data, **kwargs)
        responses.append(response)
        return response

    login = reverse("account_login")
    get(login)
    refused = post(login, {"login": parent.email, "password": "pas-le-bon-mot-de-passe"})
    assert refused.status_code == 200
    response = post(login, {"login": parent.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert get(reverse("dashboard")).status_code == 200
    for name in (
        "famille:index",
        "inscriptions:index",
        "reservations:index",
        "factures:index",
        "documents:index",
        "historique:index",
        "contact:index",
    ):
        assert get(reverse(name)).status_code == 200, name
    member_url = reverse("famille:member", args=[lea.pk])
    assert ALLERGIES in get(member_url).content.decode()
    post(member_url, child_post(lea, allergies=ALLERGIES + ", kiwi"))

    planning = reverse("reservations:planning", args=[lea.pk])
    openings = prepared["openings"]
    monday = openings[0].date
    assert get(planning, data={"date": monday.isoformat()}).status_code == 200
    response = post(planning, {"book": [openings[0].pk]}, follow=True)
    assert response.status_code == 200

    invoice = prepared["invoice"]
    response = post(reverse("factures:pay"), {"factures": [invoice.pk]})
    assert response.status_code == 302, response.content[:500]
    checkout = response["Location"]
    response = post(checkout, {"action": "payer"}, follow=True)
    assert response.status_code == 200
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).exists()
    assert get(reverse("factures:pdf", args=[invoice.pk])).status_code == 200

    body = f"{lea.first_name} a une {ALLERGIES}. Mon IBAN : {IBAN}."
    response = post(reverse("contact:index"), {"subject": "Santé", "body": body}, follow=True)
    assert response.status_code == 200
    thread = Thread.objects.get(family=parent.family)
    assert get(reverse("contact:thread", args=[thread.pk])).status_code == 200

    assert get(reverse("my_data")).status_code == 200
    response = post(reverse("my_data"), {})
    assert response.status_code == 302
    export = DataExport.objects.get(family=parent.family)
    export_build(export_id=export.pk)  # the background task, queued at commit
    assert get(reverse("my_data")).status_code == 200
    response = get(reverse("my_data_download", args=[download_token(export)]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    get(reverse("personal_data"))
    get(reverse("accessibility"))
    response = post(reverse("account_logout"), {})
    assert response.status_code == 302
    assert get(reverse("dashboard")).status_code == 302  # logged out
    return responses
