"""The upload/download round trip against a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Submission
from tests.files import pdf_bytes, pdf_pages
from tests.s3 import bucket_remove, s3_client, s3_settings

BUCKET = "espace-famille-documents"


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": s3_settings(s3_endpoint, BUCKET)}
    yield client
    bucket_remove(client, BUCKET)


def test_upload_and_download_round_trip_on_s3(
    s3_storage, parent_client, client, other_parent, vaccination, lea
):
    content = pdf_bytes("sur s3")
    response = parent_client.post(
        reverse("documents:upload", args=[vaccination.pk]) + f"?member={lea.pk}",
        {"files": SimpleUploadedFile("carnet.pdf", content, "application/pdf")},
    )
    assert response.status_code == 302

    submission = Submission.objects.get()
    keys = [item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [submission.file.name]
    assert keys[0].startswith("documents/submissions/") and "carnet" not in keys[0]
    stored = s3_storage.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()
    assert pdf_pages(stored) == 1 and len(stored) == submission.size  # written again

    download = parent_client.get(reverse("documents:file", args=[submission.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored

    client.force_login(other_parent)
    assert client.get(reverse("documents:file", args=[submission.pk])).status_code == 404


def test_a_rejected_upload_leaves_nothing_in_the_bucket(
    s3_storage, parent_client, vaccination, lea
):
    response = parent_client.post(
        reverse("documents:upload", args=[vaccination.pk]) + f"?member={lea.pk}",
        {"files": SimpleUploadedFile("carnet.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert response.status_code == 400
    assert s3_storage.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
