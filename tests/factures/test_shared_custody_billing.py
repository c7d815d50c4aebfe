"""Shared custody in the billing run: each household pays the days it booked, at its own tariff
(its own quotient familial), on its own invoice; the other household's invoice stays out of
its sight."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from factures.billing import billing_run
from factures.models import Invoice
from tests.factories import OCTOBER, book, child, make_parent, share_child

pytestmark = pytest.mark.django_db

WEDNESDAYS = [datetime.date(2026, 10, d) for d in (7, 14, 21, 28)]


def _qf(family, value):
    family.quotient_familial = value
    family.save(update_fields=["quotient_familial"])


def test_each_household_is_billed_for_its_own_days_at_its_own_qf(
    family, other_family, units, tariffs
):
    _qf(family, 650)  # matin 3 €
    _qf(other_family, 1500)  # matin 5 €
    lea = child(family, "Léa")
    share_child(lea, other_family)
    for day in WEDNESDAYS[:2]:
        book(lea, units["matin"], day)  # old rows: no household, the main one
    booked = book(lea, units["matin"], WEDNESDAYS[2])
    booked.family = family
    booked.save(update_fields=["family"])
    for day in WEDNESDAYS[3:]:
        theirs = book(lea, units["matin"], day)
        theirs.family = other_family
        theirs.save(update_fields=["family"])

    billing_run(month=OCTOBER, render_pdf=False)

    ours = Invoice.objects.get(family=family)
    assert ours.total == Decimal("9.00")  # 3 days at 3 €
    theirs_invoice = Invoice.objects.get(family=other_family)
    assert theirs_invoice.total == Decimal("5.00")  # 1 day at 5 €
    assert [line.member_name for line in theirs_invoice.lines.all()] == ["Léa TEST"]


def test_billing_one_household_takes_only_its_bookings(family, other_family, units, tariffs):
    lea = child(family, "Léa")
    share_child(lea, other_family)
    book(lea, units["matin"], WEDNESDAYS[0])
    theirs = book(lea, units["matin"], WEDNESDAYS[1])
    theirs.family = other_family
    theirs.save(update_fields=["family"])
    result = billing_run(month=OCTOBER, render_pdf=False, family_ids=[other_family.pk])
    assert [invoice.family for invoice in result.invoices] == [other_family]
    assert result.invoices[0].lines.get().quantity == 1


def test_the_other_households_invoices_stay_hidden(client, family, other_family, units, tariffs):
    lea = child(family, "Léa")
    share_child(lea, other_family)
    book(lea, units["matin"], WEDNESDAYS[0])
    billing_run(month=OCTOBER, render_pdf=False)
    invoice = Invoice.objects.get(family=family)
    client.force_login(make_parent(other_family, "autre@example.org"))
    listing = client.get(reverse("factures:index"))
    assert invoice.number not in listing.text
    assert client.get(reverse("factures:pdf", args=[invoice.pk])).status_code == 404
