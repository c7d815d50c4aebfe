"""The upload/download round trip against a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Submission
from tests.files import pdf_bytes, pdf_pages

BUCKET = "espace-famille-documents"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server_module = pytest.importorskip("moto.server")
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


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
