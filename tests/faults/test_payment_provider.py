"""The payment provider fails: timeouts and 5xx when a payment starts and when it is looked up
(Stripe through a local stub of its API). The parent reads a French message, nothing is paid
twice, and the invoices are never locked longer than the provider's session."""

import datetime
import json
import time
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from factures import selectors, services
from factures.models import Invoice, Payment
from factures.payments import get_provider
from tests.factories import issue
from tests.factures.gateway_stubs import StripeStub

pytestmark = pytest.mark.django_db
SESSION_ID = "cs_test_faults"
SECRET = "whsec_faults"
UNAVAILABLE = "Le service de paiement est indisponible. Réessayez dans un moment."
NO_ANSWER = "Le service de paiement ne répond pas pour le moment"


@pytest.fixture
def flaky(settings):
    with StripeStub(SESSION_ID) as stub:
        stub.configure(settings, webhook_secret=SECRET, STRIPE_TIMEOUT_SECONDS=1)
        yield stub


@pytest.fixture
def invoice(family):
    return issue(family, "18.40")


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _pay(parent_client, invoice):
    return parent_client.post(reverse("factures:pay"), {"factures": [invoice.pk]})


@pytest.mark.parametrize("mode", ["500", "slow"])
def test_start_failure_shows_a_french_message_and_releases_the_invoice(
    parent_client, flaky, invoice, mode
):
    flaky.mode = mode
    started = time.monotonic()
    response = _pay(parent_client, invoice)
    assert time.monotonic() - started < 10  # the parent is not kept waiting for Stripe's 80 s
    assert response.status_code == 302
    assert response["Location"] == reverse("factures:index")
    assert _messages(response) == [UNAVAILABLE]
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED
    # Released at once: the invoice is payable again, and is paid once Stripe answers.
    listed = selectors.invoices_for_family(invoice.family)
    assert [i.being_paid for i in listed] == [False]
    flaky.mode = "ok"
    response = _pay(parent_client, invoice)
    assert response["Location"] == f"https://checkout.stripe.com/c/pay/{SESSION_ID}"
    assert Payment.objects.filter(status=Payment.Status.PENDING).count() == 1


def test_a_session_created_despite_the_timeout_still_settles_once(
    client, parent_client, flaky, invoice, django_capture_on_commit_callbacks
):
    """Stripe created the session but answered too late: if it is paid after all, the late
    confirmation settles the invoice (failed -> succeeded), never twice."""
    flaky.mode = "slow"
    _pay(parent_client, invoice)
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED
    deadline = time.monotonic() + 5
    while not flaky.session and time.monotonic() < deadline:  # Stripe finishes, too late
        time.sleep(0.05)
    paid = {**flaky.session, "status": "complete", "payment_status": "paid"}
    body = json.dumps(
        {"id": "evt_late", "type": "checkout.session.completed", "data": {"object": paid}}
    )
    header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            get_provider("stripe").handle_notification(body.encode(), {"Stripe-Signature": header})
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.amount_settled == Decimal("18.40")


@pytest.mark.parametrize("mode", ["500", "slow"])
def test_lookup_failure_on_return_shows_a_french_message_and_changes_nothing(
    parent_client, flaky, invoice, mode
):
    _pay(parent_client, invoice)
    payment = Payment.objects.get()
    flaky.mode = mode
    url = reverse("factures:payment_return", args=[payment.reference])
    response = parent_client.get(url, {"session_id": SESSION_ID})
    assert response.status_code == 200
    page = response.content.decode()
    assert NO_ANSWER in page
    assert "Annuler ce paiement" in page
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    flaky.mode = "ok"
    flaky.session = {**flaky.session, "status": "complete", "payment_status": "paid"}
    page = parent_client.get(url).content.decode()
    assert NO_ANSWER not in page
    assert "reçu" in page
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


@pytest.mark.parametrize("mode", ["500", "slow"])
def test_cancel_failure_keeps_the_lock_with_a_french_message(parent_client, flaky, invoice, mode):
    _pay(parent_client, invoice)
    payment = Payment.objects.get()
    flaky.mode = mode
    response = parent_client.post(reverse("factures:payment_cancel", args=[payment.reference]))
    assert response.status_code == 302
    assert _messages(response) == ["Le paiement n'a pas pu être annulé. Réessayez dans un moment."]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING  # the session may still be paid


def test_the_lock_ends_with_the_provider_session_even_if_the_provider_never_answers(
    parent_client, flaky, invoice, settings
):
    settings.PAYMENT_LOCK_MINUTES = 15
    _pay(parent_client, invoice)
    payment = Payment.objects.get()
    flaky.mode = "500"  # no lookup answers, no webhook: the payment stays pending
    lock_end = payment.created_at + datetime.timedelta(minutes=services.payment_lock_minutes())
    # Stripe's session ends with the lock, never after it: nothing can be paid once released.
    assert int(flaky.form["expires_at"][0]) <= lock_end.timestamp()

    def being_paid(now):
        return [i.being_paid for i in selectors.invoices_for_family(invoice.family, now=now)]

    assert being_paid(lock_end - datetime.timedelta(seconds=1)) == [True]
    after = lock_end + datetime.timedelta(seconds=1)
    assert being_paid(after) == [False]
    again = services.payment_start(
        family=invoice.family, invoice_ids=[invoice.pk], user=None, provider="stripe", now=after
    )
    assert again.status == Payment.Status.PENDING
