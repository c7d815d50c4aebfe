"""The file store fails during a document upload, a contact attachment and an invoice PDF.

Local disk full (the write fails half-way, leaving a partial file) and S3 through moto's server
answering errors: the parent gets a clear French message, no row points at a missing file, no
file is left behind, and the same action succeeds once the store is back. A database failure
after the file was stored deletes the file with the rolled-back row.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contact.models import Message, Thread
from documents.models import Submission
from espace_famille.models import AuditEvent
from factures.models import Invoice
from tests.documents.conftest import make_type, pdf_bytes
from tests.factures.conftest import issue
from tests.faults.test_database import assert_clean_503, connection_lost_at

pytestmark = pytest.mark.django_db

REFUSED = "le stockage est momentanément indisponible"


class FullDiskStorage(FileSystemStorage):
    """The disk fills up during the write: the first bytes reach a file, then ENOSPC."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(b"%PDF-1.4 partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def files_in(root) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


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


@pytest.fixture(params=["disk_full", "s3_errors"])
def broken_store(request, settings):
    """Switch the default storage to a failing one; returns a function that repairs it."""
    working = settings.STORAGES["default"]
    if request.param == "disk_full":
        broken = {
            "BACKEND": f"{__name__}.FullDiskStorage",
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": None},
        }
    else:
        # moto's S3 answers NoSuchBucket to every write: the bucket is gone or misnamed.
        endpoint = request.getfixturevalue("s3_endpoint")
        broken = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "espace-famille-absent",
                "endpoint_url": endpoint,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        }
    settings.STORAGES = {**settings.STORAGES, "default": broken}

    def repair():
        settings.STORAGES = {**settings.STORAGES, "default": working}

    return repair


@pytest.fixture
def vaccination(db):
    from documents.models import DocumentType

    return make_type("Carnet de vaccination", scope=DocumentType.Scope.CHILD, validity_months=12)


def _upload(parent_client, document_type, member):
    url = reverse("documents:upload", args=[document_type.pk]) + f"?member={member.pk}"
    pdf = SimpleUploadedFile("carnet.pdf", pdf_bytes("carnet"), "application/pdf")
    return parent_client.post(url, {"files": pdf})


def test_document_upload_when_the_store_fails(
    broken_store, settings, parent_client, vaccination, lea
):
    response = _upload(parent_client, vaccination, lea)

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Submission.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []  # the partial file is gone too

    broken_store()
    assert _upload(parent_client, vaccination, lea).status_code == 302
    submission = Submission.objects.get()
    assert files_in(settings.MEDIA_ROOT) == [submission.file.name]


def _write(parent_client, body="Léa sera absente lundi, merci."):
    data = {
        "subject": "Absence",
        "body": body,
        "attachment": SimpleUploadedFile("mot.pdf", pdf_bytes("mot"), "application/pdf"),
    }
    return parent_client.post(reverse("contact:index"), data)


def test_contact_attachment_when_the_store_fails(broken_store, settings, parent_client, family):
    response = _write(parent_client)

    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page
    assert "Léa sera absente lundi, merci." in page  # the typed message is kept
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.MESSAGE_SENT).exists()
    assert files_in(settings.MEDIA_ROOT) == []

    broken_store()
    assert _write(parent_client).status_code == 302
    message = Message.objects.get()
    assert files_in(settings.MEDIA_ROOT) == [message.attachment.name]


def test_invoice_pdf_when_the_store_fails(broken_store, settings, parent_client, family):
    invoice = issue(family, "12.00")
    url = reverse("factures:pdf", args=[invoice.pk])

    response = parent_client.get(url)

    assert response.status_code == 503
    page = response.content.decode()
    assert "Le stockage des fichiers ne répond pas." in page and "Traceback" not in page
    invoice.refresh_from_db()
    assert not invoice.pdf and not invoice.pdf_sha256
    assert files_in(settings.MEDIA_ROOT) == []

    broken_store()
    retry = parent_client.get(url)
    assert retry.status_code == 200
    assert b"".join(retry.streaming_content).startswith(b"%PDF")
    invoice = Invoice.objects.get()
    assert files_in(settings.MEDIA_ROOT) == [invoice.pdf.name]


@pytest.mark.django_db(transaction=True)
def test_database_lost_after_the_document_was_stored(settings, parent_client, vaccination, lea):
    with connection_lost_at(AuditEvent.Kind.DOCUMENT_UPLOADED):
        response = _upload(parent_client, vaccination, lea)

    assert_clean_503(response)
    assert not Submission.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []  # stored, then deleted with the rolled-back row

    assert _upload(parent_client, vaccination, lea).status_code == 302
    assert files_in(settings.MEDIA_ROOT) == [Submission.objects.get().file.name]


@pytest.mark.django_db(transaction=True)
def test_database_lost_after_the_attachment_was_stored(settings, parent_client, family):
    with connection_lost_at(AuditEvent.Kind.MESSAGE_SENT):
        response = _write(parent_client)

    assert_clean_503(response)
    assert not Message.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []
