"""What the household has to do about its invoices: the dashboard's "À faire" line and the
reminder emails (an invoice due in a few days, an invoice overdue). Reads only."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille.admin_formats import euros
from espace_famille.queries import once_per_instance
from espace_famille.registry import Reminder, TodoLine
from factures.models import BillingSettings, Invoice

if TYPE_CHECKING:
    from famille.models import Family

# Overdue invoices older than this are not reminded by email (the first run after an upgrade
# does not dig out years of history); the dashboard and the invoices page still show them.
OVERDUE_REMINDER_DAYS = 30


def _to_pay(family: Family) -> dict[str, Any]:
    """How many invoices the household has to pay, and how much is left on them (one query for
    the badge and the line together)."""
    left = ExpressionWrapper(
        F("total") - F("amount_settled"), output_field=DecimalField(max_digits=12, decimal_places=2)
    )
    return once_per_instance(
        family,
        "factures:to-pay",
        lambda: (
            Invoice.objects.filter(family=family)
            .to_pay()
            .aggregate(count=Count("pk"), amount=Sum(left))
        ),
    )


def badge(family: Family) -> int:
    """The tile's badge: the invoices to pay."""
    return int(_to_pay(family)["count"])


def todo_lines(family: Family, today: datetime.date) -> list[TodoLine]:
    """ "2 factures à payer : 143,84 €" (the badge's query)."""
    row = _to_pay(family)
    count = row["count"]
    if not count:
        return []
    text = ngettext(
        "%(n)s facture à payer : %(amount)s", "%(n)s factures à payer : %(amount)s", count
    ) % {"n": count, "amount": euros(row["amount"])}
    return [TodoLine(text=text, url=reverse("factures:index"))]


def _invoice_text(invoice: Invoice, sentence: str) -> str:
    return sentence % {
        "number": invoice.number,
        "amount": euros(invoice.total - invoice.amount_settled),
        "date": invoice.due_date.strftime("%d/%m/%Y"),
    }


def invoices_due_soon(today: datetime.date) -> Iterator[Reminder]:
    """Reminder: an invoice to pay whose due date comes within the structure's notice
    (BillingSettings.reminder_days_before, 0 turns it off). Two queries."""
    days = BillingSettings.current().reminder_days_before
    if not days:
        return
    invoices = (
        Invoice.objects.to_pay()
        .filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))
        .order_by("due_date", "number")
    )
    url = reverse("factures:index")
    for invoice in invoices:
        yield Reminder(
            family_id=invoice.family_id,
            key=f"facture-echeance:{invoice.pk}",
            text=_invoice_text(
                invoice, _("Facture %(number)s : %(amount)s à régler avant le %(date)s.")
            ),
            url=url,
        )


def invoices_overdue(today: datetime.date) -> Iterator[Reminder]:
    """Reminder: an invoice still to pay after its due date (the last 30 days). One query."""
    invoices = (
        Invoice.objects.to_pay()
        .filter(
            due_date__lt=today,
            due_date__gte=today - datetime.timedelta(days=OVERDUE_REMINDER_DAYS),
        )
        .order_by("due_date", "number")
    )
    url = reverse("factures:index")
    for invoice in invoices:
        yield Reminder(
            family_id=invoice.family_id,
            key=f"facture-retard:{invoice.pk}",
            text=_invoice_text(
                invoice, _("Facture %(number)s : %(amount)s restent dus depuis le %(date)s.")
            ),
            url=url,
        )
