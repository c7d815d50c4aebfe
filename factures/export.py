"""Mes données: the household's invoices (with their PDFs), payments and direct debit mandates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from espace_famille.export import Section, table
from espace_famille.registry import ExportSource, export_sources
from factures.models import Invoice, Payment
from factures.sepa.models import SepaMandate

if TYPE_CHECKING:
    from famille.models import Family


def sections(family: Family) -> list[Section]:
    invoices = Invoice.objects.filter(family=family).order_by("issued_on", "pk")
    invoice_section = table(
        "factures",
        _("Factures"),
        invoices,
        {
            _("Numéro"): "number",
            _("Type"): "kind",
            _("Du"): "period_start",
            _("Au"): "period_end",
            _("Émise le"): "issued_on",
            _("Échéance"): "due_date",
            _("Montant"): "total",
            _("Réglé"): "amount_settled",
        },
    )
    invoice_section.files = [(f"{i.number}.pdf", i.pdf) for i in invoices if i.pdf]
    payments = table(
        "paiements",
        _("Paiements"),
        Payment.objects.filter(family=family).order_by("created_at", "pk"),
        {
            _("Référence"): "reference",
            _("Mode"): "method",
            _("Montant"): "amount",
            _("Statut"): "status",
            _("Commencé le"): "created_at",
            _("Confirmé le"): "confirmed_at",
        },
    )
    mandates = SepaMandate.objects.filter(family=family).order_by("signed_on", "pk")
    mandate_section = table(
        "mandats",
        _("Mandats de prélèvement"),
        mandates,
        {
            _("Référence (RUM)"): "reference",
            _("Titulaire du compte"): "holder",
            _("IBAN"): "iban",
            _("BIC"): "bic",
            _("Statut"): "status",
            _("Signé le"): "signed_on",
        },
    )
    mandate_section.files = [(f"{m.reference}.pdf", m.pdf) for m in mandates if m.pdf]
    return [invoice_section, payments, mandate_section]


export_sources.register(ExportSource("factures", 50, sections))
