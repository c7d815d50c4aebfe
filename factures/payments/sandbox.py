"""The sandbox provider: a local page imitating a hosted checkout, for development and demos.

Its "Payer" and "Refuser" buttons build a notification signed with HMAC-SHA256 and hand it to
the same code as the notification endpoint. Enabled only when PAYMENT_PROVIDER=sandbox, and
then only with DEBUG or ALLOW_SANDBOX_PAYMENTS (checked at start-up and again here).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING

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

SIGNATURE_HEADER = "X-Sandbox-Signature"
TOLERANCE_SECONDS = 300


def sandbox_secret() -> bytes:
    secret = settings.SANDBOX_PAYMENT_SECRET or ("sandbox-payments:" + settings.SECRET_KEY)
    return hashlib.sha256(secret.encode()).digest()


def sign(body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(sandbox_secret(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(body: bytes, header: str) -> None:
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise NotificationRejected("malformed signature") from exc
    expected = sign(body, timestamp).split("v1=", 1)[1]
    # compare_digest refuses non-ASCII str (TypeError): compare bytes instead.
    if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode()):
        raise NotificationRejected("bad signature")
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        raise NotificationRejected("stale signature")


def build_notification(payment: Payment, *, paid: bool) -> tuple[bytes, str]:
    """What the sandbox 'bank' sends when the parent clicks Payer or Refuser."""
    body = json.dumps(
        {
            "id": f"evt_sbx_{secrets.token_hex(8)}",
            "type": "payment.succeeded" if paid else "payment.refused",
            "reference": payment.reference,
            "amount": payment.amount_cents,
            "currency": payment.currency,
        }
    ).encode()
    return body, sign(body)


@providers.register
class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def is_enabled(self) -> bool:
        return super().is_enabled() and (settings.DEBUG or settings.ALLOW_SANDBOX_PAYMENTS)

    def start(self, payment: Payment, *, request: HttpRequest) -> str:
        return reverse("factures:sandbox_checkout", args=[payment.reference])

    def handle_notification(self, body: bytes, headers: dict[str, str]) -> str:
        from factures import services

        verify(body, headers.get(SIGNATURE_HEADER, ""))
        try:
            data = json.loads(body)
            event_id, event_type = str(data["id"]), str(data["type"])
            reference = str(data["reference"])
            amount, currency = int(data["amount"]), str(data["currency"])
        except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
            raise NotificationRejected("unreadable body") from exc
        check_event_fields(body=body, event_id=event_id, event_type=event_type, reference=reference)

        def handle(payment: Payment) -> str:
            if event_type == "payment.succeeded":
                services.payment_confirm(
                    payment_id=payment.pk, amount_cents=amount, currency=currency
                )
                return ProviderEvent.Status.PROCESSED
            if event_type == "payment.refused":
                services.payment_fail(payment_id=payment.pk, reason="refused")
                return ProviderEvent.Status.PROCESSED
            return ProviderEvent.Status.IGNORED

        return event_process(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            payload=data,
            reference=reference,
            handler=handle,
        )
