"""Stripe Checkout through the official SDK (`stripe.StripeClient`).

A payment is confirmed by the signed `checkout.session.completed` webhook or by retrieving the
session when the parent comes back, whichever comes first (confirmation is idempotent).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.urls import reverse

from factures.models import Payment, ProviderEvent
from factures.payments import (
    NotificationRejected,
    PaymentProvider,
    check_event_fields,
    providers,
)
from factures.payments.events import event_process

if TYPE_CHECKING:
    from django.http import HttpRequest
    from stripe.params.checkout import SessionCreateParams

logger = logging.getLogger(__name__)


def stripe_client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def _cents(value: object) -> int:
    """Stripe's integer amount; anything else (never sent by Stripe) counts as no amount."""
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _invoice_numbers(payment: Payment) -> str:
    return ", ".join(payment.invoices.order_by("number").values_list("number", flat=True))


def _verified_event(body: bytes, header: str) -> tuple[str, str, dict[str, Any], dict]:
    """The event id, type, object and payload of a genuine webhook; NotificationRejected else.

    Anything malformed (a non-ASCII or truncated signature header, a body that is not UTF-8
    JSON of an event with an object) is refused here, before anything is stored.
    """
    try:
        header.encode("ascii")  # the SDK's compare_digest raises TypeError on non-ASCII
        payload = body.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            payload, header, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except (UnicodeError, ValueError, TypeError, stripe.SignatureVerificationError) as exc:
        raise NotificationRejected(f"bad signature: {exc}") from exc
    try:
        data = json.loads(payload)
        event_id, event_type, session = data["id"], data["type"], data["data"]["object"]
        if not (isinstance(event_id, str) and isinstance(event_type, str) and event_id):
            raise TypeError("event id and type must be strings")
        if not isinstance(session, dict):
            raise TypeError("the event's object must be an object")
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise NotificationRejected(f"unreadable body: {exc}") from exc
    return event_id, event_type, session, data


@providers.register
class StripeProvider(PaymentProvider):
    name = "stripe"
    # A Checkout Session lives at least 30 minutes after its creation (Stripe's minimum
    # `expires_at`); one more minute covers the time between the payment and the API call.
    min_lock_minutes = 31

    def start(self, payment: Payment, *, request: HttpRequest) -> str:
        from factures import services

        back = request.build_absolute_uri(
            reverse("factures:payment_return", args=[payment.reference])
        )
        # The SDK's types (stripe 16) name the card-only filter `allowed_payment_method_types`;
        # this code still sends `payment_method_types`, which the tests' Stripe stub expects.
        params: SessionCreateParams = {  # type: ignore[typeddict-unknown-key]  # see above
            "mode": "payment",
            "client_reference_id": payment.reference,
            "metadata": {"payment_reference": payment.reference},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": payment.amount_cents,
                        "product_data": {"name": f"Factures {_invoice_numbers(payment)}"},
                    },
                }
            ],
            # Card only: `checkout.session.completed` then always means paid.
            "payment_method_types": ["card"],
            # The session ends with the invoices' lock, never after it (then: webhook).
            "expires_at": int(payment.created_at.timestamp())
            + 60 * services.payment_lock_minutes(self.name),
            "success_url": back + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": back + "?annule=1",
        }
        session = stripe_client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": payment.reference}
        )
        services.payment_set_provider_reference(payment=payment, provider_reference=session.id)
        return str(session.url)

    def handle_notification(self, body: bytes, headers: dict[str, str]) -> str:
        event_id, event_type, session, payload = _verified_event(
            body, headers.get("Stripe-Signature", "")
        )
        metadata = session.get("metadata")
        reference = session.get("client_reference_id") or (
            metadata.get("payment_reference") if isinstance(metadata, dict) else ""
        )
        reference = reference if isinstance(reference, str) else ""
        check_event_fields(body=body, event_id=event_id, event_type=event_type, reference=reference)

        def handle(payment: Payment) -> str:
            return self._apply(payment, event_type, session)

        return event_process(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            reference=reference,
            handler=handle,
        )

    def refresh(self, payment: Payment) -> None:
        if payment.status != Payment.Status.PENDING or not payment.provider_reference:
            return
        session = (
            stripe_client().v1.checkout.sessions.retrieve(payment.provider_reference).to_dict()
        )
        if session.get("status") == "complete":
            self._apply(payment, "checkout.session.completed", session)
        elif session.get("status") == "expired":
            self._apply(payment, "checkout.session.expired", session)

    def cancel(self, payment: Payment) -> None:
        """Expire the session at Stripe first: once expired it can no longer be paid. If Stripe
        refuses (already completed, or unreachable), cancel nothing and look the session up."""
        from factures import services

        if payment.status != Payment.Status.PENDING or not payment.provider_reference:
            return
        try:
            stripe_client().v1.checkout.sessions.expire(payment.provider_reference)
        except stripe.StripeError:
            logger.warning("session of payment %s not expired", payment.reference, exc_info=True)
            self.refresh(payment)
            return
        services.payment_fail(
            payment_id=payment.pk, status=Payment.Status.CANCELLED, reason="cancelled by parent"
        )

    def _apply(self, payment: Payment, event_type: str, session: dict[str, Any]) -> str:
        from factures import services

        if payment.provider_reference and session.get("id") != payment.provider_reference:
            return ProviderEvent.Status.REJECTED
        paid = session.get("payment_status") in ("paid", "no_payment_required")
        if event_type == "checkout.session.completed" and not paid:
            return ProviderEvent.Status.IGNORED  # delayed method: wait for async_payment_*
        if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
            services.payment_confirm(
                payment_id=payment.pk,
                amount_cents=_cents(session.get("amount_total")),
                currency=str(session.get("currency") or ""),
            )
            return ProviderEvent.Status.PROCESSED
        if event_type == "checkout.session.async_payment_failed":
            services.payment_fail(payment_id=payment.pk, reason="async payment failed")
            return ProviderEvent.Status.PROCESSED
        if event_type == "checkout.session.expired":
            services.payment_fail(
                payment_id=payment.pk, status=Payment.Status.CANCELLED, reason="session expired"
            )
            return ProviderEvent.Status.PROCESSED
        return ProviderEvent.Status.IGNORED
