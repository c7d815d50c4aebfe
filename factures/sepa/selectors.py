"""Reads of the direct debit for Mes factures (a parent's own household only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery

from factures.sepa.models import SepaDebit, SepaMandate

if TYPE_CHECKING:
    from factures.models import Invoice
    from famille.models import Family

OPEN_DEBIT = [SepaDebit.Status.SCHEDULED]


def current_mandate(family: Family) -> SepaMandate | None:
    """The household's mandate in force, or else its last suspended one (one query)."""
    return (
        SepaMandate.objects.filter(
            family=family,
            status__in=[SepaMandate.Status.ACTIVE, SepaMandate.Status.SUSPENDED],
        )
        .order_by("status", "-created_at")  # "active" sorts before "suspended"
        .first()
    )


def with_scheduled_debit(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `debit_date`: the day a collection already produced debits the invoice."""
    scheduled = SepaDebit.objects.filter(invoice=OuterRef("pk"), status__in=OPEN_DEBIT).values(
        "collection__collection_date"
    )[:1]
    return invoices.annotate(debit_date=Subquery(scheduled))


def invoice_ids_scheduled(invoice_ids: list[int]) -> set[int]:
    """Those of the invoices a produced collection is about to debit (not to pay online)."""
    return set(
        SepaDebit.objects.filter(invoice_id__in=invoice_ids, status__in=OPEN_DEBIT).values_list(
            "invoice_id", flat=True
        )
    )
