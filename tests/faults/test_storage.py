"""The file store fails during a document upload, a contact attachment and an invoice PDF.

Local disk full (the write fails half-way, leaving a partial file) and S3 through moto's server
answering errors: the parent gets a clear French message, no row points at a missing file, no
file is left behind, and the same action succeeds once the store is back. A database failure
after the file was stored deletes the file with the rolled-back row.
"""

from __future__ import annotations

import errno
import http.client
import io
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from contact.audit_kinds import ContactEvent
from contact.models import Message, Thread
from documents.audit_kinds import DocumentEvent
from documents.models import Submission
from espace_famille.models import AuditEvent
from factures.models import Invoice
from tests.factories import issue, make_type
from tests.faults.test_database import assert_clean_503, connection_lost_at
from tests.s3 import bucket_keys, bucket_remove, s3_client, s3_settings

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


def pdf_bytes(text: str) -> bytes:
    """A real one-page PDF, made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PDF", title=text)
    return buffer.getvalue()


def files_in(root) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


class _WritesFail(BaseHTTPRequestHandler):
    """In front of moto's S3: reads pass through, every write answers 503 SlowDown."""

    upstream: tuple[str, int]

    def log_message(self, *args):  # quiet
        pass

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else None

    def _forward(self) -> None:
        connection = http.client.HTTPConnection(*self.upstream, timeout=10)
        connection.request(self.command, self.path, body=self._body(), headers=dict(self.headers))
        answer = connection.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        connection.close()

    def _refuse(self) -> None:
        self._body()
        error = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(error)))
        self.end_headers()
        self.wfile.write(error)

    do_GET = do_HEAD = do_DELETE = _forward
    do_PUT = do_POST = _refuse


@pytest.fixture(scope="module")
def s3_refusing_writes(s3_endpoint):
    """An S3 endpoint whose bucket exists but whose writes all answer 503."""
    host, port = s3_endpoint.removeprefix("http://").split(":")
    handler = type("Handler", (_WritesFail,), {"upstream": (host, int(port))})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _s3(endpoint: str, bucket: str) -> dict:
    from botocore.config import Config

    # Fewer retries than in production, to keep the test short.
    return s3_settings(
        endpoint, bucket, client_config=Config(retries={"max_attempts": 2, "mode": "standard"})
    )


class BrokenStore:
    def __init__(self, settings, broken: dict, files) -> None:
        self.settings = settings
        self.working = settings.STORAGES["default"]
        self.files = files  # what the broken store holds
        settings.STORAGES = {**settings.STORAGES, "default": broken}

    def repair(self) -> None:
        self.settings.STORAGES = {**self.settings.STORAGES, "default": self.working}


@pytest.fixture(params=["disk_full", "s3_missing_bucket", "s3_503"])
def broken_store(request, settings):
    """The default storage fails: a full disk, a missing bucket (moto answers NoSuchBucket to
    every write), or a bucket whose writes answer 503 SlowDown."""
    if request.param == "disk_full":
        broken = {
            "BACKEND": f"{__name__}.FullDiskStorage",
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": None},
        }
        yield BrokenStore(settings, broken, lambda: files_in(settings.MEDIA_ROOT))
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    if request.param == "s3_missing_bucket":
        yield BrokenStore(settings, _s3(endpoint, "espace-famille-absent"), list)
        return
    client = s3_client(endpoint)
    bucket = "espace-famille-lent"
    client.create_bucket(Bucket=bucket)
    yield BrokenStore(
        settings,
        _s3(request.getfixturevalue("s3_refusing_writes"), bucket),
        lambda: bucket_keys(client, bucket),
    )
    bucket_remove(client, bucket)


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
    assert broken_store.files() == []  # the partial file is gone too

    broken_store.repair()
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
    assert not AuditEvent.objects.filter(kind=ContactEvent.MESSAGE_SENT).exists()
    assert broken_store.files() == []

    broken_store.repair()
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
    assert broken_store.files() == []

    broken_store.repair()
    retry = parent_client.get(url)
    assert retry.status_code == 200
    assert b"".join(retry.streaming_content).startswith(b"%PDF")
    invoice = Invoice.objects.get()
    assert files_in(settings.MEDIA_ROOT) == [invoice.pdf.name]


@pytest.mark.django_db(transaction=True)
def test_database_lost_after_the_document_was_stored(settings, parent_client, vaccination, lea):
    with connection_lost_at(DocumentEvent.DOCUMENT_UPLOADED):
        response = _upload(parent_client, vaccination, lea)

    assert_clean_503(response)
    assert not Submission.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []  # stored, then deleted with the rolled-back row

    assert _upload(parent_client, vaccination, lea).status_code == 302
    assert files_in(settings.MEDIA_ROOT) == [Submission.objects.get().file.name]


@pytest.mark.django_db(transaction=True)
def test_database_lost_after_the_attachment_was_stored(settings, parent_client, family):
    with connection_lost_at(ContactEvent.MESSAGE_SENT):
        response = _write(parent_client)

    assert_clean_503(response)
    assert not Message.objects.exists()
    assert files_in(settings.MEDIA_ROOT) == []
