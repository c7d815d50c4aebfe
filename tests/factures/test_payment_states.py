"""The payment's states (factures/payment_states.py): the table itself, and every order in which
the provider's news can arrive.

The events go through the Stripe provider's webhook handling (signature, event log, services);
"late" is the invoice being settled by another payment before the news that follows it.
"""

import contextlib
import itertools
import json
from decimal import Decimal

import pytest
import stripe
from django.core.exceptions import ValidationError
from django.db import transaction

from espace_famille.models import AuditEvent
from factures import services
from factures.audit_kinds import BillingEvent
from factures.models import Invoice, Payment, ProviderEvent
from factures.payment_states import (
    TRANSITIONS,
    IllegalTransition,
    allowed,
    payment_lock,
    transition,
)
from factures.payments import get_provider
from tests.factories import issue

pytestmark = pytest.mark.django_db
S = Payment.Status
SECRET = "whsec_states"
EVENTS = ("success", "wrong", "failure", "cancel", "duplicate", "late")


def test_the_table_lists_every_state():
    assert set(TRANSITIONS) == set(S.values)
    assert all(targets <= set(S.values) for targets in TRANSITIONS.values())
    assert TRANSITIONS[S.REFUNDED] == TRANSITIONS[S.REJECTED] == frozenset()
    # Succeeded is final for an online payment; only a direct debit's bank reject undoes it.
    assert not any(allowed(S.SUCCEEDED, target, Payment.Method.ONLINE) for target in S.values)
    assert allowed(S.SUCCEEDED, S.REJECTED, Payment.Method.DIRECT_DEBIT)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S.values, S.values)))
def test_transition_applies_exactly_the_table(family, current, target):
    invoice = issue(family, "10.00")
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=None, provider="stripe"
    )
    Payment.objects.filter(pk=payment.pk).update(status=current)
    moved = allowed(current, target, payment.method)  # the table, less direct debits' moves
    with transaction.atomic():
        locked = payment_lock(payment.pk)
        if moved:
            transition(locked, target, note="moved")
        else:
            with pytest.raises(IllegalTransition):
                transition(locked, target, note="moved")
    payment.refresh_from_db()
    assert payment.status == (target if moved else current)
    assert payment.note == ("moved" if moved else "")


def test_transition_needs_the_row_lock(family):
    invoice = issue(family, "10.00")
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=None, provider="stripe"
    )
    with pytest.raises(RuntimeError):
        transition(payment, S.SUCCEEDED)
    payment.refresh_from_db()
    assert payment.status == S.PENDING


def _expected(order: tuple[str, ...]) -> tuple[str, bool]:
    """What the portal must end with: the payment's state, and whether the invoice was settled
    by the other payment ("late"). A plain model of the table, written apart from the code."""
    state, elsewhere, success_seen = S.PENDING, False, False
    money_accepted_from = {S.PENDING, S.FAILED, S.CANCELLED}
    for event in order:
        if event in ("success", "duplicate"):  # one event id delivered twice
            if success_seen:
                continue
            success_seen = True
            if state in money_accepted_from:
                state = S.TO_REFUND if elsewhere else S.SUCCEEDED
        elif event == "wrong":
            if state in money_accepted_from:
                state = S.TO_REFUND
        elif event == "failure":
            if state == S.PENDING:
                state = S.FAILED
        elif event == "cancel":
            if state == S.PENDING:
                state = S.CANCELLED
        elif event == "late" and state != S.SUCCEEDED:
            elsewhere = True
    return state, elsewhere


def _webhook(payment: Payment, kind: str) -> tuple[bytes, str]:
    session = {
        "id": "cs_states",
        "object": "checkout.session",
        "client_reference_id": payment.reference,
        "payment_status": "paid",
        "status": "complete",
        "amount_total": payment.amount_cents,
        "currency": "eur",
    }
    event_type = "checkout.session.completed"
    event_id = f"evt_{kind}"
    if kind in ("success", "duplicate"):
        event_id = "evt_success"
    elif kind == "wrong":
        session["amount_total"] = payment.amount_cents - 1
    elif kind == "failure":
        event_type = "checkout.session.async_payment_failed"
        session["payment_status"] = "unpaid"
    elif kind == "cancel":
        event_type = "checkout.session.expired"
        session.update(status="expired", payment_status="unpaid")
    body = json.dumps(
        {"id": event_id, "object": "event", "type": event_type, "data": {"object": session}}
    )
    return body.encode(), stripe.WebhookSignature.generate_signature_header(body, SECRET)


@pytest.fixture
def stripe_webhooks(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return get_provider("stripe")


@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)), ids="-".join)
def test_every_order_of_events_ends_in_one_consistent_state(
    family, staff, stripe_webhooks, order, django_capture_on_commit_callbacks
):
    invoice = issue(family, "20.00")
    payment = services.payment_start(
        family=family, invoice_ids=[invoice.pk], user=None, provider="stripe"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for event in order:
            if event == "late":
                # Staff record a cheque for what is still owed (refused once nothing is).
                with contextlib.suppress(ValidationError):
                    services.payment_record_offline(
                        invoice=invoice, method="cheque", amount=Decimal("20.00"), user=staff
                    )
                continue
            body, header = _webhook(payment, event)
            stripe_webhooks.handle_notification(body, {"Stripe-Signature": header})

    state, elsewhere = _expected(order)
    payment.refresh_from_db()
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert payment.status == state
    # The invoice is settled once at most, by this payment only when it succeeded.
    applied = payment.allocations.get().applied
    assert applied == (state == S.SUCCEEDED)
    assert invoice.amount_settled == (Decimal("20.00") if applied or elsewhere else 0)
    assert invoice.balance >= 0
    # Each event id is stored once, whatever was refused.
    assert ProviderEvent.objects.filter(payment=payment).count() == 4
    succeeded_audits = AuditEvent.objects.filter(
        kind=BillingEvent.PAYMENT_SUCCEEDED, object_id=str(payment.pk)
    )
    assert succeeded_audits.count() <= 1

    # Staff can then close what is to refund, and only that; nothing moves afterwards.
    refunded = services.payment_refund_mark(payment=payment, by=staff)
    payment.refresh_from_db()
    assert refunded == (state == S.TO_REFUND)
    assert payment.status == (S.REFUNDED if refunded else state)
    final = payment.status
    for event in ("success", "wrong", "failure", "cancel"):
        body, header = _webhook(payment, event)
        body = body.replace(b'"evt_', b'"evt_again_')
        header = stripe.WebhookSignature.generate_signature_header(body.decode(), SECRET)
        stripe_webhooks.handle_notification(body, {"Stripe-Signature": header})
    payment.refresh_from_db()
    # Money arriving after a refusal or an expiry still counts: to refund, as the invoice has
    # been settled by the cheque meanwhile; the other states are final for provider news.
    assert payment.status == (S.TO_REFUND if final in (S.FAILED, S.CANCELLED) else final)
