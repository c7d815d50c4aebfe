"""Writes of Mes factures and of the billing staff, one module per subject.

- invoices: gapless numbers, invoices and credit notes, what a payment settles, the stored PDF;
- payments: a payment started, confirmed, failed, recorded by staff or refunded, and the journey
  through a provider (begin, sandbox answer, refresh, abandon);
- journeys: several invoices paid one after the other (PayFiP: one invoice per transaction).

Callers import from `factures.services`; the names are re-exported here.
"""

from factures.services.invoices import (
    LineSpec,
    credit_note_issue,
    invoice_apply_settlement,
    invoice_issue,
    invoice_lines_childcare_sync,
    invoice_number_allocate,
    invoice_pdf_store,
)
from factures.services.journeys import (
    Journey,
    payment_journey_lines,
    payment_journey_plan,
    payment_journey_step,
)
from factures.services.payments import (
    PaymentUnavailable,
    new_payment_reference,
    payment_abandon,
    payment_begin,
    payment_confirm,
    payment_fail,
    payment_lock_minutes,
    payment_lock_q,
    payment_record_offline,
    payment_refresh,
    payment_refund_mark,
    payment_sandbox_answer,
    payment_set_provider_reference,
    payment_start,
)

__all__ = [
    "Journey",
    "LineSpec",
    "PaymentUnavailable",
    "credit_note_issue",
    "invoice_apply_settlement",
    "invoice_issue",
    "invoice_lines_childcare_sync",
    "invoice_number_allocate",
    "invoice_pdf_store",
    "new_payment_reference",
    "payment_abandon",
    "payment_begin",
    "payment_confirm",
    "payment_fail",
    "payment_journey_lines",
    "payment_journey_plan",
    "payment_journey_step",
    "payment_lock_minutes",
    "payment_lock_q",
    "payment_record_offline",
    "payment_refresh",
    "payment_refund_mark",
    "payment_sandbox_answer",
    "payment_set_provider_reference",
    "payment_start",
]
