"""A settled invoice says "Acquittée le … par …": its stored PDF is rendered again when it is
settled (in the background, after the commit), the list and the admin say it too."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from factures import selectors, services
from factures.models import Invoice, Payment, PaymentAllocation
from tests.factories import issue

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def stored_text(invoice: Invoice) -> str:
    invoice.refresh_from_db()
    content = default_storage.open(invoice.pdf.name).read()
    assert invoice.pdf_sha256 == hashlib.sha256(content).hexdigest()
    return pdf_text(content)


def test_unpaid_pdf_asks_to_be_paid(invoice):
    text = stored_text(invoice)
    assert "Comment payer" in text and "Acquittée" not in text


def test_settling_renders_the_stored_pdf_again_with_a_new_fingerprint(
    invoice, staff, django_capture_on_commit_callbacks
):
    invoice.refresh_from_db()
    old_name, old_sha = invoice.pdf.name, invoice.pdf_sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_offline(
            invoice=invoice, method="cheque", amount=Decimal("20.30"), user=staff
        )
    text = stored_text(invoice)
    assert invoice.pdf_sha256 != old_sha
    assert not default_storage.exists(old_name)  # the replaced file is deleted
    assert "Acquittée le" in text and "par chèque" in text
    assert "Comment payer" not in text
    assert "À régler avant le" not in text


def test_a_partial_payment_leaves_the_pdf_as_it_was(
    invoice, staff, django_capture_on_commit_callbacks
):
    invoice.refresh_from_db()
    sha = invoice.pdf_sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_offline(
            invoice=invoice, method="cash", amount=Decimal("10.00"), user=staff
        )
    invoice.refresh_from_db()
    assert invoice.pdf_sha256 == sha


def test_two_payments_are_both_listed(invoice, staff, django_capture_on_commit_callbacks):
    services.payment_record_offline(
        invoice=invoice, method="cash", amount=Decimal("10.00"), user=staff
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_offline(
            invoice=invoice, method="transfer", amount=Decimal("10.30"), user=staff
        )
    text = stored_text(invoice)
    assert "par espèces et virement" in text
    assert "10,00 €" in text and "10,30 €" in text


def test_settled_by_a_credit_note_says_so(invoice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note = services.credit_note_issue(
            invoice=invoice, amount=Decimal("20.30"), reason="Fermeture"
        )
    text = stored_text(invoice)
    assert "Soldée le" in text and f"avoir {note.number}" in text
    assert "Acquittée" not in text


def test_payment_to_refund_never_shows_on_the_paid_invoice(
    invoice, parent, staff, django_capture_on_commit_callbacks
):
    """An online payment whose money arrived after a cheque settled the invoice is to refund,
    then refunded: the PDF shows the cheque only, before and after the refund is flagged."""
    online = services.payment_start(
        family=invoice.family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_offline(
            invoice=invoice, method="cheque", amount=Decimal("20.30"), user=staff
        )
    services.payment_confirm(payment_id=online.pk, amount_cents=2030, currency="EUR")
    online.refresh_from_db()
    assert online.status == Payment.Status.TO_REFUND
    services.payment_refund_mark(payment=online, by=staff)
    text = stored_text(invoice)
    assert "par chèque" in text
    assert "carte bancaire" not in text


def test_online_payment_says_card(invoice, parent, django_capture_on_commit_callbacks):
    payment = services.payment_start(
        family=invoice.family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_confirm(payment_id=payment.pk, amount_cents=2030, currency="EUR")
    assert "par carte bancaire en ligne" in stored_text(invoice)


def test_stale_pdf_is_rendered_again_on_download(parent_client, invoice, staff):
    """The background task has not run yet (no commit callbacks here): the download renders
    the paid PDF itself instead of serving the one that asks to be paid."""
    services.payment_record_offline(
        invoice=invoice, method="cheque", amount=Decimal("20.30"), user=staff
    )
    invoice.refresh_from_db()
    assert invoice.pdf_is_stale
    response = parent_client.get(reverse("factures:pdf", args=[invoice.pk]))
    content = b"".join(response.streaming_content)
    assert "Acquittée le" in pdf_text(content)
    invoice.refresh_from_db()
    assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256


def test_settled_list_says_paid_on_and_how(parent_client, family, staff):
    paid = issue(family, "8.00")
    services.payment_record_offline(
        invoice=paid, method="cheque", amount=Decimal("8.00"), user=staff
    )
    paid.refresh_from_db()
    content = parent_client.get(reverse("factures:index"), {"etat": "soldees"}).content.decode()
    assert f"Acquittée le {paid.settled_at:%d/%m/%Y}" in content
    assert "par chèque" in content


def test_settled_list_queries_are_flat(parent_client, family, staff):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            parent_client.get(reverse("factures:index"), {"etat": "soldees"})
        return len(queries)

    first = issue(family, "8.00")
    services.payment_record_offline(
        invoice=first, method="cheque", amount=Decimal("8.00"), user=staff
    )
    few = count()
    for _ in range(5):
        invoice = issue(family, "4.00")
        services.payment_record_offline(
            invoice=invoice, method="cash", amount=Decimal("2.00"), user=staff
        )
        services.payment_record_offline(
            invoice=invoice, method="cheque", amount=Decimal("2.00"), user=staff
        )
        services.credit_note_issue(invoice=issue(family, "3.00"), amount=Decimal(3), reason="x")
    assert count() == few <= 12


def test_a_page_of_settlements_is_each_invoices_own(family, staff, django_assert_num_queries):
    """The settled list reads the settlements of its invoices in one query: the same ones, in
    the same order, as `invoice_settlements` reads for one invoice (the admin and the PDF)."""
    received = datetime.datetime(2026, 10, 15, 9, 0, tzinfo=timezone.get_current_timezone())
    mixed = issue(family, "10.00")
    services.payment_record_offline(
        invoice=mixed, method="cheque", amount=Decimal("4.00"), user=staff
    )
    services.payment_record_offline(
        invoice=mixed, method="cash", amount=Decimal("3.00"), user=staff, received_at=received
    )
    services.credit_note_issue(invoice=mixed, amount=Decimal(3), reason="absence")
    by_notes = issue(family, "5.00")
    services.credit_note_issue(invoice=by_notes, amount=Decimal(2), reason="a")
    services.credit_note_issue(invoice=by_notes, amount=Decimal(3), reason="b")
    online = issue(family, "8.00")
    for status, applied in [(Payment.Status.SUCCEEDED, True), (Payment.Status.TO_REFUND, False)]:
        payment = Payment.objects.create(
            family=family,
            method=Payment.Method.ONLINE,
            provider="payfip",
            reference=f"PAY-{status}",
            amount=Decimal("8.00"),
            status=status,
            created_at=timezone.now(),
        )
        PaymentAllocation.objects.create(
            payment=payment, invoice=online, amount=Decimal("8.00"), applied=applied
        )
    unpaid = issue(family, "6.00")
    invoices = list(
        Invoice.objects.filter(pk__in=[mixed.pk, by_notes.pk, online.pk, unpaid.pk])
        # As the list read them before: credit notes of a same day by number.
        .prefetch_related(
            Prefetch("credit_notes", queryset=Invoice.objects.order_by("issued_on", "number"))
        )
    )
    with django_assert_num_queries(1):
        found = selectors.settlements_by_invoice(invoices)
    assert found == {invoice.pk: selectors.invoice_settlements(invoice) for invoice in invoices}
    assert [item.label for item in found[by_notes.pk]] == [
        f"avoir {note.number}" for note in by_notes.credit_notes.order_by("number")
    ]
    assert [item.label for item in found[mixed.pk]][:1] == ["espèces"]
    assert [item.label for item in found[online.pk]] == ["paiement en ligne PayFiP"]
    assert found[unpaid.pk] == []
    assert selectors.settlements_by_invoice([]) == {}


def test_admin_invoice_page_says_paid_on_and_how(staff_client, invoice, staff):
    services.payment_record_offline(
        invoice=invoice, method="cheque", amount=Decimal("20.30"), user=staff
    )
    content = staff_client.get(
        reverse("admin:factures_invoice_change", args=[invoice.pk])
    ).content.decode()
    assert "Acquittée le" in content and "chèque" in content


def test_paid_on_is_the_day_the_money_was_received(
    parent_client, invoice, staff, django_capture_on_commit_callbacks
):
    """A cheque received on 15 October and recorded today: "Acquittée le 15 octobre"."""
    received = datetime.datetime(2026, 10, 15, 9, 0, tzinfo=timezone.get_current_timezone())
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_offline(
            invoice=invoice,
            method="cheque",
            amount=Decimal("20.30"),
            user=staff,
            received_at=received,
        )
    assert "Acquittée le 15 octobre 2026 par chèque" in stored_text(invoice)
    content = parent_client.get(reverse("factures:index"), {"etat": "soldees"}).content.decode()
    assert "Acquittée le 15/10/2026" in content
