"""Mes factures: to pay by default, settled ones on request, period filter, flat query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factures import services
from factures.selectors import invoices_to_pay_count
from tests.factories import issue, make_family, make_parent

pytestmark = pytest.mark.django_db
URL = reverse("factures:index")


def test_to_pay_by_default_settled_on_request(parent_client, family, staff):
    due = issue(family, "12.00")
    paid = issue(family, "8.00", month=datetime.date(2026, 9, 1))
    services.payment_record_offline(
        invoice=paid, method="cheque", amount=Decimal("8.00"), user=staff
    )
    response = parent_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert due.number in content and paid.number not in content
    assert f'name="factures" value="{due.pk}"' in content
    assert "12,00 €" in content
    response = parent_client.get(URL, {"etat": "soldees"})
    content = response.content.decode()
    assert paid.number in content and due.number not in content
    assert 'name="factures"' not in content
    assert "Soldée" in content


def test_period_filter(parent_client, family):
    september = issue(family, "5.00", month=datetime.date(2026, 9, 1))
    october = issue(family, "6.00")
    content = parent_client.get(URL, {"du": "2026-10-01", "au": "2026-10-31"}).content.decode()
    assert october.number in content and september.number not in content
    content = parent_client.get(URL, {"au": "2026-09-30"}).content.decode()
    assert september.number in content and october.number not in content


def test_invoice_being_paid_cannot_be_ticked(parent_client, family, parent):
    invoice = issue(family, "12.00")
    services.payment_start(family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox")
    content = parent_client.get(URL).content.decode()
    assert f'value="{invoice.pk}"' not in content
    assert "Paiement en cours" in content
    later = timezone.now() + datetime.timedelta(minutes=16)
    services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox", now=later
    )


def test_other_family_invoices_are_not_listed(parent_client, other_family):
    theirs = issue(other_family, "9.00")
    assert theirs.number not in parent_client.get(URL).content.decode()


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wrong_method_is_405(parent_client):
    assert parent_client.post(URL).status_code == 405


def test_dashboard_badge_counts_invoices_to_pay(family, staff, django_assert_num_queries):
    issue(family, "1.00")
    paid = issue(family, "2.00")
    services.payment_record_offline(invoice=paid, method="cash", amount=Decimal("2.00"), user=staff)
    with django_assert_num_queries(1):
        assert invoices_to_pay_count(family) == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", ["", "?etat=soldees", "?du=2026-01-01&au=2026-12-31"])
def test_query_count_bounded_and_flat(client, family, structure, staff, query):
    parent = make_parent(family, "compte@example.org")
    client.force_login(parent)
    issue(family, "4.00")
    settled = issue(family, "4.00")
    services.payment_record_offline(invoice=settled, method="cash", amount=Decimal(4), user=staff)
    few = _queries(client, URL + query)
    for index in range(30):
        other = make_family(f"F{index}", f"f{index}@example.org")
        issue(other, "3.00")
        invoice = issue(family, "4.00", month=datetime.date(2026, 1 + index % 12, 1))
        if index % 2:
            services.payment_record_offline(
                invoice=invoice, method="cesu", amount=Decimal("4.00"), user=staff
            )
    many = _queries(client, URL + query)
    assert few == many
    assert many <= 12


def test_english(parent_client, family):
    issue(family, "4.00")
    parent_client.cookies["django_language"] = "en"
    content = parent_client.get(URL).content.decode()
    assert "My invoices" in content and "Online payment" in content
    content = parent_client.get(reverse("historique:paiements")).content.decode()
    assert "Online payments" in content and "Previous month" in content
