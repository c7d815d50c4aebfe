"""Direct debit in the admin: producing the file, rejects, paper mandates, rights, masking."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from espace_famille.models import AuditEvent, User
from factures.audit_kinds import DirectDebitEvent
from factures.models import Payment, SepaCollection, SepaDebit, SepaMandate
from tests.factories import IBAN_OTHER, IBAN_TEST, PASSWORD, collect, issue, paper_mandate
from tests.factures.sepa.test_rejects import PAIN002

pytestmark = pytest.mark.django_db
MASKED = "FR76 **** **** **** **** ***0 189"
BASE = "/admin/factures/"


def role_client(client, role: str):
    user = User.objects.create_user(f"{role.lower()}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


@pytest.fixture
def scheduled(family, other_family, staff):
    paper_mandate(family, staff)
    paper_mandate(other_family, staff, IBAN_OTHER)
    issue(family, "12.00")
    issue(other_family, "8.00")
    return collect(staff)


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_staff_produce_the_collection_file_from_the_admin(staff_client, family, staff):
    paper_mandate(family, staff)
    issue(family, "12.00")
    page = staff_client.get(f"{BASE}sepacollection/preparer/")
    assert 'value="2026-12-10"' in page.content.decode()  # the next debit day after 14 days
    response = staff_client.post(
        f"{BASE}sepacollection/preparer/", {"collection_date": "2026-12-10"}
    )
    collection = SepaCollection.objects.get()
    assert response["Location"] == f"{BASE}sepacollection/{collection.pk}/change/"
    download = staff_client.get(f"{BASE}sepacollection/{collection.pk}/fichier/")
    assert download["Content-Type"] == "application/xml"
    assert b"pain.008.001.02" in b"".join(download.streaming_content)


@time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_date_too_close_is_refused_in_french(staff_client, family, staff):
    paper_mandate(family, staff)
    issue(family, "12.00")
    response = staff_client.post(
        f"{BASE}sepacollection/preparer/", {"collection_date": "2026-11-25"}
    )
    assert response.status_code == 200
    assert "prévenues 14 jours avant" in response.content.decode()
    assert not SepaCollection.objects.exists()


@pytest.mark.parametrize("role", ["Comptabilité", "Direction"])
def test_accounting_and_direction_may_produce_and_record_rejects(client, scheduled, role):
    client = role_client(client, role)
    debit = SepaDebit.objects.first()
    assert client.get(f"{BASE}sepacollection/preparer/").status_code == 200
    assert client.get(f"{BASE}sepadebit/{debit.pk}/rejet/").status_code == 200
    assert client.get(f"{BASE}sepacollection/rejets/").status_code == 200
    assert client.get(f"{BASE}sepamandate/papier/").status_code == 200


def test_the_front_desk_may_only_look(client, scheduled):
    client = role_client(client, "Accueil")
    debit = SepaDebit.objects.first()
    assert client.get(f"{BASE}sepadebit/").status_code == 200
    assert client.get(f"{BASE}sepacollection/preparer/").status_code == 403
    response = client.post(f"{BASE}sepadebit/{debit.pk}/rejet/", {"code": "AM04"})
    assert response.status_code == 403
    assert client.get(f"{BASE}sepacollection/rejets/").status_code == 403
    assert client.get(f"{BASE}sepamandate/papier/").status_code == 403
    debit.refresh_from_db()
    assert debit.status == SepaDebit.Status.SCHEDULED


def test_staff_record_a_reject(staff_client, scheduled):
    debit = SepaDebit.objects.first()
    response = staff_client.post(
        f"{BASE}sepadebit/{debit.pk}/rejet/", {"code": "AC04", "rejected_on": "2026-11-20"}
    )
    assert response.status_code == 302
    debit.refresh_from_db()
    assert (debit.status, debit.reject_code) == ("rejected", "AC04")
    assert debit.payment.status == Payment.Status.FAILED


def test_staff_import_a_pain002_report(staff_client, scheduled):
    debit = SepaDebit.objects.first()
    report = SimpleUploadedFile("rejets.xml", PAIN002.format(e2e=debit.end_to_end_id).encode())
    response = staff_client.post(f"{BASE}sepacollection/rejets/", {"report": report}, follow=True)
    assert "1 rejet(s) enregistré(s)" in response.content.decode()
    assert "UNKNOWN1" in response.content.decode()
    debit.refresh_from_db()
    assert debit.reject_code == "AC04"


def test_staff_record_a_paper_mandate(staff_client, family):
    url = f"{BASE}sepamandate/papier/"
    data = {"family": family.pk, "holder": "Camille Test", "signed_on": "2026-10-01"}
    bad = staff_client.post(url, {**data, "iban": "FR7630006000011234567890180"})
    assert "clé de contrôle erronée" in bad.content.decode()
    staff_client.post(url, {**data, "iban": IBAN_TEST})
    mandate = SepaMandate.objects.get()
    assert (mandate.source, mandate.iban) == ("paper", IBAN_TEST)
    assert AuditEvent.objects.filter(kind=DirectDebitEvent.MANDATE_RECORDED).exists()


def test_ibans_are_masked_in_lists_and_whole_only_on_the_mandate(staff_client, scheduled):
    mandate = SepaMandate.objects.get(iban=IBAN_TEST)
    for url in (
        f"{BASE}sepamandate/",
        f"{BASE}sepadebit/",
        f"{BASE}sepacollection/{scheduled.pk}/change/",
        f"{BASE}sepadebit/{SepaDebit.objects.get(mandate=mandate).pk}/change/",
    ):
        body = staff_client.get(url).content.decode()
        assert MASKED in body, url
        assert IBAN_TEST not in body, url
    assert IBAN_TEST in staff_client.get(f"{BASE}sepamandate/{mandate.pk}/change/").content.decode()


def test_marking_debited_from_the_admin(staff_client, scheduled):
    url = f"{BASE}sepacollection/{scheduled.pk}/prelevee/"
    assert staff_client.get(url).status_code == 200
    with time_machine.travel(
        datetime.datetime(2026, 12, 11, 9, 0, tzinfo=datetime.UTC), tick=False
    ):
        response = staff_client.post(url, {})
    assert response.status_code == 302
    assert set(Payment.objects.values_list("status", flat=True)) == {"succeeded"}


def test_object_pages_offer_no_save_button(staff_client, scheduled):
    mandate = SepaMandate.objects.first()
    for url in (
        f"{BASE}sepacollection/{scheduled.pk}/change/",
        f"{BASE}sepamandate/{mandate.pk}/change/",
        f"{BASE}sepadebit/{SepaDebit.objects.first().pk}/change/",
    ):
        assert 'name="_save"' not in staff_client.get(url).content.decode(), url
