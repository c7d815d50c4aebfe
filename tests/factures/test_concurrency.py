"""Billing and payments under concurrency, on SQLite (a file database) and PostgreSQL.

Invoice numbers stay gapless, each booking is billed once, each payment settles once.
"""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from factures import services
from factures.billing import billing_run
from factures.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from tests.factories import OCTOBER, book, child, issue, make_family, make_parent
from tests.helpers import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_concurrent_issues_get_gapless_numbers(structure):
    families = [make_family(f"F{i}", f"f{i}@example.org") for i in range(8)]
    errors = in_threads(8, lambda i: [issue(families[i], "5.00") for _ in range(3)])
    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:06d}" for n in range(1, 25)]


def test_concurrent_billing_runs_bill_each_booking_once(structure, units, tariffs):
    families = [make_family(f"F{i}", f"f{i}@example.org") for i in range(6)]
    for family in families:
        for day in (7, 14):
            book(child(family, "Léa"), units["repas"], datetime.date(2026, 10, day))
    errors = in_threads(4, lambda i: billing_run(month=OCTOBER, render_pdf=False))
    assert errors == []
    assert Invoice.objects.count() == 6
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        f"{timezone.localdate().year}-{n:06d}" for n in range(1, 7)
    ]
    assert InvoiceLine.objects.count() == 6
    assert all(i.total == Decimal("8.00") for i in Invoice.objects.all())


def test_simultaneous_confirmations_settle_once(family):
    parent = make_parent(family, "p@example.org")
    invoice = issue(family, "42.00")
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )
    errors = in_threads(
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
    errors = in_threads(
        5,
        lambda i: services.payment_start(
            family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
        ),
    )
    assert Payment.objects.count() == 1
    assert len(errors) == 4
    assert all("déjà en cours" in str(error) for error in errors)


def test_pdf_is_rendered_outside_the_transaction(family):
    """Rendering takes about a second: no write lock is held meanwhile (SQLite locks the file)."""
    from django.db import connection

    from factures import pdf

    invoice = issue(family, "10.00")
    real = pdf.invoice_pdf_render
    seen = []

    def render(invoice):
        seen.append(connection.in_atomic_block)
        return real(invoice)

    with mock.patch.object(pdf, "invoice_pdf_render", render):
        stored = services.invoice_pdf_store(invoice_id=invoice.pk)
    assert seen == [False]
    assert stored.pdf and stored.pdf_sha256
