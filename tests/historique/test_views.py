"""Historique: connections and online payments, by week or month, paginated, flat queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_famille import audit
from factures import services
from factures.models import Payment
from historique.selectors import period_for
from tests.factories import issue, local, login_at, make_family, make_parent

pytestmark = pytest.mark.django_db
LOGINS = reverse("historique:index")
PAYMENTS = reverse("historique:paiements")


def test_period_for_week_and_month():
    week = period_for("semaine", datetime.date(2026, 11, 26))  # a Thursday
    assert (week.first, week.last) == (datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))
    assert (week.previous, week.next) == (datetime.date(2026, 11, 16), datetime.date(2026, 11, 30))
    month = period_for("mois", datetime.date(2026, 12, 31))
    assert (month.first, month.last) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert (month.previous, month.next) == (datetime.date(2026, 11, 1), datetime.date(2027, 1, 1))
    assert month.end == local(2027, 1, 1, 0)


def test_connections_by_week_and_month(parent_client, family, parent, other_family, other_parent):
    login_at(family, parent, local(2025, 6, 23, 8, 5))  # Monday
    login_at(family, parent, local(2025, 6, 29, 23, 55))  # Sunday night
    login_at(family, parent, local(2025, 6, 30, 0, 5))  # next Monday
    login_at(family, parent, local(2025, 5, 31, 23, 59))
    login_at(other_family, other_parent, local(2025, 6, 24, 9, 0))
    audit.record(family, parent, audit.Kind.LOGOUT, "Déconnexion")

    week = parent_client.get(LOGINS, {"periode": "semaine", "date": "2025-06-25"})
    rows = week.context["page"].object_list
    assert [e.created_at for e in rows] == [local(2025, 6, 29, 23, 55), local(2025, 6, 23, 8, 5)]
    content = week.content.decode()
    assert "23:55" in content and "08:05" in content
    assert "?periode=semaine&amp;date=2025-06-16" in content
    assert "?periode=semaine&amp;date=2025-06-30" in content

    month = parent_client.get(LOGINS, {"periode": "mois", "date": "2025-06-10"})
    assert len(month.context["page"].object_list) == 3
    october = parent_client.get(LOGINS, {"periode": "mois", "date": "2025-05-01"})
    assert len(october.context["page"].object_list) == 1


def test_connections_are_paginated(parent_client, family, parent):
    for minute in range(25):
        login_at(family, parent, local(2025, 6, 10, 9, minute))
    first = parent_client.get(LOGINS, {"periode": "mois", "date": "2025-06-01"})
    assert len(first.context["page"].object_list) == 20
    second = parent_client.get(LOGINS, {"periode": "mois", "date": "2025-06-01", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_online_payments(parent_client, family, parent, other_family, staff):
    first, second = issue(family, "12.00"), issue(family, "8.00")
    payment = services.payment_start(
        family=family,
        invoice_ids=[first.pk, second.pk],
        user=parent,
        provider="sandbox",
        now=local(2025, 6, 12, 20, 30),
    )
    services.payment_confirm(payment_id=payment.pk, amount_cents=2000, currency="EUR")
    theirs = issue(other_family, "3.00")
    services.payment_start(
        family=other_family,
        invoice_ids=[theirs.pk],
        user=None,
        provider="sandbox",
        now=local(2025, 6, 12, 21, 0),
    )
    offline = issue(family, "5.00")
    services.payment_record_offline(
        invoice=offline,
        method="cheque",
        amount=Decimal(5),
        user=staff,
        received_at=local(2025, 6, 13),
    )
    response = parent_client.get(PAYMENTS, {"periode": "mois", "date": "2025-06-01"})
    assert list(response.context["page"].object_list) == [payment]
    content = response.content.decode()
    assert f"{first.number}, {second.number}" in content
    assert "20,00 €" in content and "Réussi" in content
    week_after = parent_client.get(PAYMENTS, {"periode": "semaine", "date": "2025-06-16"})
    assert list(week_after.context["page"].object_list) == []
    assert Payment.objects.count() == 3


def test_bad_filter_falls_back_to_this_month(parent_client):
    response = parent_client.get(LOGINS, {"periode": "annee", "date": "hier"})
    assert response.status_code == 200
    assert response.context["period"].kind == "mois"


@pytest.mark.parametrize("url", [LOGINS, PAYMENTS])
def test_anonymous_and_wrong_method(client, parent, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(parent)
    assert client.post(url).status_code == 405


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"periode": "mois", "date": "2025-06-01"}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [LOGINS, PAYMENTS])
def test_query_count_bounded_and_flat(client, family, structure, url):
    parent = make_parent(family, "compte@example.org")
    client.force_login(parent)

    def add(fam, user, day):
        login_at(fam, user, local(2025, 6, day))
        invoice = issue(fam, "4.00")
        services.payment_start(
            family=fam,
            invoice_ids=[invoice.pk],
            user=user,
            provider="sandbox",
            now=local(2025, 6, day),
        )

    add(family, parent, 2)
    few = _queries(client, url)
    for index in range(15):
        other = make_family(f"F{index}", f"f{index}@example.org")
        add(other, make_parent(other, f"p{index}@example.org"), 3 + index)
        add(family, parent, 3 + index)
    many = _queries(client, url)
    assert few == many
    assert many <= 12
