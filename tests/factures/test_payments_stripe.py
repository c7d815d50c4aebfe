"""Stripe Checkout against a local stub of its API (never the real service), signed webhooks."""

import json
import time
from decimal import Decimal

import pytest
import stripe
from django.core.exceptions import ValidationError
from django.urls import reverse

from espace_famille.models import AuditEvent
from factures import services
from factures.models import Payment, ProviderEvent
from tests.factories import issue
from tests.factures.gateway_stubs import StripeStub

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_test_secret"
WEBHOOK = reverse("factures:payment_notification", args=["stripe"])
SESSION_ID = "cs_test_a1b2c3"


@pytest.fixture
def stripe_stub(settings):
    with StripeStub(SESSION_ID) as stub:
        stub.configure(settings, webhook_secret=WEBHOOK_SECRET)
        yield stub


@pytest.fixture
def invoices(family):
    return issue(family, "12.00"), issue(family, "13.25")


@pytest.fixture
def started(parent_client, stripe_stub, invoices):
    response = parent_client.post(
        reverse("factures:pay"), {"factures": [invoice.pk for invoice in invoices]}
    )
    return response, Payment.objects.get()


def _event(session: dict, event_type="checkout.session.completed", event_id="evt_1"):
    return json.dumps(
        {"id": event_id, "object": "event", "type": event_type, "data": {"object": session}}
    )


def _post_webhook(client, payload: str, secret=WEBHOOK_SECRET, timestamp=None):
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def _paid(stub):
    return {**stub.session, "status": "complete", "payment_status": "paid"}


def test_start_creates_a_checkout_session_for_the_whole_balance(started, stripe_stub):
    response, payment = started
    assert response.status_code == 302
    assert response["Location"] == f"https://checkout.stripe.com/c/pay/{SESSION_ID}"
    assert payment.amount == Decimal("25.25")
    assert payment.provider == "stripe"
    assert payment.provider_reference == SESSION_ID
    form = stripe_stub.created[0]["form"]
    assert form["line_items[0][price_data][unit_amount]"] == ["2525"]
    assert form["line_items[0][price_data][currency]"] == ["eur"]
    assert form["client_reference_id"] == [payment.reference]
    assert form["success_url"][0].endswith(
        f"/factures/paiement/{payment.reference}/retour/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert stripe_stub.created[0]["headers"]["Idempotency-Key"] == payment.reference
    assert form["payment_method_types[0]"] == ["card"]
    assert "payment_method_types[1]" not in form
    # The session ends with the invoices' lock (31 min), never after it.
    lock_end = payment.created_at.timestamp() + 31 * 60
    assert lock_end - 1 < int(form["expires_at"][0]) <= lock_end


def test_webhook_success_settles_the_invoices(
    client, started, stripe_stub, invoices, family, django_capture_on_commit_callbacks
):
    _response, payment = started
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_webhook(client, _event(_paid(stripe_stub)))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert all(invoice.__class__.objects.get(pk=invoice.pk).is_settled for invoice in invoices)
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.PROCESSED
    assert AuditEvent.objects.filter(family=family, kind="payment_succeeded").count() == 1


def test_duplicate_webhook_and_return_page_settle_once(
    client, parent_client, started, stripe_stub, invoices
):
    _response, payment = started
    stripe_stub.session = _paid(stripe_stub)
    result = parent_client.get(reverse("factures:payment_return", args=[payment.reference]))
    assert "reçu" in result.content.decode()
    for _ in range(2):
        assert _post_webhook(client, _event(stripe_stub.session)).status_code == 200
    invoices[1].refresh_from_db()
    assert invoices[1].amount_settled == Decimal("13.25")
    assert AuditEvent.objects.filter(kind="payment_succeeded").count() == 1
    assert ProviderEvent.objects.count() == 1


def test_return_page_alone_marks_nothing_paid(parent_client, started, stripe_stub, invoices):
    _response, payment = started  # the stub still says "open", "unpaid"
    url = reverse("factures:payment_return", args=[payment.reference])
    page = parent_client.get(url, {"session_id": SESSION_ID}).content.decode()
    assert "attente" in page
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    invoices[0].refresh_from_db()
    assert not invoices[0].is_settled


@pytest.mark.parametrize(
    ("payload", "secret", "timestamp"),
    [
        ("tampered", WEBHOOK_SECRET, None),
        ("signed", "whsec_wrong", None),
        ("signed", WEBHOOK_SECRET, int(time.time()) - 3600),
    ],
)
def test_bad_signature_is_400_and_changes_nothing(
    client, started, stripe_stub, payload, secret, timestamp
):
    _response, payment = started
    body = _event(_paid(stripe_stub))
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    if payload == "tampered":
        body = body.replace('"amount_total": 2525', '"amount_total": 1')
    response = client.post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


def test_amount_mismatch_settles_nothing_and_is_flagged(client, started, stripe_stub, invoices):
    _response, payment = started
    session = {**_paid(stripe_stub), "amount_total": 100}
    assert _post_webhook(client, _event(session)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    invoices[0].refresh_from_db()
    assert not invoices[0].is_settled


def test_currency_mismatch_settles_nothing(client, started, stripe_stub, invoices):
    _response, payment = started
    _post_webhook(client, _event({**_paid(stripe_stub), "currency": "usd"}))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND


def test_session_of_another_payment_is_rejected(client, started, stripe_stub):
    _response, payment = started
    _post_webhook(client, _event({**_paid(stripe_stub), "id": "cs_other"}))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.REJECTED


def test_expired_session_cancels_the_payment(client, parent_client, started, stripe_stub, invoices):
    _response, payment = started
    expired = {**stripe_stub.session, "status": "expired"}
    assert _post_webhook(client, _event(expired, "checkout.session.expired")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert AuditEvent.objects.filter(kind="payment_cancelled").exists()
    # the invoices can be paid again at once
    parent_client.post(reverse("factures:pay"), {"factures": [invoices[0].pk]})
    assert Payment.objects.count() == 2


def test_expired_session_seen_on_return(parent_client, started, stripe_stub):
    _response, payment = started
    stripe_stub.session = {**stripe_stub.session, "status": "expired"}
    parent_client.get(reverse("factures:payment_return", args=[payment.reference]))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED


def test_late_expiry_after_success_changes_nothing(client, started, stripe_stub):
    _response, payment = started
    _post_webhook(client, _event(_paid(stripe_stub)))
    expired = {**stripe_stub.session, "status": "expired"}
    _post_webhook(client, _event(expired, "checkout.session.expired", "evt_2"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_ignored_event_type_is_200(client, started, stripe_stub):
    response = _post_webhook(client, _event(stripe_stub.session, "customer.created", "evt_9"))
    assert response.status_code == 200
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.IGNORED


def test_provider_down_fails_the_attempt(parent_client, settings, invoices):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    response = parent_client.post(reverse("factures:pay"), {"factures": [invoices[0].pk]})
    assert response["Location"] == reverse("factures:index")
    assert Payment.objects.get().status == Payment.Status.FAILED


def test_cancel_url_only_offers_a_post_button(parent_client, started, stripe_stub):
    _response, payment = started  # the parent clicked "back" on Stripe's page
    url = reverse("factures:payment_return", args=[payment.reference])
    page = parent_client.get(url, {"annule": "1"}).content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING  # a GET (prefetch, link) cancels nothing
    assert stripe_stub.expired == []
    cancel = reverse("factures:payment_cancel", args=[payment.reference])
    assert f'action="{cancel}"' in page
    assert "csrfmiddlewaretoken" in page
    assert "Annuler ce paiement" in page


def test_cancel_expires_the_session_then_releases_the_invoices(
    parent_client, started, stripe_stub, invoices
):
    _response, payment = started
    cancel = reverse("factures:payment_cancel", args=[payment.reference])
    response = parent_client.post(cancel, follow=True)
    assert "annulé" in response.content.decode()
    assert stripe_stub.expired == [SESSION_ID]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert AuditEvent.objects.filter(kind="payment_cancelled").count() == 1
    parent_client.post(reverse("factures:pay"), {"factures": [invoices[0].pk]})
    assert Payment.objects.filter(status=Payment.Status.PENDING).count() == 1


def test_cancel_of_a_session_already_paid_settles_instead(
    parent_client, started, stripe_stub, invoices
):
    _response, payment = started
    stripe_stub.session = _paid(stripe_stub)  # paid on Stripe, webhook not arrived yet
    cancel = reverse("factures:payment_cancel", args=[payment.reference])
    parent_client.post(cancel)
    assert stripe_stub.expired == [SESSION_ID]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert not AuditEvent.objects.filter(kind="payment_cancelled").exists()
    invoices[0].refresh_from_db()
    assert invoices[0].is_settled


def test_cancel_when_stripe_is_unreachable_keeps_the_lock(
    parent_client, started, stripe_stub, invoices, settings
):
    _response, payment = started
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = parent_client.post(reverse("factures:payment_cancel", args=[payment.reference]))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    parent_client.post(reverse("factures:pay"), {"factures": [invoices[0].pk]})
    assert Payment.objects.count() == 1


def test_cancel_access(parent_client, other_parent, started, stripe_stub):
    from django.test import Client

    _response, payment = started
    cancel = reverse("factures:payment_cancel", args=[payment.reference])
    assert parent_client.get(cancel).status_code == 405
    anonymous = Client()
    assert "/accounts/login/" in anonymous.post(cancel)["Location"]
    other = Client()
    other.force_login(other_parent)
    assert other.post(cancel).status_code == 404
    forged = Client(enforce_csrf_checks=True)  # a cross-site form, without the CSRF token
    forged.force_login(payment.created_by)
    assert forged.post(cancel).status_code == 403
    assert stripe_stub.expired == []
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_invoice_stays_locked_while_its_session_can_be_paid(
    parent_client, started, stripe_stub, invoices, settings
):
    import datetime

    from factures import selectors

    settings.PAYMENT_LOCK_MINUTES = 15
    _response, payment = started
    later = payment.created_at + datetime.timedelta(minutes=20)  # past 15, session still open
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.payment_start(
            family=payment.family,
            invoice_ids=[invoices[0].pk],
            user=None,
            provider="stripe",
            now=later,
        )
    listed = selectors.invoices_for_family(payment.family, now=later)
    assert all(invoice.being_paid for invoice in listed)
    after = payment.created_at + datetime.timedelta(minutes=31, seconds=1)
    assert not any(i.being_paid for i in selectors.invoices_for_family(payment.family, now=after))


@pytest.mark.parametrize(
    "header",
    ["t=1,v1=é", "t=é,v1=00", "é", "t=1,v1=" + "ü" * 64, "t=,v1=", ",,,", "t=1,v1=\x00"],
)
def test_malformed_signature_header_is_400_and_changes_nothing(
    client, started, stripe_stub, header
):
    _response, payment = started
    body = _event(_paid(stripe_stub))
    response = client.post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe\x00", b"[]", b'{"id": "evt_1"}', b'{"data": null}', b"null"],
)
def test_signed_but_unreadable_body_is_400_and_changes_nothing(client, started, stripe_stub, body):
    _response, payment = started
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("utf-8", "replace"), WEBHOOK_SECRET, None
    )
    response = client.post(
        WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()
