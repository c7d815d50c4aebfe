"""The invoice PDF: an HTML template rendered by WeasyPrint."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from espace_famille.models import Structure
from factures.models import BillingSettings, Invoice


def invoice_pdf_render(invoice: Invoice) -> tuple[str, str, bytes]:
    """Return (filename, mimetype, content) of the invoice's PDF."""
    from weasyprint import HTML

    from factures.selectors import invoice_settlements, settled_on, settlement_methods

    lines = list(invoice.lines.order_by("position", "pk"))
    settled = invoice.kind == Invoice.Kind.INVOICE and invoice.is_settled
    groups = [
        {"member_name": name, "lines": list(group)}
        for name, group in groupby(lines, key=lambda line: line.member_name)
    ]
    with translation.override(settings.LANGUAGE_CODE):
        settlements = invoice_settlements(invoice) if settled else []
        html = render_to_string(
            "factures/pdf/invoice.html",
            {
                "invoice": invoice,
                "groups": groups,
                "structure": Structure.current(),
                "billing": BillingSettings.current(),
                "settled": settled,
                "settlements": settlements,
                "settled_by": settlement_methods(settlements),
                "settled_on": settled_on(invoice, settlements) if settled else None,
                "paid": any(settlement.is_payment for settlement in settlements),
            },
        )
    content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return f"{invoice.number}.pdf", "application/pdf", content
