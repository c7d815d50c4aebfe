"""A structure without online payment (PAYMENT_PROVIDER empty): Mes factures says how to pay."""

import pytest
from django.urls import reverse

from factures.models import Payment
from tests.factories import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_provider(settings):
    settings.PAYMENT_PROVIDER = ""


def test_invoices_are_listed_without_the_payment_form(parent_client, family, no_provider):
    invoice = issue(family, "12.00")
    page = parent_client.get(reverse("factures:index")).content.decode()
    assert invoice.number in page
    assert "Le paiement en ligne n'est pas proposé par la structure" in page
    assert "acceptés : Chèque, Espèces, CESU, Virement." in page
    assert 'name="factures"' not in page
    assert reverse("factures:pay") not in page
    assert "factures.js" not in page


def test_settled_tab_has_no_explanation(parent_client, family, no_provider):
    page = parent_client.get(reverse("factures:index"), {"etat": "soldees"}).content.decode()
    assert "n'est pas proposé" not in page


def test_a_forged_payment_post_is_refused_with_a_message(parent_client, family, no_provider):
    invoice = issue(family, "12.00")
    response = parent_client.post(reverse("factures:pay"), {"factures": [invoice.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("factures:index")
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Le paiement en ligne n'est pas proposé par la structure."
    ]
    assert not Payment.objects.exists()


def test_english(parent_client, family, no_provider):
    issue(family, "12.00")
    parent_client.cookies["django_language"] = "en"
    page = parent_client.get(reverse("factures:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Online payment is not offered" in page


def test_the_sandbox_needs_its_allowance_even_when_configured(parent_client, family, settings):
    settings.ALLOW_SANDBOX_PAYMENTS = False  # DEBUG is off in tests
    invoice = issue(family, "12.00")
    page = parent_client.get(reverse("factures:index")).content.decode()
    assert "n'est pas proposé" in page
    parent_client.post(reverse("factures:pay"), {"factures": [invoice.pk]})
    assert not Payment.objects.exists()
