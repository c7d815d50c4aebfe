"""Store each provider event once (unique provider + event id) with its handling status."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from factures.models import Payment, ProviderEvent


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
                status = ProviderEvent.Status.IGNORED
            else:
                status = handler(payment)
            ProviderEvent.objects.filter(pk=event.pk).update(status=status, detail=event.detail)
            return status
    except IntegrityError:
        return "duplicate"
