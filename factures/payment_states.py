"""The states of a payment and the only function that moves a payment from one to another.

    started (pending) ──> succeeded                  money received, every invoice settled
          │  │  │  └────> to_refund ──> refunded     money received but not applicable
          │  │  └───────> failed    ─┐                (wrong amount or currency, or invoices
          │  └──────────> cancelled ─┴─> succeeded    settled meanwhile); staff refund it
          │                          └─> to_refund
          └─ (online payments only; an offline payment is recorded succeeded)

    direct debit (prélèvement, factures/sepa): pending from the collection file until the
    debit day, then succeeded; a bank reject (R-transaction) moves it to failed before that
    day, or from succeeded to rejected after it (the invoices' settlement is undone).

- The first money event decides: once succeeded or to refund, later provider news (another
  amount, a refusal, an expiry) changes nothing and is kept in the provider's event log.
- A refusal or an expiry is not final: money that arrives afterwards (a late confirmation)
  still settles the invoices, or is to refund when they were settled meanwhile.
- refunded and rejected are final; succeeded is final but for a direct debit's reject.

`payment_lock()` takes the payment's row lock inside the caller's transaction; `transition()`
applies a move on a payment so locked and refuses (IllegalTransition) any move the table does
not list. Every service that changes a payment's state goes through them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from factures.models import Payment

Status = Payment.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset(
        {Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.TO_REFUND}
    ),
    Status.FAILED: frozenset({Status.SUCCEEDED, Status.TO_REFUND}),
    Status.CANCELLED: frozenset({Status.SUCCEEDED, Status.TO_REFUND}),
    Status.TO_REFUND: frozenset({Status.REFUNDED}),
    Status.SUCCEEDED: frozenset({Status.REJECTED}),
    Status.REFUNDED: frozenset(),
    Status.REJECTED: frozenset(),
}
# Moves that only a payment of these methods may make.
METHOD_ONLY: dict[str, frozenset[str]] = {
    Status.REJECTED: frozenset({Payment.Method.DIRECT_DEBIT}),
}


class IllegalTransition(Exception):
    """A move the table does not allow; nothing was changed."""

    def __init__(self, payment: Payment, target: str) -> None:
        self.current, self.target = payment.status, target
        super().__init__(f"payment {payment.reference}: {payment.status} -> {target} refused")


def allowed(current: str, target: str, method: str | None = None) -> bool:
    if target in METHOD_ONLY and method not in METHOD_ONLY[target]:
        return False
    return target in TRANSITIONS[current]


def payment_lock(payment_id: int) -> Payment:
    """The payment, its row locked until the caller's transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Lock a payment inside the transaction that changes it.")
    payment = Payment.objects.select_for_update().select_related("family").get(pk=payment_id)
    payment._state_locked = True  # type: ignore[attr-defined]  # a mark on this instance only
    return payment


def transition(payment: Payment, target: str, **changes: Any) -> None:
    """Move a payment obtained from payment_lock() to `target`, saving `changes` with it."""
    if not getattr(payment, "_state_locked", False):
        raise RuntimeError("transition() needs the payment from payment_lock().")
    if not allowed(payment.status, target, payment.method):
        raise IllegalTransition(payment, target)
    payment.status = target
    for name, value in changes.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", *changes])
