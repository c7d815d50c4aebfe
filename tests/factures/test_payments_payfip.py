"""PayFiP through eopayment against a local stub of its SOAP web service (never the real one).

A payment is settled only once the web service says so: never from the notification (not
signed) or the return alone. Several invoices are paid one after the other in a journey.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from espace_famille.models import AuditEvent
from factures import services
from factures.models import Invoice, Payment, ProviderEvent
from factures.payments.payfip import debt_reference
from tests.factories import issue
from tests.factures.gateway_stubs import PayFiPStub

pytestmark = pytest.mark.django_db
NOTIFY = reverse("factures:payment_notification", args=["payfip"])
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def payfip(settings):
    with PayFiPStub() as stub:
        stub.notify = False  # the test client posts the notification itself
        settings.PAYMENT_PROVIDER = "payfip"
        settings.PAYFIP_NUMCLI = "123456"
        settings.PAYFIP_MODE = "test"
        settings.PAYFIP_SOAP_URL = stub.soap_url
        settings.PAYFIP_PAYMENT_URL = stub.page_url
        settings.EOPAYMENT_TIMEOUT_SECONDS = 5
        yield stub


@pytest.fixture
def invoices(family):
    return issue(family, "12.00"), issue(family, "13.25")


def _start(parent_client, invoice_ids, follow=False, **extra):
    data = {"factures": invoice_ids, **extra}
    return parent_client.post(reverse("factures:pay"), data, follow=follow)


@pytest.fixture
def started(parent_client, payfip, invoices):
    response = _start(parent_client, [invoices[0].pk])
    payment = Payment.objects.get()
    return response, payment, payment.provider_reference


def _notify(client, idop):
    return client.post(NOTIFY, f"idOp={idop}", content_type=FORM)


def _settled(invoice) -> bool:
    return Invoice.objects.get(pk=invoice.pk).is_settled


def test_start_asks_the_web_service_for_an_idop_and_sends_the_parent_to_payfip(
    started, payfip, invoices, parent
):
    response, payment, idop = started
    assert response.status_code == 302
    assert response["Location"] == f"{payfip.page_url}?idop={idop}"
    operation, fields = payfip.soap_calls[0]
    assert operation == "creerPaiementSecurise"
    assert fields["numcli"] == "123456"
    assert fields["montant"] == "1200"
    assert fields["saisie"] == "T"
    assert fields["exer"] == "2026"
    assert fields["mel"] == parent.email
    assert fields["refdet"] == debt_reference(payment)
    assert fields["urlnotif"] == "http://testserver/factures/notifications/payfip/"
    assert fields["urlredirect"].endswith(
        f"/factures/paiement/{payment.reference}/retour-prestataire/"
    )
    assert payment.provider == "payfip"
    assert payment.amount == Decimal("12.00")


def test_index_page_explains_invoices_are_paid_one_after_the_other(parent_client, payfip, invoices):
    page = parent_client.get(reverse("factures:index"))
    assert "l'une après l'autre" in page.content.decode()
    assert payfip.url in page["Content-Security-Policy"]


def test_notification_settles_after_the_web_service_confirms(
    client, started, payfip, invoices, family, django_capture_on_commit_callbacks
):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    with django_capture_on_commit_callbacks(execute=True):
        response = _notify(client, idop)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert _settled(invoices[0])
    assert not _settled(invoices[1])
    assert payfip.soap_calls[-1] == ("recupererDetailPaiementSecurise", {"idOp": idop})
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.PROCESSED
    assert AuditEvent.objects.filter(family=family, kind="payment_succeeded").count() == 1


def test_a_notification_alone_settles_nothing(client, started, payfip, invoices):
    _response, payment, idop = started  # nothing paid at PayFiP: the web service says P5
    assert _notify(client, idop).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not _settled(invoices[0])
    assert not ProviderEvent.objects.exists()


def test_the_return_alone_settles_nothing(client, parent_client, started, payfip, invoices):
    _response, payment, idop = started
    back = reverse("factures:gateway_return", args=[payment.reference])
    response = client.post(back, {"idOp": idop})  # from PayFiP's site: no session, no CSRF
    assert response.status_code == 303
    page = parent_client.get(response["Location"]).content.decode()
    assert "attente" in page
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not _settled(invoices[0])


def test_the_return_settles_once_the_web_service_confirms(parent_client, started, payfip, invoices):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    page = parent_client.get(reverse("factures:payment_return", args=[payment.reference]))
    assert "Paiement de 12,00 € reçu" in page.content.decode()
    assert _settled(invoices[0])


@pytest.mark.parametrize("body", ["idOp=unknown", "", "idOp=", "idOp=%00", "x=1", "idOp=a b"])
def test_notification_of_no_known_operation_is_400_and_stores_nothing(client, started, body):
    response = client.post(NOTIFY, body, content_type=FORM)
    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()


def test_duplicate_notification_and_return_settle_once(
    client, parent_client, started, payfip, invoices
):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    parent_client.get(reverse("factures:payment_return", args=[payment.reference]))
    for _ in range(2):
        assert _notify(client, idop).status_code == 200
    assert Invoice.objects.get(pk=invoices[0].pk).amount_settled == Decimal("12.00")
    assert AuditEvent.objects.filter(kind="payment_succeeded").count() == 1
    assert ProviderEvent.objects.count() == 1


def test_another_amount_is_flagged_to_refund(client, started, payfip, invoices):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    payfip.answer_changes = {"montant": "100"}
    _notify(client, idop)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.TO_REFUND
    assert not _settled(invoices[0])


@pytest.mark.parametrize("field", ["refdet", "numcli"])
def test_an_answer_about_another_debt_is_rejected(client, started, payfip, field):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    payfip.answer_changes = {field: "999999"}
    _notify(client, idop)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert ProviderEvent.objects.get().status == ProviderEvent.Status.REJECTED


def test_refused_card_fails_the_payment(client, started, payfip, invoices):
    _response, payment, idop = started
    payfip.decide(idop, "R")
    _notify(client, idop)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED


def test_cancelled_on_payfip_cancels_the_payment(client, started, payfip):
    _response, payment, idop = started
    payfip.decide(idop, "A", minutes_ago=5)  # eopayment waits 2 minutes before believing it
    _notify(client, idop)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED


def test_late_payment_after_a_cancel_still_settles(
    client, parent_client, started, payfip, invoices
):
    _response, payment, idop = started
    parent_client.post(reverse("factures:payment_cancel", args=[payment.reference]))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED  # PayFiP said: still in progress (P5)
    payfip.decide(idop, "P")  # the parent paid in the tab still open
    _notify(client, idop)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert _settled(invoices[0])


def test_late_refusal_after_success_changes_nothing(client, started, payfip, invoices):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    _notify(client, idop)
    payfip.decide(idop, "R")
    _notify(client, idop)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert ProviderEvent.objects.filter(status=ProviderEvent.Status.IGNORED).count() == 1


def test_web_service_down_fails_the_attempt(parent_client, payfip, invoices):
    payfip.fail_soap = True
    response = _start(parent_client, [invoices[0].pk])
    assert response["Location"] == reverse("factures:index")
    assert Payment.objects.get().status == Payment.Status.FAILED


def test_web_service_down_on_return_keeps_the_payment_pending(
    parent_client, started, payfip, invoices
):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    payfip.fail_soap = True
    page = parent_client.get(reverse("factures:payment_return", args=[payment.reference]))
    assert "ne répond pas" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_notification_while_the_web_service_is_down_is_503_and_changes_nothing(
    client, started, payfip
):
    _response, payment, idop = started
    payfip.decide(idop, "P")
    payfip.fail_soap = True
    assert _notify(client, idop).status_code == 503
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()


def test_under_one_euro_is_refused_before_anything_starts(parent_client, payfip, family):
    small = issue(family, "0.50")
    response = _start(parent_client, [small.pk], montant="0.50")
    assert response["Location"] == reverse("factures:index")
    assert not Payment.objects.exists()
    assert payfip.soap_calls == []


# Several invoices: a journey ------------------------------------------------------------------


def _pay_current(client, parent_client, payfip, journey_payment):
    idop = journey_payment.provider_reference
    payfip.decide(idop, "P")
    _notify(client, idop)
    return parent_client.get(reverse("factures:payment_return", args=[journey_payment.reference]))


def test_journey_pays_the_ticked_invoices_one_after_the_other(
    client, parent_client, payfip, invoices
):
    response = _start(parent_client, [i.pk for i in invoices], montant="25.25")
    first = Payment.objects.get()
    assert response["Location"] == f"{payfip.page_url}?idop={first.provider_reference}"
    assert [i.number for i in first.invoices.all()] == [invoices[0].number]

    page = _pay_current(client, parent_client, payfip, first).content.decode()
    assert "Facture 1 sur 2" in page
    assert reverse("factures:journey_next") in page  # the next transaction starts from here
    assert (
        payfip.url in _pay_current(client, parent_client, payfip, first)["Content-Security-Policy"]
    )

    response = parent_client.post(reverse("factures:journey_next"))
    second = Payment.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"{payfip.page_url}?idop={second.provider_reference}"
    assert [i.number for i in second.invoices.all()] == [invoices[1].number]

    response = _pay_current(client, parent_client, payfip, second)
    assert response["Location"] == reverse("factures:journey_summary")
    summary = parent_client.get(response["Location"]).content.decode()
    assert "2 factures réglées, pour 25,25 €" in summary
    assert all(_settled(invoice) for invoice in invoices)


def test_journey_refuses_a_partial_total(parent_client, payfip, invoices):
    response = _start(parent_client, [i.pk for i in invoices], montant="12.00")
    assert response["Location"] == reverse("factures:index")
    assert not Payment.objects.exists()


def test_journey_refuses_an_invoice_under_one_euro_before_anything_starts(
    parent_client, payfip, invoices, family
):
    small = issue(family, "0.50")
    response = _start(parent_client, [invoices[0].pk, small.pk], follow=True)
    assert f"réglez la facture {small.number}" in response.content.decode()
    assert not Payment.objects.exists()


def test_journey_refuses_another_familys_invoice(parent_client, payfip, invoices, other_family):
    theirs = issue(other_family, "5.00")
    assert _start(parent_client, [invoices[0].pk, theirs.pk]).status_code == 404
    assert not Payment.objects.exists()


def test_journey_stops_on_a_refusal_and_ends_on_the_summary(
    client, parent_client, payfip, invoices
):
    _start(parent_client, [i.pk for i in invoices])
    first = Payment.objects.get()
    payfip.decide(first.provider_reference, "R")
    _notify(client, first.provider_reference)
    response = parent_client.get(reverse("factures:payment_return", args=[first.reference]))
    assert response["Location"] == reverse("factures:journey_summary")
    assert parent_client.post(reverse("factures:journey_next"))["Location"] == reverse(
        "factures:journey_summary"
    )
    summary = parent_client.get(reverse("factures:journey_summary")).content.decode()
    assert "0,00 €" in summary
    assert "Non réglée" in summary
    assert Payment.objects.count() == 1


def test_journey_skips_an_invoice_settled_meanwhile(client, parent_client, payfip, invoices, staff):
    _start(parent_client, [i.pk for i in invoices])
    first = Payment.objects.get()
    services.payment_record_offline(
        invoice=invoices[1], method="cheque", amount=Decimal("13.25"), user=staff
    )
    _pay_current(client, parent_client, payfip, first)
    response = parent_client.post(reverse("factures:journey_next"))
    assert response["Location"] == reverse("factures:journey_summary")
    summary = parent_client.get(response["Location"]).content.decode()
    assert "déjà soldée" in summary
    assert Payment.objects.filter(provider="payfip").count() == 1


def test_journey_summary_shows_only_the_familys_payments(client, payfip, invoices, other_parent):
    from django.test import Client

    other = Client()
    other.force_login(other_parent)
    session = other.session
    session["factures_payment_journey"] = {
        "invoices": [invoices[0].pk],
        "payments": {str(invoices[0].pk): "PAY-X"},
    }
    session.save()
    page = other.get(reverse("factures:journey_summary")).content.decode()
    assert invoices[0].number not in page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_index_and_summary_queries_stay_few_and_flat(client, parent_client, payfip, family):
    from tests.factories import make_family

    def journey_of(count):
        ids = [issue(family, "4.00").pk for _ in range(count)]
        session = parent_client.session
        session["factures_payment_journey"] = {"invoices": ids, "payments": {}}
        session.save()

    journey_of(2)
    few = [
        _queries(parent_client, reverse(n)) for n in ("factures:index", "factures:journey_summary")
    ]
    for index in range(10):
        issue(make_family(f"F{index}", f"f{index}@example.org"), "3.00")
    journey_of(12)
    many = [
        _queries(parent_client, reverse(n)) for n in ("factures:index", "factures:journey_summary")
    ]
    assert few == many
    assert max(many) <= 12


def test_another_family_never_reaches_our_payment(started, other_parent):
    from django.test import Client

    _response, payment, _idop = started
    other = Client()
    other.force_login(other_parent)
    assert (
        other.get(reverse("factures:payment_return", args=[payment.reference])).status_code == 404
    )
    assert other.get(reverse("factures:gateway_form", args=[payment.reference])).status_code == 404
