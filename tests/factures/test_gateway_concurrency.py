"""A duplicate notification racing the parent's return, on SQLite (a file) and PostgreSQL:
the invoices are settled once, one audit event, one stored provider event."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from espace_famille.models import AuditEvent
from factures import services
from factures.models import Invoice, Payment, ProviderEvent
from factures.payments import get_provider
from tests.factories import issue, make_parent
from tests.factures.gateway_stubs import PayFiPStub, SystemPayStub
from tests.helpers import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]
FORM = "application/x-www-form-urlencoded"


def test_payfip_notifications_racing_the_return_settle_once(settings, family):
    parent = make_parent(family, "p@example.org")
    invoice = issue(family, "42.00")
    with PayFiPStub() as stub:
        settings.PAYMENT_PROVIDER = "payfip"
        settings.PAYFIP_NUMCLI = "123456"
        settings.PAYFIP_SOAP_URL = stub.soap_url
        settings.PAYFIP_PAYMENT_URL = stub.page_url
        client = Client()
        client.force_login(parent)
        client.post(reverse("factures:pay"), {"factures": [invoice.pk]})
        payment = Payment.objects.get()
        stub.decide(payment.provider_reference, "P")
        notify = reverse("factures:payment_notification", args=["payfip"])
        back = reverse("factures:payment_return", args=[payment.reference])

        def act(index: int) -> None:
            if index % 2:
                Client().post(notify, f"idOp={payment.provider_reference}", content_type=FORM)
            else:
                client.get(back)

        assert in_threads(4, act) == []
    assert Invoice.objects.get(pk=invoice.pk).amount_settled == Decimal("42.00")
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert AuditEvent.objects.filter(kind="payment_succeeded").count() == 1
    assert ProviderEvent.objects.count() == 1


def test_systempay_ipn_racing_the_signed_return_settles_once(settings, family):
    parent = make_parent(family, "p@example.org")
    invoice = issue(family, "42.00")
    with SystemPayStub("Key42") as stub:
        settings.PAYMENT_PROVIDER = "systempay"
        settings.SYSTEMPAY_SITE_ID = "12345678"
        settings.SYSTEMPAY_KEY_TEST = "Key42"
        settings.SYSTEMPAY_SERVICE_URL = stub.form_url
        payment = services.payment_start(
            family=family, invoice_ids=[invoice.pk], user=parent, provider="systempay"
        )
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        get_provider("systempay").start(payment, request=request)
        payment.refresh_from_db()
        form = get_provider("systempay").form(payment, request=request)
        import requests

        fields = {field["name"]: field["value"] for field in form.fields}
        assert requests.post(stub.form_url, data=fields, timeout=5).status_code == 200
        outcome = urlencode(stub.outcome(payment.provider_reference, "00"))
        notify = reverse("factures:payment_notification", args=["systempay"])
        back = reverse("factures:gateway_return", args=[payment.reference]) + "?" + outcome

        def act(index: int) -> None:
            if index % 2:
                Client().post(notify, outcome, content_type=FORM)
            else:
                Client().get(back)

        assert in_threads(4, act) == []
    assert Invoice.objects.get(pk=invoice.pk).amount_settled == Decimal("42.00")
    assert AuditEvent.objects.filter(kind="payment_succeeded").count() == 1
    assert ProviderEvent.objects.count() == 1
