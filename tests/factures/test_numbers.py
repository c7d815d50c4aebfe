"""Invoice numbers (gapless per year, also under concurrency), immutability, credit notes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from factures import services
from factures.models import Invoice
from tests.factories import OCTOBER, issue

pytestmark = pytest.mark.django_db


def test_numbers_are_sequential_per_year(family):
    first = issue(family, "10.00", issued_on=datetime.date(2026, 12, 30))
    second = issue(family, "10.00", issued_on=datetime.date(2026, 12, 31))
    third = issue(family, "10.00", issued_on=datetime.date(2027, 1, 2))
    assert [first.number, second.number, third.number] == [
        "2026-000001",
        "2026-000002",
        "2027-000001",
    ]


def test_rolled_back_issue_leaves_no_gap(family):
    issue(family, "10.00")
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(family, "20.00")
        raise RuntimeError("rollback")
    assert issue(family, "30.00").number == "2026-000002"


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        services.invoice_number_allocate(year=2026)


def test_issued_invoice_is_immutable(family):
    invoice = issue(family, "10.00")
    invoice.total = Decimal("1.00")
    with pytest.raises(PermissionError):
        invoice.save()
    with pytest.raises(PermissionError):
        invoice.save(update_fields=["total"])
    with pytest.raises(PermissionError):
        invoice.delete()
    line = invoice.lines.get()
    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        line.delete()
    assert Invoice.objects.get().total == Decimal("10.00")


def test_credit_note_lowers_the_balance(family, staff):
    invoice = issue(family, "30.00")
    note = services.credit_note_issue(
        invoice=invoice, amount=Decimal("12.50"), reason="absence maladie", user=staff
    )
    invoice.refresh_from_db()
    assert note.kind == Invoice.Kind.CREDIT_NOTE
    assert note.number == "2026-000002"
    assert note.corrects == invoice
    assert note.total == Decimal("-12.50")
    assert invoice.balance == Decimal("17.50")
    with pytest.raises(ValidationError):
        services.credit_note_issue(invoice=invoice, amount=Decimal("17.51"), reason="x", user=staff)
    services.credit_note_issue(invoice=invoice, amount=Decimal("17.50"), reason="x", user=staff)
    invoice.refresh_from_db()
    assert invoice.is_settled
    assert invoice.settled_at is not None


def test_empty_invoice_is_refused(family):
    with pytest.raises(ValidationError):
        services.invoice_issue(
            family=family, period_start=OCTOBER, period_end=OCTOBER, lines=[], render_pdf=False
        )
