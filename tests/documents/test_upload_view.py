"""Sending a document: the form, the checks, the stored file and the audit row."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from documents.audit_kinds import DocumentEvent
from documents.models import DocumentType, Submission
from espace_famille.models import AuditEvent
from tests.factories import make_submission, make_type
from tests.files import gps_exif, huge_png, jpeg_bytes, pdf_bytes, pdf_pages, png_bytes


def url(document_type, member=None) -> str:
    base = reverse("documents:upload", args=[document_type.pk])
    return f"{base}?member={member.pk}" if member else base


def pdf(name: str = "vaccins.pdf", content: bytes | None = None):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


def test_anonymous_goes_to_login(client, vaccination, lea):
    response = client.get(url(vaccination, lea))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url(vaccination, lea), {"files": pdf()})
    assert response.status_code == 302
    assert not Submission.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method(parent_client, vaccination, lea, method):
    assert getattr(parent_client, method)(url(vaccination, lea)).status_code == 405


def test_the_form_is_phone_friendly(parent_client, vaccination, lea):
    html = parent_client.get(url(vaccination, lea)).content.decode()
    assert 'type="file"' in html
    assert 'accept="application/pdf,image/jpeg,image/png,image/*"' in html
    assert "multiple" in html
    assert 'enctype="multipart/form-data"' in html
    assert "applications de scan sur smartphone" in html
    assert "Carnet de vaccination" in html and "pour Léa TEST" in html
    assert "Les champs marqués d&#x27;une étoile (*) sont obligatoires." in html or (
        "Les champs marqués d'une étoile (*) sont obligatoires." in html
    )


def test_upload_a_pdf(parent_client, parent, family, vaccination, lea):
    content = pdf_bytes("vaccins")
    response = parent_client.post(url(vaccination, lea), {"files": pdf(content=content)})

    assert response.status_code == 302
    assert response["Location"] == f"/documents/#membre-{lea.pk}"
    submission = Submission.objects.get()
    assert (submission.family, submission.member, submission.document_type) == (
        family,
        lea,
        vaccination,
    )
    assert submission.status == Submission.Status.PENDING
    assert submission.uploaded_by == parent
    assert submission.original_name == "vaccins.pdf"
    assert submission.content_type == "application/pdf"
    # Stored under a random name, never the original one: the PDF written again by the checker
    # (its pages only, nothing of the original file outside them).
    assert "vaccins" not in submission.file.name
    assert Path(submission.file.name).suffix == ".pdf"
    assert len(Path(submission.file.name).stem) == 32
    with default_storage.open(submission.file.name, "rb") as handle:
        stored = handle.read()
    assert b"created by Pillow" in content and b"created by Pillow" not in stored
    assert pdf_pages(stored) == 1 and submission.size == len(stored)
    event = AuditEvent.objects.get(kind=DocumentEvent.DOCUMENT_UPLOADED)
    assert (event.family, event.user, event.object_id) == (family, parent, str(submission.pk))
    page = parent_client.get(response["Location"]).content.decode()
    assert "a bien été transmis" in page and "En attente de validation" in page


def test_upload_for_the_household(parent_client, family, insurance):
    response = parent_client.post(url(insurance), {"files": pdf("assurance.pdf")})
    assert response.status_code == 302 and response["Location"].endswith("#foyer")
    assert Submission.objects.get().member is None


def test_several_photos_become_one_pdf(parent_client, vaccination, lea):
    files = [
        SimpleUploadedFile("recto.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("verso.png", png_bytes(color="green"), content_type="image/png"),
    ]
    response = parent_client.post(url(vaccination, lea), {"files": files})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.content_type == "application/pdf"
    assert submission.original_name == "recto.png, verso.png"
    assert submission.file.name.endswith(".pdf")


def test_a_rejected_upload_keeps_the_previous_document(parent_client, family, vaccination, lea):
    parent_client.post(url(vaccination, lea), {"files": pdf()})
    previous = Submission.objects.get()
    stored = set(default_storage.listdir("documents/submissions")[1])

    executable = SimpleUploadedFile("photo.jpg", Path("/bin/ls").read_bytes(), "image/jpeg")
    response = parent_client.post(url(vaccination, lea), {"files": executable})

    assert response.status_code == 400
    html = response.content.decode()
    assert "n&#x27;est ni un PDF, ni une photo JPEG ou PNG" in html
    assert 'aria-invalid="true"' in html
    assert list(Submission.objects.all()) == [previous]
    previous.refresh_from_db()
    assert previous.status == Submission.Status.PENDING
    assert set(default_storage.listdir("documents/submissions")[1]) == stored
    assert AuditEvent.objects.filter(kind=DocumentEvent.DOCUMENT_UPLOADED).count() == 1


def test_an_empty_post_says_to_choose_a_file(parent_client, vaccination, lea):
    response = parent_client.post(url(vaccination, lea), {})
    assert response.status_code == 400
    assert "Choisissez un fichier." in response.content.decode()


def test_a_new_upload_replaces_the_pending_one(parent_client, family, vaccination, lea):
    parent_client.post(url(vaccination, lea), {"files": pdf("v1.pdf")})
    parent_client.post(url(vaccination, lea), {"files": pdf("v2.pdf")})
    statuses = dict(Submission.objects.values_list("original_name", "status"))
    assert statuses == {"v1.pdf": Submission.Status.REPLACED, "v2.pdf": Submission.Status.PENDING}


def test_another_family_member_is_404(parent_client, other_family, vaccination):
    zoe = other_family.members.get(first_name="Zoé")
    assert parent_client.get(url(vaccination, zoe)).status_code == 404
    assert parent_client.post(url(vaccination, zoe), {"files": pdf()}).status_code == 404
    assert not Submission.objects.exists()


def test_a_document_not_asked_of_this_person_is_404(
    parent_client, family, family_parent_member, vaccination, insurance, lea
):
    # A child's document for a parent, a member for a household document, an inactive type.
    assert parent_client.get(url(vaccination, family_parent_member)).status_code == 404
    assert parent_client.get(url(insurance, lea)).status_code == 404
    retired = make_type("Ancien", is_active=False)
    assert parent_client.get(url(retired, lea)).status_code == 404
    swimming = make_type("Natation", scope=DocumentType.Scope.ACTIVITY)
    assert parent_client.get(url(swimming, lea)).status_code == 404


def test_without_member_the_page_asks_for_whom(
    parent_client, vaccination, lea, hugo, family_parent_member
):
    response = parent_client.get(url(vaccination))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pour quelle personne" in html
    assert url(vaccination, lea) in html
    assert url(vaccination, hugo) in html
    assert url(vaccination, family_parent_member) not in html


@pytest.mark.parametrize("raw", ["²", "1²", f"{chr(0x0661)}"])  # Arabic-Indic one
def test_a_member_that_is_not_an_ascii_number_asks_for_whom(parent_client, vaccination, lea, raw):
    # "²".isdigit() is True but int("²") fails: this used to be a 500.
    response = parent_client.get(
        reverse("documents:upload", args=[vaccination.pk]), {"member": raw}
    )
    assert response.status_code == 200
    assert "Pour quelle personne" in response.content.decode()


def test_posting_for_a_member_that_is_not_a_number_stores_nothing(parent_client, vaccination, lea):
    upload_url = reverse("documents:upload", args=[vaccination.pk]) + "?member=%C2%B2"
    response = parent_client.post(upload_url, {"files": pdf()})
    assert response.status_code == 200
    assert "Pour quelle personne" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_member_number_out_of_range_is_404(parent_client, vaccination, insurance):
    base = reverse("documents:upload", args=[vaccination.pk])
    assert parent_client.get(base, {"member": "9" * 30}).status_code == 404
    household = reverse("documents:upload", args=[insurance.pk])
    assert parent_client.get(household, {"member": "²"}).status_code == 404


def test_a_photo_with_too_many_pixels_is_a_clear_refusal(parent_client, vaccination, lea):
    photo = SimpleUploadedFile("scan.png", huge_png(9400, 9400), "image/png")
    response = parent_client.post(url(vaccination, lea), {"files": photo})
    assert response.status_code == 400
    assert "a une trop grande définition (au plus 40 millions de pixels)" in (
        response.content.decode()
    )
    assert not Submission.objects.exists()


def test_the_page_shows_the_current_state(parent_client, family, vaccination, lea):
    make_submission(
        family,
        vaccination,
        lea,
        status=Submission.Status.REFUSED,
        refusal_reason="Illisible",
        original_name="flou.jpg",
    )
    html = parent_client.get(url(vaccination, lea)).content.decode()
    assert "Refusé" in html and "Illisible" in html and "flou.jpg" in html


def test_upload_page_query_count(
    parent_client, family, vaccination, lea, django_assert_max_num_queries
):
    make_submission(family, vaccination, lea)
    with django_assert_max_num_queries(12) as first:
        parent_client.get(url(vaccination, lea))
    for _index in range(10):
        make_submission(family, vaccination, lea)
    with django_assert_max_num_queries(12) as many:
        parent_client.get(url(vaccination, lea))
    assert len(first.captured_queries) == len(many.captured_queries)


def test_a_photo_is_stored_reencoded_without_its_location(parent_client, vaccination, lea):
    photo = jpeg_bytes((30, 20), exif=gps_exif())
    response = parent_client.post(
        url(vaccination, lea), {"files": SimpleUploadedFile("IMG_0001.JPG", photo, "image/jpeg")}
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.content_type == "image/jpeg" and submission.file.name.endswith(".jpg")
    with default_storage.open(submission.file.name, "rb") as handle:
        stored = handle.read()
    assert stored != photo
    image = Image.open(io.BytesIO(stored))
    assert dict(image.getexif()) == {} and b"PhoneMaker" not in stored


def test_an_oversized_upload_is_refused_and_nothing_is_stored(
    parent_client, settings, vaccination, lea
):
    settings.DOCUMENTS_MAX_UPLOAD_MB = 1
    big = pdf_bytes().replace(b"%%EOF", b"%" + b"0" * (1024 * 1024) + b"\n%%EOF")
    response = parent_client.post(
        url(vaccination, lea), {"files": SimpleUploadedFile("gros.pdf", big, "application/pdf")}
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale autorisée (1 Mo)" in response.content.decode()
    assert not Submission.objects.exists()
    assert (
        not default_storage.exists("documents/submissions")
        or not (default_storage.listdir("documents/submissions")[1])
    )


def test_ten_big_photos_in_one_request_are_refused_quickly_and_nothing_is_stored(
    parent_client, vaccination, lea
):
    # The review's repro: ten 6000 x 6600 PNGs (about 1 MB in all) took 9 s and ~380 MB.
    data = huge_png(6000, 6600)
    photos = [SimpleUploadedFile(f"page{i}.png", data, "image/png") for i in range(10)]
    started = time.monotonic()
    response = parent_client.post(url(vaccination, lea), {"files": photos})
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert "ont ensemble une trop grande définition" in response.content.decode()
    assert elapsed < 2, elapsed
    assert not Submission.objects.exists()


def test_uploads_are_limited_per_family_and_hour(parent_client, settings, vaccination, lea):
    settings.DOCUMENTS_UPLOADS_PER_HOUR = 2
    for _index in range(2):
        assert parent_client.post(url(vaccination, lea), {"files": pdf()}).status_code == 302
    response = parent_client.post(url(vaccination, lea), {"files": pdf()})
    assert response.status_code == 429
    html = response.content.decode()
    assert "beaucoup de documents en peu de temps" in html
    assert "n&#x27;a pas été enregistré" in html
    assert Submission.objects.count() == 2
    assert AuditEvent.objects.filter(kind=DocumentEvent.DOCUMENT_UPLOADED).count() == 2


def test_the_upload_limit_is_per_family(
    client, parent, other_parent, settings, vaccination, lea, zoe
):
    settings.DOCUMENTS_UPLOADS_PER_HOUR = 1
    client.force_login(parent)
    assert client.post(url(vaccination, lea), {"files": pdf()}).status_code == 302
    assert client.post(url(vaccination, lea), {"files": pdf()}).status_code == 429
    client.force_login(other_parent)
    assert client.post(url(vaccination, zoe), {"files": pdf()}).status_code == 302
