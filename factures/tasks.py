"""Background tasks of Mes factures (Django's tasks API through django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def invoice_pdf_refresh(*, invoice_id: int) -> str:
    """Render the PDF of an invoice just settled again ("Acquittée le …"), with its checksum."""
    from factures.services import invoice_pdf_store

    invoice = invoice_pdf_store(invoice_id=invoice_id, refresh=True)
    return invoice.pdf_sha256
