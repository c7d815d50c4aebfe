"""Payments: starting, confirming, failing, recording offline, refunds, and the provider journey."""

from __future__ import annotations

import datetime
import logging
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille.emails import send_to_family
from factures.audit_kinds import BillingEvent
from factures.models import (
    ZERO,
    Invoice,
    Payment,
    PaymentAllocation,
)
from factures.money import round_cents
from factures.payment_states import IllegalTransition, allowed, payment_lock, transition
from factures.payments import get_provider, get_provider_class, provider_names
from factures.payments.sandbox import build_notification
from factures.sepa.selectors import invoice_ids_scheduled
from factures.services.invoices import invoice_apply_settlement

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User
    from famille.models import Family

logger = logging.getLogger(__name__)


def payment_lock_minutes(provider: str | None = None) -> int:
    """How long an invoice being paid stays locked: never shorter than the provider's session
    life, so that an invoice cannot be ticked again while a started session can still be paid."""
    from factures.payments import get_provider_class

    minutes = settings.PAYMENT_LOCK_MINUTES
    return max(minutes, get_provider_class(provider).min_lock_minutes)


def payment_lock_q(*, now: datetime.datetime, prefix: str = "payment__") -> Q:
    """The pending payments still locking their invoices at `now` (lock of their provider)."""
    from factures.payments import provider_names

    def since(provider: str | None) -> datetime.datetime:
        return now - datetime.timedelta(minutes=payment_lock_minutes(provider))

    # The providers locking as long as a payment without one share its condition: each
    # condition costs the invoice list 0.1 ms to build and compile (SQLite).
    default = payment_lock_minutes(None)
    longer = [name for name in provider_names() if payment_lock_minutes(name) != default]
    recent = Q(**{f"{prefix}created_at__gt": since(None)})
    if longer:
        recent &= ~Q(**{f"{prefix}provider__in": longer})
    for name in longer:
        recent |= Q(**{f"{prefix}provider": name, f"{prefix}created_at__gt": since(name)})
    return Q(**{f"{prefix}status": Payment.Status.PENDING}) & recent


# Numbers -----------------------------------------------------------------------------------


# Payments ----------------------------------------------------------------------------------


def new_payment_reference() -> str:
    return f"PAY-{secrets.token_hex(10).upper()}"


def payment_start(
    *,
    family: Family,
    invoice_ids: list[int],
    user: User | None,
    provider: str,
    expected_total: Decimal | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Payment:
    """Create an online payment for the whole remaining balance of the family's invoices.

    The amount is recomputed here; a posted total that differs (a partial payment) is refused,
    as is an invoice already settled or being paid by an attempt younger than the lock.
    """
    now = now or timezone.now()
    if not invoice_ids:
        raise ValidationError(_("Cochez au moins une facture à payer."))
    with transaction.atomic():
        invoices = list(
            Invoice.objects.select_for_update()
            .filter(family=family, pk__in=set(invoice_ids))
            .order_by("number")
        )
        if len(invoices) != len(set(invoice_ids)):
            raise Invoice.DoesNotExist
        if any(invoice.kind != Invoice.Kind.INVOICE or invoice.is_settled for invoice in invoices):
            raise ValidationError(_("Une des factures cochées est déjà soldée."))
        if invoice_ids_scheduled([invoice.pk for invoice in invoices]):
            raise ValidationError(
                _("Une des factures cochées sera prélevée sur votre compte : rien à payer ici.")
            )
        if PaymentAllocation.objects.filter(payment_lock_q(now=now), invoice__in=invoices).exists():
            raise ValidationError(
                _(
                    "Un paiement est déjà en cours pour une des factures cochées. "
                    "Réessayez plus tard."
                )
            )
        amount = sum((invoice.balance for invoice in invoices), ZERO)
        if expected_total is not None and round_cents(expected_total) != amount:
            raise ValidationError(
                _("Le paiement partiel n'est pas autorisé : le montant est le solde des factures.")
            )
        minimum = get_provider_class(provider).minimal_amount
        if minimum is not None and amount < minimum:
            raise ValidationError(
                _(
                    "Le service de paiement en ligne n'accepte pas moins de %(minimum)s € : "
                    "réglez cette facture auprès de la structure."
                )
                % {"minimum": f"{minimum:.2f}".replace(".", ",")}
            )
        payment = Payment(
            family=family,
            method=Payment.Method.ONLINE,
            provider=provider,
            reference=new_payment_reference(),
            amount=amount,
            created_at=now,
            created_by=user,
        )
        payment.full_clean()
        payment.save()
        PaymentAllocation.objects.bulk_create(
            PaymentAllocation(payment=payment, invoice=invoice, amount=invoice.balance)
            for invoice in invoices
        )
        summary = _("Paiement en ligne de %(amount)s € commencé (%(numbers)s)") % {
            "amount": amount,
            "numbers": ", ".join(invoice.number for invoice in invoices),
        }
        audit.record(
            family, user, BillingEvent.PAYMENT_STARTED, summary, obj=payment, request=request
        )
    return payment


def payment_set_provider_reference(*, payment: Payment, provider_reference: str) -> None:
    payment.provider_reference = provider_reference
    payment.save(update_fields=["provider_reference"])


def payment_confirm(
    *,
    payment_id: int,
    amount_cents: int,
    currency: str,
    now: datetime.datetime | None = None,
) -> Payment:
    """Money received for an online payment: settle its invoices once (factures/payment_states).

    The same confirmation again (webhook and return page, a duplicate event) changes nothing.
    An amount or currency other than expected settles nothing: the payment is to refund. So is
    money for invoices settled meanwhile. Once succeeded or to refund, another confirmation is
    refused (IllegalTransition) and changes nothing: the first money event decides.
    """
    now = now or timezone.now()
    with transaction.atomic():
        payment = payment_lock(payment_id)
        if payment.status == Payment.Status.SUCCEEDED and _is_expected(
            payment, amount_cents, currency
        ):
            return payment  # already confirmed
        if not allowed(payment.status, Payment.Status.SUCCEEDED):
            raise IllegalTransition(payment, Payment.Status.SUCCEEDED)
        if not _is_expected(payment, amount_cents, currency):
            note = _("Montant reçu %(got)s %(currency)s, attendu %(expected)s €.") % {
                "got": Decimal(amount_cents) / 100,
                "currency": currency.upper(),
                "expected": payment.amount,
            }
            transition(payment, Payment.Status.TO_REFUND, note=note, confirmed_at=now)
            audit.record(
                payment.family,
                None,
                BillingEvent.PAYMENT_FAILED,
                _("Paiement %(reference)s refusé : montant inattendu")
                % {"reference": payment.reference},
                obj=payment,
            )
            return payment
        refused = _apply_allocations(payment)
        summary = _("Paiement en ligne de %(amount)s € réussi (%(reference)s)")
        if refused:
            note = _("Factures déjà soldées à la réception du paiement : %(numbers)s.") % {
                "numbers": ", ".join(refused)
            }
            transition(payment, Payment.Status.TO_REFUND, note=note, confirmed_at=now)
            summary = _("Paiement en ligne de %(amount)s € reçu (%(reference)s), à rembourser")
        else:
            transition(payment, Payment.Status.SUCCEEDED, confirmed_at=now)
        audit.record(
            payment.family,
            None,
            BillingEvent.PAYMENT_SUCCEEDED,
            summary % {"amount": payment.amount, "reference": payment.reference},
            obj=payment,
        )
        transaction.on_commit(lambda: _send_receipt(payment.pk))
    return payment


def _is_expected(payment: Payment, amount_cents: int, currency: str) -> bool:
    return amount_cents == payment.amount_cents and currency.upper() == payment.currency


def _apply_allocations(payment: Payment) -> list[str]:
    """Settle what each allocation pays; return the numbers of the invoices settled meanwhile."""
    allocations = list(payment.allocations.filter(applied=False))
    invoices = Invoice.objects.select_for_update().in_bulk([a.invoice_id for a in allocations])
    refused = []
    for allocation in allocations:
        invoice = invoices[allocation.invoice_id]
        if invoice.balance >= allocation.amount:
            invoice_apply_settlement(invoice, allocation.amount)
            allocation.applied = True
            allocation.save(update_fields=["applied"])
        else:
            refused.append(invoice.number)
    return refused


def _send_receipt(payment_pk: int) -> None:
    payment = Payment.objects.select_related("family").get(pk=payment_pk)
    send_to_family(
        "factures_payment_receipt",
        family=payment.family,
        context={"payment": payment, "invoices": list(payment.invoices.order_by("number"))},
    )


def payment_fail(
    *, payment_id: int, status: str = Payment.Status.FAILED, reason: str = ""
) -> Payment:
    """A refused, cancelled or expired attempt, which releases its invoices.

    Refused (IllegalTransition) once the payment is no longer pending: a refusal or an expiry
    never undoes money received; a later success still wins (factures/payment_states).
    """
    kind = (
        BillingEvent.PAYMENT_CANCELLED
        if status == Payment.Status.CANCELLED
        else BillingEvent.PAYMENT_FAILED
    )
    with transaction.atomic():
        payment = payment_lock(payment_id)
        if payment.status == status:
            return payment  # the same news twice
        transition(payment, status, note=reason)
        summary = _("Paiement %(reference)s : %(status)s") % {
            "reference": payment.reference,
            "status": payment.get_status_display().lower(),
        }
        audit.record(payment.family, None, kind, summary, obj=payment)
    return payment


def payment_record_offline(
    *,
    invoice: Invoice,
    method: str,
    amount: Decimal,
    user: User | None,
    reference: str = "",
    received_at: datetime.datetime | None = None,
) -> Payment:
    """A payment received by staff (cheque, cash, CESU, transfer), at most the balance."""
    if method == Payment.Method.ONLINE:
        raise ValidationError(_("Un paiement en ligne n'est pas saisi à la main."))
    if method == Payment.Method.DIRECT_DEBIT:
        raise ValidationError(_("Un prélèvement vient d'une remise de prélèvements."))
    amount = round_cents(Decimal(amount))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().select_related("family").get(pk=invoice.pk)
        if not ZERO < amount <= locked.balance:
            raise ValidationError(
                _("Le montant doit être positif et au plus le solde (%(balance)s €).")
                % {"balance": locked.balance}
            )
        received_at = received_at or timezone.now()
        payment = Payment(
            family=locked.family,
            method=method,
            provider="",
            reference=new_payment_reference(),
            provider_reference=reference,
            amount=amount,
            status=Payment.Status.SUCCEEDED,
            created_at=received_at,
            confirmed_at=received_at,
            created_by=user,
        )
        payment.full_clean()
        payment.save()
        PaymentAllocation.objects.create(
            payment=payment, invoice=locked, amount=amount, applied=True
        )
        invoice_apply_settlement(locked, amount)
        summary = _("Règlement %(method)s de %(amount)s € sur la facture %(number)s") % {
            "method": payment.get_method_display().lower(),
            "amount": amount,
            "number": locked.number,
        }
        audit.record(locked.family, user, BillingEvent.PAYMENT_SUCCEEDED, summary, obj=payment)
        transaction.on_commit(lambda: _send_receipt(payment.pk))
    return payment


def payment_refund_mark(
    *,
    payment: Payment,
    by: User | None,
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> bool:
    """Staff refunded a payment to refund: who and when, in the family's history.

    Returns False (and changes nothing) when the payment is not, or no longer, to refund.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = payment_lock(payment.pk)
        if not allowed(locked.status, Payment.Status.REFUNDED):
            return False
        transition(locked, Payment.Status.REFUNDED, refunded_at=now, refunded_by=by)
        summary = _("Paiement %(reference)s de %(amount)s € remboursé") % {
            "reference": locked.reference,
            "amount": locked.amount,
        }
        audit.record(
            locked.family, by, BillingEvent.PAYMENT_REFUNDED, summary, obj=locked, request=request
        )
    return True


# The parent's side of an online payment -------------------------------------------------------


class PaymentUnavailable(Exception):
    """The provider could not open its payment page; the payment is marked failed."""


def payment_begin(
    *,
    family: Family,
    invoice_ids: list[int],
    user: User | None,
    expected_total: Decimal | None = None,
    request: HttpRequest,
) -> str:
    """Start paying invoices at the configured provider; the URL of its page for the parent.

    Refusals are those of `payment_start`; PaymentUnavailable when the provider is down.
    """
    provider = get_provider()
    payment = payment_start(
        family=family,
        invoice_ids=invoice_ids,
        user=user,
        provider=provider.name,
        expected_total=expected_total,
        request=request,
    )
    try:
        return provider.start(payment, request=request)
    except Exception as exc:
        logger.exception("payment %s could not start", payment.reference)
        payment_fail(payment_id=payment.pk, reason="provider unavailable")
        raise PaymentUnavailable from exc


def payment_sandbox_answer(*, payment: Payment, paid: bool) -> None:
    """The parent's choice on the sandbox's page, sent as the sandbox's signed notification."""
    body, signature = build_notification(payment, paid=paid)
    get_provider("sandbox").handle_notification(body, {"X-Sandbox-Signature": signature})


def payment_refresh(*, payment: Payment) -> bool:
    """The parent is back: ask the provider about a pending payment, then reload it.

    Returns False when the provider could not be asked (down, slow, answering errors): the
    notification settles the payment later.
    """
    if payment.status != Payment.Status.PENDING or payment.provider not in provider_names():
        return True
    asked = True
    try:
        get_provider(payment.provider).refresh(payment)
    except Exception:
        logger.exception("payment %s could not be looked up", payment.reference)
        asked = False
    payment.refresh_from_db()
    return asked


def payment_abandon(*, payment: Payment) -> bool:
    """The parent gives up a pending payment; the provider's session is closed first.

    Returns False when there was nothing to give up; otherwise the payment is reloaded (still
    pending when the provider could not close its session).
    """
    if payment.status != Payment.Status.PENDING or payment.provider not in provider_names():
        return False
    try:
        get_provider(payment.provider).cancel(payment)
    except Exception:
        logger.exception("payment %s could not be cancelled", payment.reference)
    payment.refresh_from_db()
    return True
