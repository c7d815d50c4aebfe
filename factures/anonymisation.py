"""Anonymisation of a departed household: the accounting is kept as issued (10 years).

Invoices keep their numbers, amounts, payer name and address as issued and their stored PDFs;
payments and their audit rows stay, and so do direct debit mandates (the proof of the
debits). This step erases nothing: it shows staff what is kept.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import ngettext

from espace_famille.anonymisation import Item
from factures.models import Invoice, Payment
from factures.sepa.models import SepaMandate


def accounting_kept(family: Any, *, apply: bool) -> list[Item]:
    invoices = Invoice.objects.filter(family=family)
    count = invoices.count()
    payments = Payment.objects.filter(family=family).count()
    items = []
    if count:
        numbers = list(invoices.order_by("number").values_list("number", flat=True)[:50])
        items.append(
            Item(
                ngettext(
                    "%(n)d facture conservée telle qu'émise (numéro, montant, PDF)",
                    "%(n)d factures conservées telles qu'émises (numéros, montants, PDF)",
                    count,
                )
                % {"n": count},
                count,
                [n for n in numbers if n],
                kept=True,
            )
        )
    mandates = SepaMandate.objects.filter(family=family).count()
    if mandates:
        # The creditor keeps a mandate and its debits' proof (SEPA rulebook: 14 months after
        # the last debit); staff delete it from the admin once that period is over.
        items.append(
            Item(
                ngettext(
                    "%(n)d mandat de prélèvement conservé (preuve des prélèvements)",
                    "%(n)d mandats de prélèvement conservés (preuve des prélèvements)",
                    mandates,
                )
                % {"n": mandates},
                mandates,
                kept=True,
            )
        )
    if payments:
        items.append(
            Item(
                ngettext("%(n)d paiement conservé", "%(n)d paiements conservés", payments)
                % {"n": payments},
                payments,
                kept=True,
            )
        )
    return items
