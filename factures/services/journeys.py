"""Several invoices through a provider that takes one per transaction (PayFiP): a journey.

The parent ticks several invoices; they are checked together (the same refusals as one payment:
no partial payment, nothing settled or being paid), then paid one after the other: each return
from the provider starts the next transaction, and the journey ends on a summary. The journey
(the invoices in order and the payment of each) lives in the parent's session; every payment
in it is an ordinary payment, settled only by the provider's checked answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from factures.models import ZERO, Invoice, Payment, PaymentAllocation
from factures.money import round_cents
from factures.payments import get_provider_class
from factures.services.payments import PaymentUnavailable, payment_begin, payment_lock_q

if TYPE_CHECKING:
    from django.http import HttpRequest

    from famille.models import Family

SESSION_KEY = "factures_payment_journey"


@dataclass
class Journey:
    """The invoices to pay in order, and the reference of the payment started for each."""

    invoice_ids: list[int]
    payments: dict[str, str] = field(default_factory=dict)  # invoice id -> payment reference
    skipped: list[int] = field(default_factory=list)  # settled or locked meanwhile

    def as_session(self) -> dict[str, Any]:
        return {"invoices": self.invoice_ids, "payments": self.payments, "skipped": self.skipped}

    @classmethod
    def from_session(cls, data: Any) -> Journey | None:
        try:
            return cls(
                invoice_ids=[int(pk) for pk in data["invoices"]],
                payments={str(k): str(v) for k, v in data["payments"].items()},
                skipped=[int(pk) for pk in data.get("skipped", [])],
            )
        except (TypeError, KeyError, ValueError, AttributeError):
            return None

    def next_invoice_id(self) -> int | None:
        for pk in self.invoice_ids:
            if str(pk) not in self.payments and pk not in self.skipped:
                return pk
        return None

    def holds(self, reference: str) -> bool:
        return reference in self.payments.values()

    def position(self, reference: str) -> int:
        """1 for the first invoice of the journey."""
        for pk, ref in self.payments.items():
            if ref == reference:
                return self.invoice_ids.index(int(pk)) + 1
        return 0


def payment_journey_plan(
    *,
    family: Family,
    invoice_ids: list[int],
    expected_total: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Journey:
    """Check the ticked invoices together; the journey paying them in number order.

    Refused like one payment (`payment_start`): none ticked, one settled or being paid, a posted
    total other than the balances (partial payment). Invoice.DoesNotExist for another family's.
    """
    now = now or timezone.now()
    if not invoice_ids:
        raise ValidationError(_("Cochez au moins une facture à payer."))
    invoices = list(
        Invoice.objects.filter(family=family, pk__in=set(invoice_ids)).order_by("number")
    )
    if len(invoices) != len(set(invoice_ids)):
        raise Invoice.DoesNotExist
    if any(invoice.kind != Invoice.Kind.INVOICE or invoice.is_settled for invoice in invoices):
        raise ValidationError(_("Une des factures cochées est déjà soldée."))
    if PaymentAllocation.objects.filter(payment_lock_q(now=now), invoice__in=invoices).exists():
        raise ValidationError(
            _("Un paiement est déjà en cours pour une des factures cochées. Réessayez plus tard.")
        )
    minimum = get_provider_class().minimal_amount
    small = [i.number for i in invoices if minimum is not None and i.balance < minimum]
    if small:
        raise ValidationError(
            _(
                "Le service de paiement en ligne n'accepte pas moins de %(minimum)s € par "
                "facture : réglez la facture %(numbers)s auprès de la structure."
            )
            % {"minimum": f"{minimum:.2f}".replace(".", ","), "numbers": ", ".join(small)}
        )
    amount = sum((invoice.balance for invoice in invoices), ZERO)
    if expected_total is not None and round_cents(expected_total) != amount:
        raise ValidationError(
            _("Le paiement partiel n'est pas autorisé : le montant est le solde des factures.")
        )
    return Journey(invoice_ids=[invoice.pk for invoice in invoices])


def payment_journey_step(
    *, journey: Journey, family: Family, user: Any, request: HttpRequest
) -> str | None:
    """Start the payment of the journey's next invoice: the URL of the provider's page, or None
    when nothing is left. An invoice settled or being paid meanwhile is skipped.

    PaymentUnavailable when the provider is down (the journey stops there).
    """
    while (invoice_id := journey.next_invoice_id()) is not None:
        try:
            url = payment_begin(family=family, invoice_ids=[invoice_id], user=user, request=request)
        except (ValidationError, Invoice.DoesNotExist):
            journey.skipped.append(invoice_id)
            continue
        except PaymentUnavailable:
            journey.skipped.append(invoice_id)
            raise
        payment = (
            Payment.objects.filter(family=family, allocations__invoice_id=invoice_id)
            .order_by("-created_at", "-pk")
            .first()
        )
        if payment is not None:
            journey.payments[str(invoice_id)] = payment.reference
        return url
    return None


@dataclass
class JourneyLine:
    invoice: Invoice
    payment: Payment | None
    skipped: bool


def payment_journey_lines(*, journey: Journey, family: Family) -> list[JourneyLine]:
    """Each invoice of the journey with its payment (None: not attempted)."""
    invoices = Invoice.objects.filter(family=family, pk__in=journey.invoice_ids).in_bulk()
    payments = Payment.objects.filter(
        family=family, reference__in=list(journey.payments.values())
    ).in_bulk(field_name="reference")
    lines = []
    for pk in journey.invoice_ids:
        if pk not in invoices:
            continue
        reference = journey.payments.get(str(pk))
        lines.append(
            JourneyLine(
                invoice=invoices[pk],
                payment=payments.get(reference) if reference else None,
                skipped=pk in journey.skipped,
            )
        )
    return lines
