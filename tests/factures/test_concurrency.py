"""Payments under concurrency (PostgreSQL): confirmations and starts race, invoices settle once."""

from decimal import Decimal

import pytest

from factures import services
from factures.models import Payment, PaymentAllocation
from tests.conftest import make_parent
from tests.factures.conftest import issue
from tests.factures.test_numbers import _in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def test_simultaneous_confirmations_settle_once(family):
    parent = make_parent(family, "p@example.org")
    invoice = issue(family, "42.00")
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )
    errors = _in_threads(
        6,
        lambda i: services.payment_confirm(
            payment_id=payment.pk, amount_cents=4200, currency="EUR"
        ),
    )
    assert errors == []
    invoice.refresh_from_db()
    assert invoice.amount_settled == Decimal("42.00")
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert PaymentAllocation.objects.filter(applied=True).count() == 1


def test_simultaneous_starts_create_one_payment(family):
    parent = make_parent(family, "p@example.org")
    invoice = issue(family, "42.00")
    errors = _in_threads(
        5,
        lambda i: services.payment_start(
            family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
        ),
    )
    assert Payment.objects.count() == 1
    assert len(errors) == 4
    assert all("déjà en cours" in str(error) for error in errors)
