"""Mes données: a parent downloads the household's data and files, and nothing of another."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from contact.services import thread_create
from espace_famille.models import AuditEvent
from factures.services import invoice_pdf_store
from tests.factories import PDF_BYTES, issue, make_submission, make_type, upload

pytestmark = pytest.mark.django_db
URL = reverse("my_data")


def download(client):
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="mes-donnees.zip"' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


@pytest.fixture
def households(family, parent, lea, other_family, other_parent, zoe):
    lea.allergies = "Arachides"
    lea.save()
    zoe.allergies = "Kiwi secret"
    zoe.save()
    thread_create(
        family=family,
        user=parent,
        subject="Absence de Léa",
        body="Léa sera absente.",
        attachment=upload("mot-lea.pdf", PDF_BYTES),
    )
    thread_create(
        family=other_family,
        user=other_parent,
        subject="Zoé en retard",
        body="Secret de la famille AUTRE",
        attachment=upload("zoe.pdf", PDF_BYTES + b"%autre"),
    )
    invoice_pdf_store(invoice_id=issue(family, "12.00").pk)
    invoice_pdf_store(invoice_id=issue(other_family, "99.00").pk)
    vaccination = make_type()
    stored = default_storage.save("documents/submissions/vaccins.pdf", ContentFile(PDF_BYTES))
    make_submission(family, vaccination, member=lea, file=stored, original_name="vaccins-lea.pdf")
    make_submission(family, make_type("Assurance"), file="documents/submissions/perdu.pdf")
    make_submission(other_family, vaccination, member=zoe, original_name="vaccins-zoe.pdf")


def test_the_page_offers_the_download(parent_client):
    response = parent_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1 and "Télécharger mes données" in page


def test_the_zip_holds_the_household_and_nothing_else(parent_client, households, family, parent):
    archive = download(parent_client)
    names = archive.namelist()
    assert "resume.html" in names and "donnees.json" in names
    data = json.loads(archive.read("donnees.json"))
    sections = data["sections"]
    members = {row["prénom"] for row in sections["membres"]["rows"]}
    assert members == {"Parent", "Léa", "Hugo"}
    assert any(row["allergies"] == "Arachides" for row in sections["membres"]["rows"])
    assert [r["Objet"] for r in sections["messages"]["rows"]] == ["Absence de Léa"]
    assert [r["Montant"] for r in sections["factures"]["rows"]] == ["12.00"]
    assert [r["E-mail"] for r in sections["comptes"]["rows"]] == [parent.email]
    attachments = [n for n in names if n.startswith("fichiers/messages/")]
    assert len(attachments) == 1 and attachments[0].endswith("mot-lea.pdf")
    assert archive.read(attachments[0]) == family_attachment_bytes(family)
    assert [n.rsplit("-", 1)[-1] for n in names if n.startswith("fichiers/documents/")] == [
        "lea.pdf"
    ]  # the lost file is skipped, the other household's is not there
    assert archive.read(next(n for n in names if n.startswith("fichiers/documents/"))) == PDF_BYTES
    pdfs = [n for n in names if n.startswith("fichiers/factures/")]
    assert len(pdfs) == 1 and archive.read(pdfs[0]).startswith(b"%PDF")
    assert {r["Nom du fichier"] for r in sections["documents"]["rows"]} == {"vaccins-lea.pdf", ""}
    everything = b"".join(archive.read(name) for name in names).decode("utf-8", "replace")
    for secret in ("AUTRE", "Zoé", "Kiwi secret", "99.00", "autre@example.org", "%autre", "zoe"):
        assert secret not in everything, secret
    summary = archive.read("resume.html").decode()
    assert "Absence de Léa" in summary and "Arachides" in summary
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DATA_EXPORTED)
    assert event.family == family and event.user == parent


def family_attachment_bytes(family):
    message = family.threads.get().messages.exclude(attachment="").get()
    with message.attachment.open("rb") as handle:
        return handle.read()


def test_the_other_household_gets_its_own(client, households, other_family):
    client.force_login(other_family.logins.get())
    data = json.loads(download(client).read("donnees.json"))
    assert [r["Objet"] for r in data["sections"]["messages"]["rows"]] == ["Zoé en retard"]
    assert {r["prénom"] for r in data["sections"]["membres"]["rows"]} == {"Parent", "Zoé"}


def test_anonymous_and_staff_get_no_zip(client, staff, households):
    response = client.post(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(staff)
    assert client.post(URL).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA_EXPORTED).exists()


def test_the_page_is_linked_from_ma_famille(parent_client):
    assert f'href="{URL}"' in parent_client.get(reverse("famille:index")).content.decode()


def test_the_download_takes_few_queries(parent_client, households, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        download(parent_client)


def test_downloads_are_limited_per_hour(parent_client, settings, family):
    settings.MY_DATA_EXPORTS_PER_HOUR = 2
    download(parent_client)
    download(parent_client)
    response = parent_client.post(URL, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "réessayez dans une heure" in response.content.decode()
    exports = AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA_EXPORTED, family=family)
    assert exports.count() == 2
