"""Staff in the admin: billing run, offline payments, credit notes, read-only history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from factures.audit_kinds import BillingEvent
from factures.models import Invoice, Payment
from tests.factories import book, child, issue

pytestmark = pytest.mark.django_db


def test_billing_run_from_the_admin(staff_client, family, units, tariffs):
    book(child(family, "Léa"), units["repas"], datetime.date(2026, 10, 7))
    url = reverse("admin:factures_invoice_billing_run")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"month": "2026-10"}, follow=True)
    assert "1 facture émise, total 4,00\xa0€." in response.content.decode()
    assert Invoice.objects.get().family == family
    staff_client.post(url, {"month": "2026-10"})
    assert Invoice.objects.count() == 1


def test_changelist_links_to_the_billing_run(staff_client, family):
    issue(family, "5.00")
    content = staff_client.get(reverse("admin:factures_invoice_changelist")).content.decode()
    assert reverse("admin:factures_invoice_billing_run") in content


def test_offline_payment(staff_client, staff, family, django_capture_on_commit_callbacks):
    invoice = issue(family, "30.00")
    url = reverse("admin:factures_invoice_payment", args=[invoice.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"method": "cheque", "amount": "40.00", "reference": "1"})
    assert response.status_code == 200  # more than the balance: refused
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"method": "cheque", "amount": "30.00", "reference": "CHQ 0042"}
        )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.method, payment.amount, payment.provider_reference) == (
        "cheque",
        Decimal("30.00"),
        "CHQ 0042",
    )
    assert payment.created_by == staff
    invoice.refresh_from_db()
    assert invoice.is_settled


def test_credit_note_from_the_admin(staff_client, family):
    invoice = issue(family, "30.00")
    url = reverse("admin:factures_invoice_credit_note", args=[invoice.pk])
    response = staff_client.post(url, {"amount": "10.00", "reason": "Absence justifiée"})
    assert response.status_code == 302
    note = Invoice.objects.get(kind="credit_note")
    assert note.total == Decimal("-10.00")
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("20.00")


def test_invoices_and_payments_cannot_be_changed_or_deleted(staff_client, family):
    invoice = issue(family, "30.00")
    change = reverse("admin:factures_invoice_change", args=[invoice.pk])
    assert staff_client.get(change).status_code == 200
    staff_client.post(change, {"total": "1.00"})
    invoice.refresh_from_db()
    assert invoice.total == Decimal("30.00")
    delete = reverse("admin:factures_invoice_delete", args=[invoice.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert staff_client.get(reverse("admin:factures_invoice_add")).status_code == 403
    assert staff_client.get(reverse("admin:factures_payment_add")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "factures_invoice",
        "factures_payment",
        "factures_tariff",
        "factures_manualcharge",
        "factures_providerevent",
        "factures_billingsettings",
    ],
)
def test_changelists_load(staff_client, family, name):
    issue(family, "5.00")
    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_parent_cannot_reach_the_admin_views(parent_client, family):
    invoice = issue(family, "5.00")
    response = parent_client.get(reverse("admin:factures_invoice_payment", args=[invoice.pk]))
    assert response.status_code == 302


def test_billing_run_refuses_the_current_month(staff_client, family, units, tariffs):
    from django.utils import timezone

    today = timezone.localdate()
    book(child(family, "Léa"), units["repas"], today)
    url = reverse("admin:factures_invoice_billing_run")
    response = staff_client.post(url, {"month": f"{today:%Y-%m}"})
    assert response.status_code == 200
    assert "n&#x27;est pas terminé" in response.content.decode()
    assert not Invoice.objects.exists()


def _flagged_payment(family, parent, amount="12.00"):
    from factures import services

    invoice = issue(family, amount)
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.TO_REFUND)
    return payment


def test_mark_refunded_records_who_when_and_the_history(staff_client, staff, family, parent):
    from espace_famille.models import AuditEvent

    flagged = _flagged_payment(family, parent)
    other = _flagged_payment(family, parent, "5.00")
    Payment.objects.filter(pk=other.pk).update(status=Payment.Status.FAILED)  # not to refund
    url = reverse("admin:factures_payment_changelist")
    response = staff_client.post(
        url,
        {"action": "mark_refunded", "_selected_action": [flagged.pk, other.pk]},
        follow=True,
    )
    assert "1 paiement(s) marqué(s) remboursé(s)." in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.status == Payment.Status.REFUNDED
    assert flagged.refunded_by == staff
    assert flagged.refunded_at is not None
    event = AuditEvent.objects.get(kind=BillingEvent.PAYMENT_REFUNDED)
    assert event.family == family
    assert event.user == staff
    assert "12.00 €" in event.summary and flagged.reference in event.summary
    other.refresh_from_db()
    assert other.refunded_at is None
    # shown, read-only, on the payment's page
    page = staff_client.get(reverse("admin:factures_payment_change", args=[flagged.pk]))
    content = page.content.decode()
    assert "Remboursement noté par" in content
    assert 'name="refunded_at"' not in content and 'name="refunded_by"' not in content


def test_refund_is_recorded_once(staff, family, parent):
    from espace_famille.models import AuditEvent
    from factures import services

    flagged = _flagged_payment(family, parent)
    assert services.payment_refund_mark(payment=flagged, by=staff, request=None)
    assert not services.payment_refund_mark(payment=flagged, by=staff, request=None)
    assert AuditEvent.objects.filter(kind=BillingEvent.PAYMENT_REFUNDED).count() == 1


def test_amounts_in_the_admin_read_in_french(staff_client, family):
    """Amounts read "12,50 €" and "0,00 €", never "12.50 €"."""
    invoice = issue(family, "12.50")
    invoices = staff_client.get(reverse("admin:factures_invoice_changelist")).text
    assert "12,50\xa0€" in invoices and "12.50" not in invoices
    change = staff_client.get(reverse("admin:factures_invoice_change", args=[invoice.pk])).text
    assert "12,50\xa0€" in change and "12.50" not in change
    url = reverse("admin:factures_invoice_payment", args=[invoice.pk])
    staff_client.post(url, {"method": "cheque", "amount": "12.50", "reference": "CHQ 1"})
    invoices = staff_client.get(reverse("admin:factures_invoice_changelist")).text
    assert "0,00\xa0€" in invoices and "0.00 €" not in invoices
    payments = staff_client.get(reverse("admin:factures_payment_changelist")).text
    assert "12,50\xa0€" in payments and "12.50" not in payments
    payment = Payment.objects.get()
    page = staff_client.get(reverse("admin:factures_payment_change", args=[payment.pk])).text
    assert "12,50\xa0€" in page
