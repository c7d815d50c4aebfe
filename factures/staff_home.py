"""factures' line on the staff home page and its background job, the billing run of a month."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from espace_famille.registry import JobKind, StaffTodo, job_kinds, staff_todos
from factures.billing import billing_run_job
from factures.models import Payment


def refunds_count() -> int:
    """Payments received for invoices already settled, to pay back."""
    return Payment.objects.filter(status=Payment.Status.TO_REFUND).count()


def register() -> None:
    staff_todos.register(
        StaffTodo(
            key="refunds",
            order=60,
            permission="factures.view_payment",
            label=ngettext_lazy("%(n)s paiement à rembourser", "%(n)s paiements à rembourser", "n"),
            count=refunds_count,
            url=lambda: reverse("admin:factures_payment_changelist") + "?status__exact=to_refund",
        )
    )
    job_kinds.register(
        JobKind(
            key="factures.billing_run",
            title=_("Facturer un mois"),
            permission="factures.add_invoice",
            run=billing_run_job,
        )
    )
