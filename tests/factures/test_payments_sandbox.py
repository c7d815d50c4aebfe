"""Paying online with the sandbox provider: start, hosted page, signed notification, result."""

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from espace_famille.models import AuditEvent
from factures import services
from factures.models import Invoice, Payment, ProviderEvent
from factures.payments.sandbox import build_notification, sign
from tests.factories import issue

pytestmark = pytest.mark.django_db
PAY = reverse("factures:pay")
NOTIFY = reverse("factures:payment_notification", args=["sandbox"])


@pytest.fixture
def invoices(family):
    return issue(family, "12.00"), issue(family, "8.50")


def _start(parent_client, *invoices, **extra):
    return parent_client.post(PAY, {"factures": [i.pk for i in invoices], **extra})


def test_pay_two_invoices_end_to_end(
    parent_client, family, parent, invoices, django_capture_on_commit_callbacks
):
    response = _start(parent_client, *invoices)
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("factures:sandbox_checkout", args=[payment.reference])
    assert payment.amount == Decimal("20.50")
    assert payment.status == Payment.Status.PENDING
    page = parent_client.get(response["Location"]).content.decode()
    assert "20,50 €" in page and invoices[0].number in page

    with django_capture_on_commit_callbacks(execute=True):
        response = parent_client.post(response["Location"], {"action": "payer"})
    assert response["Location"] == reverse("factures:payment_return", args=[payment.reference])
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.is_settled
    result = parent_client.get(response["Location"]).content.decode()
    assert "reçu" in result
    kinds = list(AuditEvent.objects.filter(family=family).values_list("kind", flat=True))
    assert "payment_started" in kinds and "payment_succeeded" in kinds
    receipt = mail.outbox[-1]
    assert "20,50 €" in receipt.subject
    assert invoices[1].number in receipt.body
    assert invoices[1].number in receipt.alternatives[0][0]
    assert parent.email in receipt.to


def test_refused_payment_settles_nothing(parent_client, family, invoices):
    response = _start(parent_client, invoices[0])
    parent_client.post(response["Location"], {"action": "refuser"})
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED
    invoices[0].refresh_from_db()
    assert not invoices[0].is_settled
    assert AuditEvent.objects.filter(family=family, kind="payment_failed").exists()
    # the lock is released by the failure: the invoice can be ticked again
    assert _start(parent_client, invoices[0]).status_code == 302
    assert Payment.objects.count() == 2


def test_forged_partial_amount_is_refused(parent_client, invoices):
    response = _start(parent_client, *invoices, montant="1.00")
    assert response.status_code == 302
    assert response["Location"] == reverse("factures:index")
    assert not Payment.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("partiel" in message for message in messages)


def test_posted_total_equal_to_balance_is_accepted(parent_client, invoices):
    _start(parent_client, *invoices, montant="20,50")
    assert Payment.objects.get().amount == Decimal("20.50")


def test_amount_is_the_whole_balance_recomputed_on_the_server(parent_client, family, staff):
    invoice = issue(family, "30.00")
    services.payment_record_offline(
        invoice=invoice, method="cheque", amount=Decimal("10.00"), user=staff
    )
    _start(parent_client, invoice)
    payment = Payment.objects.get(method="online")
    assert payment.amount == Decimal("20.00")
    assert payment.allocations.get().amount == Decimal("20.00")


def test_other_family_invoice_is_404(parent_client, other_family, invoices):
    theirs = issue(other_family, "5.00")
    assert _start(parent_client, invoices[0], theirs).status_code == 404
    assert not Payment.objects.exists()


def test_nothing_ticked_or_settled_is_refused(parent_client, family, staff, invoices):
    assert _start(parent_client).status_code == 302
    services.payment_record_offline(
        invoice=invoices[0], method="cash", amount=Decimal("12.00"), user=staff
    )
    _start(parent_client, invoices[0])
    assert not Payment.objects.filter(method="online").exists()


def test_invoice_being_paid_cannot_be_paid_again(parent_client, invoices):
    _start(parent_client, invoices[0])
    _start(parent_client, *invoices)
    assert Payment.objects.count() == 1


def test_pay_wrong_method_and_anonymous(client, parent_client):
    assert parent_client.get(PAY).status_code == 405
    client.logout()
    response = client.post(PAY, {"factures": [1]})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_other_family_checkout_and_result_are_404(client, other_parent, parent, family, invoices):
    payment = services.payment_start(
        family=family, invoice_ids=[invoices[0].pk], user=parent, provider="sandbox"
    )
    client.force_login(other_parent)
    for name in ("factures:sandbox_checkout", "factures:payment_return"):
        assert client.get(reverse(name, args=[payment.reference])).status_code == 404
    assert (
        client.post(
            reverse("factures:sandbox_checkout", args=[payment.reference]), {"action": "payer"}
        )
    ).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def _payment(family, parent, invoice):
    return services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )


def test_notification_endpoint_bad_signature_is_400(client, family, parent, invoices):
    payment = _payment(family, parent, invoices[0])
    body, signature = build_notification(payment, paid=True)
    tampered = body.replace(b'"amount": 1200', b'"amount": 1')
    for data, header in ((body, "t=1,v1=00"), (tampered, signature), (body, "")):
        response = client.post(
            NOTIFY, data, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=header
        )
        assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


def test_duplicate_notification_settles_once(
    client, family, parent, invoices, django_capture_on_commit_callbacks
):
    payment = _payment(family, parent, invoices[0])
    body, signature = build_notification(payment, paid=True)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = client.post(
                NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=signature
            )
            assert response.status_code == 200
    assert response.json() == {"status": "duplicate"}
    invoices[0].refresh_from_db()
    assert invoices[0].amount_settled == Decimal("12.00")
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.PROCESSED
    assert AuditEvent.objects.filter(kind="payment_succeeded").count() == 1
    assert len([m for m in mail.outbox if "Reçu" in m.subject]) == 1


def test_wrong_amount_settles_nothing_and_is_flagged(client, family, parent, invoices):
    payment = _payment(family, parent, invoices[0])
    body = json.dumps(
        {
            "id": "evt_x",
            "type": "payment.succeeded",
            "reference": payment.reference,
            "amount": 100,
            "currency": "EUR",
        }
    ).encode()
    client.post(NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=sign(body))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    invoices[0].refresh_from_db()
    assert not invoices[0].is_settled


def test_payment_for_settled_invoice_is_recorded_and_flagged(
    client, family, parent, staff, invoices
):
    payment = _payment(family, parent, invoices[0])
    services.payment_record_offline(
        invoice=invoices[0], method="cheque", amount=Decimal("12.00"), user=staff
    )
    body, signature = build_notification(payment, paid=True)
    client.post(NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=signature)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    assert invoices[0].number in payment.note
    invoices[0].refresh_from_db()
    assert invoices[0].amount_settled == Decimal("12.00")


def test_late_success_after_cancellation_still_counts(client, family, parent, invoices):
    payment = _payment(family, parent, invoices[0])
    services.payment_fail(payment_id=payment.pk, status=Payment.Status.CANCELLED)
    body, signature = build_notification(payment, paid=True)
    client.post(NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=signature)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Invoice.objects.get(pk=invoices[0].pk).is_settled


def test_refusal_after_success_changes_nothing(client, family, parent, invoices):
    payment = _payment(family, parent, invoices[0])
    for paid in (True, False):
        body, signature = build_notification(payment, paid=paid)
        client.post(
            NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=signature
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_sandbox_disabled_unless_configured(settings, parent_client, family, parent, invoices):
    payment = _payment(family, parent, invoices[0])
    settings.PAYMENT_PROVIDER = "stripe"
    url = reverse("factures:sandbox_checkout", args=[payment.reference])
    assert parent_client.get(url).status_code == 404
    body, signature = build_notification(payment, paid=True)
    response = parent_client.post(
        NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=signature
    )
    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_notification_wrong_method_is_405(client):
    assert client.get(NOTIFY).status_code == 405


@pytest.mark.parametrize("montant", ["Infinity", "-Infinity", "1e999", "NaN", "sNaN"])
def test_non_finite_amount_is_refused_not_a_500(parent_client, invoices, montant):
    response = _start(parent_client, *invoices, montant=montant)
    assert response.status_code == 302
    assert response["Location"] == reverse("factures:index")
    assert not Payment.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Montant illisible."]


def test_non_ascii_signature_is_400(client, family, parent, invoices):
    import time

    payment = _payment(family, parent, invoices[0])
    body, _signature = build_notification(payment, paid=True)
    response = client.post(
        NOTIFY,
        body,
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE=f"t={int(time.time())},v1=é",
    )
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


def test_sandbox_pending_payment_is_cancelled_by_post_only(parent_client, family, parent, invoices):
    payment = _payment(family, parent, invoices[0])
    result = reverse("factures:payment_return", args=[payment.reference])
    assert "Annuler ce paiement" in parent_client.get(result, {"annule": "1"}).content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    parent_client.post(reverse("factures:payment_cancel", args=[payment.reference]))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert AuditEvent.objects.filter(kind="payment_cancelled").count() == 1


def test_right_amount_after_a_wrong_one_leaves_one_consistent_state(
    client, family, parent, invoices
):
    """the payment stayed "to refund" while it also succeeded."""
    payment = _payment(family, parent, invoices[0])
    wrong = json.dumps(
        {
            "id": "evt_wrong",
            "type": "payment.succeeded",
            "reference": payment.reference,
            "amount": 100,
            "currency": "EUR",
        }
    ).encode()
    right, right_signature = build_notification(payment, paid=True)
    for body, signature in ((wrong, sign(wrong)), (right, right_signature)):
        client.post(
            NOTIFY, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=signature
        )
    payment.refresh_from_db()
    assert payment.status == "to_refund"  # the money received first must go back
    invoices[0].refresh_from_db()
    assert invoices[0].amount_settled == 0
    assert not payment.allocations.filter(applied=True).exists()
