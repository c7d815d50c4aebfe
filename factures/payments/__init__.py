"""Payment providers behind one small interface, looked up in a dict registry.

A provider turns a prepared `Payment` into the URL of its hosted page (`start`), checks the
notifications it sends (`handle_notification`: signature, then amount, currency and reference,
through `services.payment_confirm`), and may look a payment up when the parent comes back
(`refresh`). Preparing a payment moves no money.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from espace_famille.registry import Registry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from factures.models import Payment


class NotificationRejected(Exception):
    """A notification that is not from the provider (bad signature, unreadable body)."""


class ProviderUnreachable(Exception):
    """The provider could not be asked about a notification (answered 503: send it again)."""


def check_event_fields(*, body: bytes, event_id: str, event_type: str, reference: str) -> None:
    """Refuse what the database cannot store (over-long identifiers, NUL characters, which
    PostgreSQL refuses in text and JSON) before anything is stored: 400, not 500."""
    if b"\x00" in body or b"\\u0000" in body:
        raise NotificationRejected("NUL character in the body")
    if not event_id or not event_type:
        raise NotificationRejected("event without id or type")
    if len(event_id) > 255 or len(event_type) > 100 or len(reference) > 255:
        raise NotificationRejected("identifier too long")


class PaymentProvider:
    name = ""
    # The shortest lock of an invoice being paid: the life of the provider's hosted session.
    min_lock_minutes = 0
    # The smallest amount the provider takes (PayFiP: 1 €); None: no minimum.
    minimal_amount: Decimal | None = None
    # One invoice per transaction (PayFiP): several invoices are paid one after the other.
    one_invoice_per_payment = False

    def is_enabled(self) -> bool:
        return self.name == settings.PAYMENT_PROVIDER

    def start(self, payment: Payment, *, request: HttpRequest) -> str:
        """Return the URL of the provider's page where the parent pays."""
        raise NotImplementedError

    def handle_notification(self, body: bytes, headers: dict[str, str]) -> str:
        """Verify and process one notification; return the ProviderEvent status.

        Raise NotificationRejected when it is not from the provider (answered 400).
        """
        raise NotImplementedError

    def refresh(self, payment: Payment) -> None:
        """Ask the provider about a pending payment (when the parent comes back)."""

    def cancel(self, payment: Payment) -> None:
        """The parent gives up a pending payment: it is cancelled and its invoices released."""
        from factures import services

        services.payment_fail(
            payment_id=payment.pk, status="cancelled", reason="cancelled by parent"
        )


def _provider_name(cls: type[PaymentProvider]) -> str:
    return cls.name


# factures' own extension point: each provider module registers its class (`@providers.register`).
providers: Registry[type[PaymentProvider]] = Registry("payment providers", key=_provider_name)


def get_provider_class(name: str | None = None) -> type[PaymentProvider]:
    """The provider `name` (default: the configured one); the base class if unknown or none."""
    name = name or settings.PAYMENT_PROVIDER
    return providers.get(name) or PaymentProvider


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider `name` (default: the configured one); KeyError when there is none."""
    name = name or settings.PAYMENT_PROVIDER
    provider = providers.get(name)
    if provider is None:
        raise KeyError(name)
    return provider()


def online_payment_enabled() -> bool:
    """Whether parents can pay online: a provider is configured (PAYMENT_PROVIDER) and enabled."""
    name = settings.PAYMENT_PROVIDER
    provider = providers.get(name)
    return provider is not None and provider().is_enabled()


def provider_names() -> list[str]:
    return [provider.name for provider in providers]


from factures.payments import (  # noqa: E402, F401  (register them)
    payfip,
    sandbox,
    stripe_checkout,
    systempay,
)
