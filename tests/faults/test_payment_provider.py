"""The payment provider fails: timeouts and 5xx when a payment starts and when it is looked up
(Stripe through a local stub of its API). The parent reads a French message, nothing is paid
twice, and the invoices are never locked longer than the provider's session."""

import datetime
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import stripe
from django.urls import reverse

from factures import selectors, services
from factures.models import Invoice, Payment
from factures.payments import get_provider
from tests.factories import issue

pytestmark = pytest.mark.django_db
SESSION_ID = "cs_test_faults"
SECRET = "whsec_faults"
UNAVAILABLE = "Le service de paiement est indisponible. Réessayez dans un moment."
NO_ANSWER = "Le service de paiement ne répond pas pour le moment"


class FlakyStripe:
    """Stripe's Checkout Session endpoints, answering `mode`: "ok", "500" or "slow"."""

    def __init__(self):
        self.mode = "ok"
        self.calls: list[str] = []
        self.session: dict = {}
        self.form: dict = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _fault(self) -> bool:
                stub.calls.append(f"{self.command} {self.path}")
                if stub.mode == "slow":
                    time.sleep(2)  # past the client's timeout of 1 s
                    return False  # answers anyway, too late: the session exists at Stripe
                if stub.mode == "500":
                    self._answer(500, {"error": {"type": "api_error", "message": "boom"}})
                    return True
                return False

            def do_POST(self):
                length = int(self.headers["Content-Length"] or 0)
                form = parse_qs(self.rfile.read(length).decode())
                stub.form = form
                if self._fault():
                    return None
                stub.session = {
                    "id": SESSION_ID,
                    "object": "checkout.session",
                    "url": f"https://checkout.stripe.com/c/pay/{SESSION_ID}",
                    "status": "open",
                    "payment_status": "unpaid",
                    "amount_total": int(form["line_items[0][price_data][unit_amount]"][0]),
                    "currency": "eur",
                    "client_reference_id": form["client_reference_id"][0],
                }
                return self._answer(200, stub.session)

            def do_GET(self):
                if self._fault():
                    return None
                return self._answer(200, stub.session)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )


@pytest.fixture
def flaky(settings):
    stub = FlakyStripe()
    stub.thread.start()
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = stub.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 1
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


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
