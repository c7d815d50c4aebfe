"""Files are private: only the family (and staff, through the admin) may read them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Submission
from tests.files import pdf_bytes


@pytest.fixture
def submitted(parent_client, vaccination, lea):
    content = pdf_bytes("secret-de-lea")
    parent_client.post(
        reverse("documents:upload", args=[vaccination.pk]) + f"?member={lea.pk}",
        {"files": SimpleUploadedFile("vaccins léa.pdf", content, "application/pdf")},
    )
    submission = Submission.objects.get()
    with submission.file.open("rb") as handle:
        return submission, handle.read()  # what the checker made of it


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_family_reads_its_file(parent_client, submitted):
    submission, content = submitted
    response = parent_client.get(reverse("documents:file", args=[submission.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert body(response) == content
    download = parent_client.get(reverse("documents:file", args=[submission.pk]) + "?telecharger=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert "vaccins" in download["Content-Disposition"]


def test_another_family_gets_404_and_never_the_bytes(client, other_parent, submitted):
    submission, content = submitted
    client.force_login(other_parent)
    response = client.get(reverse("documents:file", args=[submission.pk]))
    assert response.status_code == 404
    assert content not in response.content


def test_anonymous_goes_to_login(client, submitted):
    submission, _content = submitted
    client.logout()
    response = client.get(reverse("documents:file", args=[submission.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_method(parent_client, submitted):
    submission, _content = submitted
    assert parent_client.post(reverse("documents:file", args=[submission.pk])).status_code == 405


def test_no_public_url_reaches_the_storage(client, submitted, settings):
    submission, _content = submitted
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert client.get("/media/" + submission.file.name).status_code == 404
    assert client.get("/" + submission.file.name).status_code == 404


def test_a_missing_file_is_404(parent_client, submitted):
    submission, _content = submitted
    submission.file.storage.delete(submission.file.name)
    assert parent_client.get(reverse("documents:file", args=[submission.pk])).status_code == 404


def test_staff_read_it_through_the_admin(client, staff, parent, submitted):
    submission, content = submitted
    admin_url = reverse("admin:documents_submission_file", args=[submission.pk])
    client.force_login(parent)
    assert client.get(admin_url).status_code == 302  # the admin login, not the file
    client.force_login(staff)
    response = client.get(admin_url)
    assert response.status_code == 200 and body(response) == content
