"""Store each provider event once (unique provider + event id) with its handling status.

An event the payment's states refuse (factures/payment_states.py), such as a second amount
after the first money event, is stored as ignored with the refused move in its detail.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from factures.models import Payment, ProviderEvent
from factures.payment_states import IllegalTransition


def event_process(
    *,
    provider: str,
    event_id: str,
    event_type: str,
    payload: dict,
    reference: str,
    handler: Callable[[Payment], str],
) -> str:
    """Run `handler(payment)` once per event id; a duplicate event changes nothing."""
    payment = Payment.objects.filter(provider=provider, reference=reference).first()
    try:
        with transaction.atomic():
            event = ProviderEvent.objects.create(
                provider=provider,
                event_id=event_id,
                event_type=event_type,
                payment=payment,
                status=ProviderEvent.Status.IGNORED,
                payload=payload,
            )
            if payment is None:
                event.detail = "unknown payment reference"
                status: str = ProviderEvent.Status.IGNORED
            else:
                try:
                    status = handler(payment)
                except IllegalTransition as exc:  # late news about a settled payment
                    event.detail = str(exc)[:300]
                    status = ProviderEvent.Status.IGNORED
            ProviderEvent.objects.filter(pk=event.pk).update(status=status, detail=event.detail)
            return status
    except IntegrityError:
        return "duplicate"
