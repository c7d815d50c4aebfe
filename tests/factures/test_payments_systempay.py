"""SystemPay / PayZen through eopayment against a local stub of the gateway (never the real one):
the signed form posted by the browser, the signed notification (IPN) and the signed return."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
import requests
from django.urls import reverse

from espace_famille.models import AuditEvent
from factures.models import Invoice, Payment, ProviderEvent
from tests.factories import issue
from tests.factures.gateway_stubs import SystemPayStub, systempay_signature

pytestmark = pytest.mark.django_db
KEY = "TestKey0123456789"
NOTIFY = reverse("factures:payment_notification", args=["systempay"])
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def systempay(settings):
    with SystemPayStub(KEY) as stub:
        stub.notify = False  # the test client posts the notification itself
        settings.PAYMENT_PROVIDER = "systempay"
        settings.SYSTEMPAY_SITE_ID = "12345678"
        settings.SYSTEMPAY_MODE = "test"
        settings.SYSTEMPAY_KEY_TEST = KEY
        settings.SYSTEMPAY_SERVICE_URL = stub.form_url
        yield stub


@pytest.fixture
def invoices(family):
    return issue(family, "12.00"), issue(family, "13.25")


def _form_fields(page: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form method="post" action="([^"]+)" data-autosubmit', page)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    assert action is not None
    signed = {k: html.unescape(v) for k, v in fields if k.startswith("vads_") or k == "signature"}
    return html.unescape(action.group(1)), signed


@pytest.fixture
def posted(parent_client, systempay, invoices):
    """The parent ticked both invoices and their browser posted the signed form."""
    response = parent_client.post(
        reverse("factures:pay"), {"factures": [i.pk for i in invoices], "montant": "25,25"}
    )
    page = parent_client.get(response["Location"])
    action, fields = _form_fields(page.content.decode())
    answer = requests.post(action, data=fields, timeout=5)
    assert answer.status_code == 200, answer.text
    token = f"{fields['vads_trans_date']}_{fields['vads_trans_id']}"
    return Payment.objects.get(), token, page


def _ipn(client, fields: dict[str, str]):
    return client.post(NOTIFY, urlencode(fields), content_type=FORM)


def _settled(invoice) -> bool:
    return Invoice.objects.get(pk=invoice.pk).is_settled


def test_the_signed_form_holds_the_whole_balance_of_both_invoices(posted, systempay):
    payment, token, page = posted
    form = systempay.forms[0]
    assert form["vads_amount"] == "2525"
    assert form["vads_currency"] == "978"
    assert form["vads_site_id"] == "12345678"
    assert form["vads_ctx_mode"] == "TEST"
    assert form["vads_order_id"] == payment.reference
    assert form["vads_url_check"] == "http://testserver/factures/notifications/systempay/"
    assert "2026-000001, 2026-000002" in form["vads_order_info"]
    assert payment.provider_reference == token
    assert systempay.url in page["Content-Security-Policy"]  # the form may post there


def test_the_form_page_posts_the_same_transaction_every_time(parent_client, posted):
    payment, _token, page = posted
    again = parent_client.get(reverse("factures:gateway_form", args=[payment.reference]))
    assert _form_fields(again.content.decode()) == _form_fields(page.content.decode())


def test_signed_notification_settles_both_invoices(
    client, posted, systempay, invoices, family, django_capture_on_commit_callbacks
):
    payment, token, _page = posted
    with django_capture_on_commit_callbacks(execute=True):
        response = _ipn(client, systempay.outcome(token, "00"))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert all(_settled(invoice) for invoice in invoices)
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.PROCESSED
    assert AuditEvent.objects.filter(family=family, kind="payment_succeeded").count() == 1


def test_the_signed_return_settles_too_and_the_notification_after_it_is_a_duplicate(
    client, parent_client, posted, systempay, invoices
):
    payment, token, _page = posted
    back = reverse("factures:gateway_return", args=[payment.reference])
    response = client.get(back + "?" + urlencode(systempay.outcome(token, "00")))
    assert response.status_code == 303
    page = parent_client.get(response["Location"]).content.decode()
    assert "Paiement de 25,25 € reçu" in page
    assert _ipn(client, systempay.outcome(token, "00")).json() == {"status": "duplicate"}
    assert Invoice.objects.get(pk=invoices[1].pk).amount_settled == Decimal("13.25")
    assert AuditEvent.objects.filter(kind="payment_succeeded").count() == 1


def test_an_unsigned_return_settles_nothing(client, posted, systempay):
    payment, token, _page = posted
    fields = {**systempay.outcome(token, "00"), "signature": "forged"}
    back = reverse("factures:gateway_return", args=[payment.reference])
    client.get(back + "?" + urlencode(fields))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


@pytest.mark.parametrize(
    "change",
    [
        {"vads_amount": "1"},  # tampered after signing
        {"signature": ""},
        {"signature": "é"},
    ],
)
def test_bad_signature_is_400_and_changes_nothing(client, posted, systempay, change):
    payment, token, _page = posted
    response = _ipn(client, {**systempay.outcome(token, "00"), **change})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


def test_a_test_mode_notification_is_refused_in_production(client, posted, systempay, settings):
    payment, token, _page = posted
    settings.SYSTEMPAY_MODE = "production"
    settings.SYSTEMPAY_KEY_PRODUCTION = "ProductionKey42"
    response = _ipn(client, systempay.outcome(token, "00"))  # TEST, signed with the test key
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


@pytest.mark.parametrize("body", ["", "signature=x", "%ff", "vads_ctx_mode=TEST&signature=a%00"])
def test_unreadable_notification_is_400(client, posted, body):
    assert client.post(NOTIFY, body, content_type=FORM).status_code == 400
    assert not ProviderEvent.objects.exists()


def test_another_amount_is_flagged_to_refund(client, posted, systempay, invoices):
    payment, token, _page = posted
    _ipn(client, systempay.outcome(token, "00", vads_amount="100"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    assert not _settled(invoices[0])


def test_another_transaction_is_rejected(client, posted, systempay):
    payment, token, _page = posted
    _ipn(client, systempay.outcome(token, "00", vads_trans_id="zzzzzz"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.REJECTED


def test_refusal_fails_and_abandon_cancels(client, posted, systempay):
    payment, token, _page = posted
    _ipn(client, systempay.outcome(token, "05"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    _ipn(client, systempay.outcome(token, "17"))  # refused is not final: a late abandon…
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED  # …is not a move the states allow


def test_late_refusal_after_success_changes_nothing(client, posted, systempay):
    payment, token, _page = posted
    _ipn(client, systempay.outcome(token, "00"))
    _ipn(client, systempay.outcome(token, "05"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert ProviderEvent.objects.filter(status=ProviderEvent.Status.IGNORED).count() == 1


def test_a_refund_at_the_bank_is_logged_and_changes_nothing(client, posted, systempay):
    payment, token, _page = posted
    _ipn(client, systempay.outcome(token, "00"))
    _ipn(client, systempay.outcome(token, "00", vads_operation_type="CREDIT"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert ProviderEvent.objects.filter(event_type__contains="credit").count() == 1


def test_the_gateway_refuses_the_same_transaction_twice(posted):
    _payment, _token, page = posted
    action, fields = _form_fields(page.content.decode())
    assert requests.post(action, data=fields, timeout=5).status_code == 400


def test_the_stub_checks_signatures_like_the_gateway():
    fields = {"vads_amount": "100", "vads_ctx_mode": "TEST", "vads_site_id": "1"}
    assert systempay_signature(fields, KEY) != systempay_signature(fields, KEY + "x")
