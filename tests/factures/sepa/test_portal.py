"""Mes factures, prélèvement automatique: subscribing, the planned debit, revoking, leaks."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from espace_famille.formatting import long_date
from espace_famille.models import AuditEvent
from factures.audit_kinds import DirectDebitEvent
from factures.models import SepaMandate
from factures.sepa.banking import next_debit_date
from tests.factories import (
    IBAN_OTHER,
    IBAN_TEST,
    collect,
    issue,
    make_family,
    make_parent,
    paper_mandate,
)

pytestmark = pytest.mark.django_db
URL = "/factures/prelevement/"
MASKED = "FR76 **** **** **** **** ***0 189"


def subscribe(client, **changes):
    data = {"holder": "Camille Test", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": ""}
    data["consent"] = "on"
    data.update(changes)
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_a_parent_signs_a_mandate_with_a_unique_reference(parent_client, family, parent):
    response = subscribe(parent_client)
    assert response.status_code == 302
    mandate = SepaMandate.objects.get(family=family)
    assert (mandate.iban, mandate.bic) == (IBAN_TEST, "AGRIFRPPXXX")  # BIC found from the IBAN
    assert mandate.reference.startswith(f"EF-{family.pk:06d}-")
    assert (mandate.source, mandate.signed_by, mandate.status) == ("online", parent, "active")
    assert "vous autorisez Accueil de loisirs Les Tests" in mandate.consent_text
    event = AuditEvent.objects.get(kind=DirectDebitEvent.MANDATE_SIGNED)
    assert MASKED in event.summary and IBAN_TEST not in event.summary


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"iban": "FR76 3000 6000 0112 3456 7890 180"}, "clé de contrôle erronée"),
        ({"iban": "FR76 3000 6000 0112"}, "n&#x27;a pas la bonne longueur"),
        ({"iban": "US64SVBKUS6S3300958879"}, "code d&#x27;un pays"),
        ({"iban": ""}, "Saisissez l&#x27;IBAN du compte à débiter."),
        ({"holder": ""}, "Saisissez le nom du titulaire du compte."),
        ({"bic": "ZZ"}, "Ce BIC n&#x27;est pas valide"),
        ({"consent": None}, "Cochez la case d&#x27;autorisation"),
    ],
)
def test_bad_bank_details_are_refused_in_french_and_kept(parent_client, changes, message):
    response = subscribe(parent_client, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="Camille Test"' in response.content.decode() or changes.get("holder") == ""
    assert not SepaMandate.objects.exists()


def test_an_account_outside_the_sepa_zone_is_refused(parent_client):
    response = subscribe(parent_client, iban="TR330006100519786457841326")
    assert response.status_code == 400
    assert "pas dans la zone SEPA" in response.content.decode()


def test_an_account_of_the_sepa_zone_outside_the_eu_is_accepted(parent_client):
    assert subscribe(parent_client, iban="GB29NWBK60161331926819").status_code == 302


def test_a_second_active_mandate_is_refused(parent_client, family):
    subscribe(parent_client)
    response = subscribe(parent_client, iban=IBAN_OTHER)
    assert response.status_code == 400
    assert SepaMandate.objects.filter(family=family).count() == 1


def test_the_page_shows_the_mandate_with_the_iban_masked(parent_client, family, staff):
    paper_mandate(family, staff)
    body = parent_client.get(URL).content.decode()
    assert MASKED in body
    assert IBAN_TEST not in body


def test_invoices_show_the_planned_debit_instead_of_the_pay_button(parent_client, family, staff):
    paper_mandate(family, staff)
    invoice = issue(family, "12.00")
    body = parent_client.get("/factures/").content.decode()
    planned = long_date(next_debit_date(timezone.localdate()))
    assert f"Prélèvement prévu le {planned}" in body
    assert f"Régler la facture {invoice.number}" not in body
    assert "Paiement en ligne</button>" not in body


def test_an_invoice_in_a_collection_shows_the_collection_date(parent_client, family, staff):
    paper_mandate(family, staff)
    issue(family, "12.00")
    collect(staff)
    body = parent_client.get("/factures/").content.decode()
    assert "Prélèvement prévu le 10 décembre 2026" in body


def test_without_a_mandate_the_pay_button_stays(parent_client, family):
    invoice = issue(family, "12.00")
    body = parent_client.get("/factures/").content.decode()
    assert f"Régler la facture {invoice.number}" in body
    assert "Vous pouvez faire prélever vos factures automatiquement." in body


def test_a_parent_revokes_the_mandate(parent_client, family, staff):
    mandate = paper_mandate(family, staff)
    issue(family, "12.00")
    response = parent_client.post(f"{URL}{mandate.pk}/revoquer/")
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.status == SepaMandate.Status.REVOKED
    assert AuditEvent.objects.filter(kind=DirectDebitEvent.MANDATE_REVOKED).exists()
    assert "Paiement en ligne</button>" in parent_client.get("/factures/").content.decode()


def test_the_mandate_pdf_is_the_familys_own(parent_client, family, other_family, staff):
    ours = paper_mandate(family, staff)
    theirs = paper_mandate(other_family, staff, IBAN_OTHER)
    response = parent_client.get(f"{URL}{ours.pk}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert parent_client.get(f"{URL}{theirs.pk}/pdf/").status_code == 404


def test_another_familys_mandate_is_never_visible_nor_revocable(
    parent_client, family, other_family, staff
):
    theirs = paper_mandate(other_family, staff, IBAN_OTHER, holder="Zoé Autre")
    body = parent_client.get(URL).content.decode()
    assert theirs.reference not in body and "Zoé Autre" not in body
    assert "Signer le mandat" in body
    assert theirs.reference not in parent_client.get("/factures/").content.decode()
    assert parent_client.post(f"{URL}{theirs.pk}/revoquer/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SepaMandate.Status.ACTIVE


def test_the_page_is_absent_when_direct_debit_is_not_configured(parent_client, settings):
    settings.SEPA_CREDITOR_ID = ""
    assert parent_client.get(URL).status_code == 404
    assert "prélever" not in parent_client.get("/factures/").content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/factures/", URL])
def test_query_count_bounded_and_flat(client, family, staff, url):
    client.force_login(make_parent(family, "compte@example.org"))
    paper_mandate(family, staff)
    issue(family, "4.00")
    few = _queries(client, url)
    for index in range(20):
        other = make_family(f"F{index}", f"f{index}@example.org")
        paper_mandate(other, staff, IBAN_OTHER)
        issue(other, "3.00")
        issue(family, "4.00", month=datetime.date(2026, 1 + index % 12, 1))
    collect(staff)
    many = _queries(client, url)
    assert few == many
    assert many <= 12
