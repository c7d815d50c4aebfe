"""The mandate's PDF: the SEPA form as signed (online) or recorded (paper), WeasyPrint."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from espace_famille.models import Structure
from factures.sepa.models import SepaMandate
from factures.sepa.pain import creditor_name


def mandate_pdf_render(mandate: SepaMandate) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "factures/sepa/mandate_pdf.html",
            {
                "mandate": mandate,
                "family": mandate.family,
                "structure": Structure.current(),
                "creditor_name": creditor_name(),
                "creditor_id": settings.SEPA_CREDITOR_ID,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
