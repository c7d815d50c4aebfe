"""Mes données: a parent downloads the household's data and files, and nothing of another.

The ZIP is prepared in the background (the `build_household_export` task), its link shown on
the page and emailed, valid MY_DATA_LINK_DAYS, for a parent of the same household only.
"""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contact.services import thread_create
from espace_famille.export import export_build
from espace_famille.models import AuditEvent, DataExport
from factures.services import invoice_pdf_store
from reservations.models import CalendarFeed
from tests.factories import PDF_BYTES, issue, local, make_submission, make_type, upload

pytestmark = pytest.mark.django_db
URL = reverse("my_data")


_capture = []


@pytest.fixture(autouse=True)
def _run_tasks(django_capture_on_commit_callbacks):
    """The task is queued at commit (TASKS_BACKEND=immediate runs it then): tests run the
    callbacks the request registered, as a committed request would."""
    _capture[:] = [django_capture_on_commit_callbacks]
    yield
    _capture.clear()


def request_export(client):
    with _capture[0](execute=True):
        response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == URL
    return response


def link_in_page(client) -> str:
    page = client.get(URL).content.decode()
    links = re.findall(r'href="(/mes-donnees/[^"/]+/)"', page)
    assert len(links) >= 1, page
    return links[0]


def fetch(client, link):
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="mes-donnees.zip"' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def download(client):
    request_export(client)
    return fetch(client, link_in_page(client))


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
    assert page.count("<h1") == 1 and "Préparer mes données" in page


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
    kinds = AuditEvent.objects.filter(family=family, kind__startswith="data_export")
    assert set(kinds.values_list("kind", flat=True)) == {
        AuditEvent.Kind.DATA_EXPORT_REQUESTED,
        AuditEvent.Kind.DATA_EXPORT_READY,
        AuditEvent.Kind.DATA_EXPORTED,
    }


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
    assert not DataExport.objects.exists()


def test_the_page_is_linked_from_ma_famille(parent_client):
    assert f'href="{URL}"' in parent_client.get(reverse("famille:index")).content.decode()


def test_the_download_takes_few_queries(parent_client, households, django_assert_max_num_queries):
    request_export(parent_client)
    link = link_in_page(parent_client)
    with django_assert_max_num_queries(12):
        fetch(parent_client, link)
    with django_assert_max_num_queries(12):
        parent_client.get(URL)


def test_requests_are_limited_per_hour(parent_client, settings, family):
    settings.MY_DATA_EXPORTS_PER_HOUR = 2
    request_export(parent_client)
    request_export(parent_client)
    response = parent_client.post(URL, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "réessayez dans une heure" in response.content.decode()
    assert DataExport.objects.filter(family=family).count() == 2


def test_the_link_is_emailed_to_the_household(parent_client, households, family, parent):
    request_export(parent_client)
    [message] = [m for m in mail.outbox if "données sont prêtes" in m.subject]
    assert set(message.to) == {family.email, parent.email}
    link = re.search(r"http://\S+/mes-donnees/\S+/", message.body).group(0)
    assert link.endswith(link_in_page(parent_client))
    assert "jusqu'au" in message.body


def test_the_page_says_en_preparation_until_the_task_ran(parent_client, family):
    export = DataExport.objects.create(family=family)  # requested, the task not run yet
    page = parent_client.get(URL).content.decode()
    assert "En préparation" in page and "/mes-donnees/ey" not in page
    assert export_build(export_id=export.pk) == DataExport.Status.READY
    assert "Télécharger mes données" in parent_client.get(URL).content.decode()


def test_another_household_cannot_use_the_link(client, households, parent, other_family):
    client.force_login(parent)
    request_export(client)
    link = link_in_page(client)
    client.force_login(other_family.logins.get())
    response = client.get(link)
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        kind=AuditEvent.Kind.DATA_EXPORTED, family=other_family
    ).exists()


def test_a_forged_link_is_refused(parent_client, households):
    request_export(parent_client)
    link = link_in_page(parent_client)
    assert parent_client.get(link[:-3] + "xx/").status_code == 404


def test_an_expired_link_is_refused(parent_client, households, family, settings):
    settings.MY_DATA_LINK_DAYS = 7
    request_export(parent_client)
    link = link_in_page(parent_client)
    DataExport.objects.filter(family=family).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = parent_client.get(link)
    assert response.status_code == 404
    assert "expiré" in response.content.decode()


def test_the_expired_zip_is_erased_by_retention(parent_client, households, family):
    request_export(parent_client)
    export = DataExport.objects.get(family=family)
    assert default_storage.exists(export.file.name)
    call_command("retention", "--apply", stdout=io.StringIO())
    assert DataExport.objects.filter(pk=export.pk).exists()  # still valid
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    with _capture[0](execute=True):
        call_command("retention", "--apply", stdout=out)
    assert "exports: 1 erased" in out.getvalue()
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not default_storage.exists(export.file.name)


def test_the_household_direct_debit_mandate_is_in_its_data(parent_client, family, other_family):
    """Mes données holds the mandate (IBAN included: it is the household's own), never another
    household's."""
    import datetime

    from espace_famille.export import sections_for
    from factures.sepa.models import SepaMandate

    for household, iban in (
        (family, "FR7630006000011234567890189"),
        (other_family, "DE89370400440532013000"),
    ):
        SepaMandate.objects.create(
            family=household,
            reference=f"EF-{household.pk}-TEST",
            holder=household.name,
            iban=iban,
            source=SepaMandate.Source.PAPER,
            signed_on=datetime.date(2026, 1, 5),
            consent_text="…",
        )
    found = {section.key: section for section in sections_for(family)}
    rows = found["mandats"].rows
    assert [row[0] for row in rows] == [f"EF-{family.pk}-TEST"]
    assert "FR7630006000011234567890189" in rows[0]
    assert not any(
        "DE89" in cell for section in found.values() for row in section.rows for cell in row
    )


def test_the_reminder_choices_and_the_calendar_feed_are_in_the_data(
    client, households, family, parent, other_family
):
    family.reminder_choices = {"facture-retard": False, "semaine-sans-reservation": True}
    family.save()
    CalendarFeed.objects.create(
        family=family,
        secret="ne-doit-pas-sortir",
        renewed_at=local(2026, 11, 2, 9, 30),
    )
    client.force_login(parent)
    archive = download(client)
    sections = json.loads(archive.read("donnees.json"))["sections"]
    choices = {row["Rappel"]: row for row in sections["rappels"]["rows"]}
    assert choices["Une facture est en retard"]["Choix du foyer"] == "non"
    assert choices["Une facture est en retard"]["Envoyé au foyer"] == "non"
    assert choices["Rien n'est encore réservé pour la semaine suivante"]["Choix du foyer"] == "oui"
    assert choices["Une facture arrive à échéance"]["Choix du foyer"] == ""
    assert choices["Une facture arrive à échéance"]["Envoyé au foyer"] == "oui"
    assert sections["agenda"]["rows"] == [
        {"Lien d'agenda créé": "oui", "Créé ou renouvelé le": "2026-11-02T09:30:00+01:00"}
    ]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"ne-doit-pas-sortir" not in everything  # the link's secret is a credential
    client.force_login(other_family.logins.get())
    theirs = json.loads(download(client).read("donnees.json"))["sections"]
    assert theirs["agenda"]["rows"] == [{"Lien d'agenda créé": "non", "Créé ou renouvelé le": ""}]
