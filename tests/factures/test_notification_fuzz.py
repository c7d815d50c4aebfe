"""Payment notification endpoints fed with malformed headers and bodies: 400, never a 500,
and nothing stored or changed."""

import json
import time

import pytest
import stripe
from django.urls import reverse

from factures import services
from factures.models import Payment, ProviderEvent
from factures.payments import sandbox
from tests.factories import issue

pytestmark = pytest.mark.django_db
WEBHOOK_SECRET = "whsec_fuzz"
HEADER = {"sandbox": "HTTP_X_SANDBOX_SIGNATURE", "stripe": "HTTP_STRIPE_SIGNATURE"}

HEADERS = [
    "",
    "é",
    "t=1,v1=é",
    "t=é,v1=00",
    f"t={int(time.time())},v1=" + "ü" * 64,
    "t=,v1=",
    ",,,",
    "=",
    "t=1,v1=\x00",
    "t=99999999999999999999999999,v1=00",
    "t=-1,v1=" + "0" * 64,
    "v1=" + "a" * 10_000,
    "t=1;v1=00",
]
BODIES = [
    b"",
    b"not json",
    b"\xff\xfe\x00",
    b"[]",
    b"null",
    b"{}",
    b'{"id": 1}',
    b"[" * 5000 + b"]" * 5000,
    '{"id": "évènement"}'.encode(),
]


@pytest.fixture(params=["sandbox", "stripe"])
def provider(request, settings):
    settings.PAYMENT_PROVIDER = request.param
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return request.param


@pytest.fixture
def payment(family, parent, provider):
    invoice = issue(family, "12.00")
    return services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider=provider
    )


def _nothing_changed(payment):
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("body", BODIES[:4])
def test_malformed_signature_is_400(client, provider, payment, header, body):
    url = reverse("factures:payment_notification", args=[provider])
    response = client.post(url, body, content_type="application/json", **{HEADER[provider]: header})
    assert response.status_code == 400
    _nothing_changed(payment)


def _signed(provider: str, body: bytes) -> str:
    if provider == "sandbox":
        return sandbox.sign(body)
    return stripe.WebhookSignature.generate_signature_header(
        body.decode("utf-8", "replace"), WEBHOOK_SECRET
    )


@pytest.mark.parametrize("body", BODIES)
def test_signed_but_unreadable_body_is_400(client, provider, payment, body):
    url = reverse("factures:payment_notification", args=[provider])
    response = client.post(
        url, body, content_type="application/json", **{HEADER[provider]: _signed(provider, body)}
    )
    assert response.status_code == 400
    _nothing_changed(payment)


def _event(provider: str, payment: Payment, **fields) -> bytes:
    if provider == "sandbox":
        data = {
            "id": "evt_1",
            "type": "payment.succeeded",
            "reference": payment.reference,
            "amount": payment.amount_cents,
            "currency": "EUR",
        }
        data.update(fields)
        return json.dumps(data).encode()
    session = {
        "id": "cs_1",
        "client_reference_id": payment.reference,
        "payment_status": "paid",
        "amount_total": payment.amount_cents,
        "currency": "eur",
    }
    session.update(fields.pop("session", {}))
    data = {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": session}}
    data.update(fields)
    return json.dumps(data).encode()


ABSURD = [
    ("sandbox", {"id": "e" * 300}, 400),
    ("sandbox", {"type": "t" * 200}, 400),
    ("sandbox", {"id": "evt\u0000"}, 400),
    ("sandbox", {"id": ""}, 400),
    ("sandbox", {"reference": "r" * 300}, 400),
    ("sandbox", {"amount": 1e400}, 400),
    ("sandbox", {"amount": "douze"}, 400),
    ("stripe", {"id": "e" * 300}, 400),
    ("stripe", {"type": "t" * 200}, 400),
    ("stripe", {"id": "evt\u0000"}, 400),
    ("stripe", {"id": ""}, 400),
    ("stripe", {"id": 12}, 400),
    ("stripe", {"data": {"object": "pas un objet"}}, 400),
    ("stripe", {"session": {"client_reference_id": "r" * 300}}, 400),
    # Readable events the portal does not settle: stored, answered 200, nothing paid.
    ("stripe", {"session": {"amount_total": "douze", "metadata": "pas un objet"}}, 200),
    ("stripe", {"session": {"client_reference_id": ["liste"]}}, 200),
]


@pytest.mark.parametrize(("name", "fields", "expected"), ABSURD)
def test_signed_event_with_absurd_fields_is_never_a_500(
    client, settings, family, name, fields, expected
):
    settings.PAYMENT_PROVIDER = name
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    invoice = issue(family, "12.00")
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=None, provider=name
    )
    body = _event(name, payment, **fields)
    url = reverse("factures:payment_notification", args=[name])
    response = client.post(
        url, body, content_type="application/json", **{HEADER[name]: _signed(name, body)}
    )
    assert response.status_code == expected
    assert ProviderEvent.objects.count() == (1 if expected == 200 else 0)
    payment.refresh_from_db()
    assert payment.status != Payment.Status.SUCCEEDED  # nothing settled by a malformed event
    assert not payment.allocations.filter(applied=True).exists()


@pytest.mark.parametrize("name", ["inconnu", "é", "x" * 300, "SANDBOX"])
def test_unknown_provider_is_404(client, name):
    url = reverse("factures:payment_notification", args=[name])
    assert client.post(url, b"{}", content_type="application/json").status_code == 404


def test_disabled_provider_is_404(client, settings, family, parent):
    settings.PAYMENT_PROVIDER = "stripe"
    url = reverse("factures:payment_notification", args=["sandbox"])
    body = b'{"id": "x"}'
    response = client.post(
        url, body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=sandbox.sign(body)
    )
    assert response.status_code == 404
    assert not ProviderEvent.objects.exists()
