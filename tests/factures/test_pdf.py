"""The invoice PDF: rendered once by WeasyPrint, stored with its checksum, served to its family."""

import hashlib
import subprocess
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from factures import services
from factures.models import Invoice
from factures.services import LineSpec
from tests.factories import OCTOBER

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "facture.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_pdf_rendered_after_commit_and_stored_with_checksum(invoice, tmp_path):
    invoice.refresh_from_db()
    assert invoice.pdf.name.startswith(f"factures/2026/{invoice.number}-")
    content = default_storage.open(invoice.pdf.name).read()
    assert invoice.pdf_sha256 == hashlib.sha256(content).hexdigest()
    text = pdf_text(content, tmp_path)
    assert f"Facture {invoice.number}" in text
    assert "Famille TEST" in text
    assert "Léa TEST" in text and "Hugo TEST" in text
    assert "Mercredis loisirs — Matin" in text
    assert "Mercredis loisirs — Repas" in text
    assert "20,30 €" in text  # French figures (pdftotext gives the space as a plain one)
    assert "Comment payer" in text
    assert "Accueil de loisirs Les Tests" in text


def test_pdf_is_rendered_only_once(invoice):
    invoice.refresh_from_db()
    name, checksum = invoice.pdf.name, invoice.pdf_sha256
    again = services.invoice_pdf_store(invoice_id=invoice.pk)
    assert (again.pdf.name, again.pdf_sha256) == (name, checksum)


def test_parent_downloads_the_stored_pdf(parent_client, invoice):
    invoice.refresh_from_db()
    response = parent_client.get(reverse("factures:pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == invoice.pdf_sha256
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]


def test_missing_pdf_is_rendered_on_first_download(parent_client, family, tmp_path):
    invoice = services.invoice_issue(
        family=family,
        period_start=OCTOBER,
        period_end=OCTOBER,
        lines=[LineSpec(label="Goûter", quantity=Decimal(1), unit_price=Decimal("1.20"))],
        render_pdf=False,
    )
    assert not Invoice.objects.get(pk=invoice.pk).pdf
    response = parent_client.get(reverse("factures:pdf", args=[invoice.pk]))
    assert "Goûter" in pdf_text(b"".join(response.streaming_content), tmp_path)
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256


def test_other_family_pdf_is_404(client, other_parent, invoice):
    client.force_login(other_parent)
    assert client.get(reverse("factures:pdf", args=[invoice.pk])).status_code == 404


def test_anonymous_pdf_goes_to_login(client, invoice):
    response = client.get(reverse("factures:pdf", args=[invoice.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pdf_wrong_method_is_405(parent_client, invoice):
    assert parent_client.post(reverse("factures:pdf", args=[invoice.pk])).status_code == 405


def test_issue_email_both_bodies(invoice, parent):
    from django.core import mail

    # The fixture's invoice was issued before the parent login existed: household address only.
    assert mail.outbox[-1].to == ["famille-test@example.org"]
    message = mail.outbox[-1]
    assert invoice.number in message.subject
    assert "20,30 €" in message.body
    html = message.alternatives[0][0]
    assert invoice.number in html and "/factures/" in html
