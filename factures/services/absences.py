"""Justified absences accepted after their days were invoiced: one credit note per invoice.

Registered in `reservations.registry.absence_credited` (factures sits above reservations):
`absences.services.absence_accept` calls it inside its transaction, under the declaration's
row lock, so two reviews at once never credit a day twice.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from espace_famille.formatting import long_date
from factures.models import ZERO, BilledBooking, Invoice
from factures.services.invoices import credit_note_issue

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User
    from reservations.models import AbsenceDeclaration, Booking


def absence_credit_notes_issue(
    *,
    declaration: AbsenceDeclaration,
    bookings: list[Booking],
    by: User | None,
    request: HttpRequest | None = None,
) -> list[Invoice]:
    """A credit note, with the absence as its reason, for each invoice that billed some of
    `bookings` (at the unit price they were billed at); days not invoiced yet need nothing:
    the billing run leaves them out."""
    billed = BilledBooking.objects.filter(booking__in=bookings).select_related(
        "line__invoice", "booking__opening"
    )
    amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
    days: dict[int, list[str]] = defaultdict(list)
    invoices: dict[int, Invoice] = {}
    for row in billed.order_by("booking__opening__date", "pk"):
        invoice = row.line.invoice
        invoices[invoice.pk] = invoice
        amounts[invoice.pk] += row.line.unit_price
        days[invoice.pk].append(long_date(row.booking.opening.date, "j F"))
    notes = []
    for pk, invoice in invoices.items():
        if amounts[pk] <= ZERO:
            continue
        reason = _("absence justifiée de %(member)s (%(reason)s) le %(days)s") % {
            "member": declaration.member,
            "reason": declaration.get_reason_display(),
            "days": ", ".join(days[pk]),
        }
        notes.append(
            credit_note_issue(
                invoice=invoice, amount=amounts[pk], reason=reason, user=by, beyond_balance=True
            )
        )
    return notes
