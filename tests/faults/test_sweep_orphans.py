"""`manage.py sweep_orphans` finds the files no row points at that earlier versions left."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from contact.services import thread_create
from documents.models import DocumentType
from documents.services import submission_create
from espace_famille.files import file_fields
from factures.services import invoice_pdf_store
from tests.factories import PDF_BYTES, issue, make_type, upload
from tests.faults.test_storage import files_in, pdf_bytes
from tests.s3 import bucket_keys, bucket_remove, s3_client, s3_settings

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 3600


def sweep(*args: str) -> str:
    out = io.StringIO()
    call_command("sweep_orphans", *args, stdout=OutputWrapper(out))
    return out.getvalue()


def _age(root: Path, name: str, seconds: int) -> None:
    past = time.time() - seconds
    os.utime(root / name, (past, past))


@pytest.fixture
def stored(family, parent, lea):
    """Files rows point at: a document, an attachment, an invoice PDF (made two hours ago)."""
    vaccination = make_type("Carnet de vaccination", scope=DocumentType.Scope.CHILD)
    submission = submission_create(
        family=family,
        member=lea,
        document_type=vaccination,
        files=[upload("carnet.pdf", pdf_bytes("carnet"))],
        user=parent,
    )
    thread = thread_create(
        family=family,
        user=parent,
        subject="Absence",
        body="Bonjour",
        attachment=upload("mot.pdf", PDF_BYTES),
    )
    invoice = invoice_pdf_store(invoice_id=issue(family, "10.00").pk)
    names = [submission.file.name, thread.messages.get().attachment.name, invoice.pdf.name]
    return names


def test_every_file_field_of_the_registry_is_known():
    fields = {f"{field.model._meta.label}.{field.name}" for field in file_fields()}
    assert {
        "documents.Submission.file",
        "documents.StructureDocument.file",
        "contact.Message.attachment",
        "factures.Invoice.pdf",
        "espace_famille.Structure.logo",
    } <= fields


def test_old_orphans_are_listed_then_deleted_young_ones_and_referenced_ones_kept(settings, stored):
    root = Path(settings.MEDIA_ROOT)
    old = default_storage.save("documents/submissions/ancien.pdf", io.BytesIO(PDF_BYTES))
    young = default_storage.save("contact/en-cours.pdf", io.BytesIO(PDF_BYTES))
    for name in [*stored, old]:
        _age(root, name, TWO_HOURS)

    listed = sweep()
    assert f"orphan: {old}" in listed
    assert young not in listed and not any(name in listed for name in stored)
    assert "1 orphan file(s); run with --delete" in listed
    assert sorted(files_in(root)) == sorted([*stored, old, young])  # a dry run deletes nothing

    deleted = sweep("--delete")
    assert f"deleted: {old}" in deleted
    assert sorted(files_in(root)) == sorted([*stored, young])

    sweep("--delete", "--min-age-hours", "0")
    assert sorted(files_in(root)) == sorted(stored)


def test_negative_age_is_refused():
    with pytest.raises(CommandError):
        sweep("--min-age-hours", "-1")


def test_orphans_in_an_s3_bucket(settings, s3_endpoint, family):
    bucket = "espace-famille-balayage"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": s3_settings(s3_endpoint, bucket)}
    invoice = invoice_pdf_store(invoice_id=issue(family, "10.00").pk)
    client.put_object(Bucket=bucket, Key="factures/2026/perdu.pdf", Body=b"x")

    assert "orphan: factures/2026/perdu.pdf" in sweep("--min-age-hours", "0")
    sweep("--delete", "--min-age-hours", "0")

    assert bucket_keys(client, bucket) == [invoice.pdf.name]
    bucket_remove(client, bucket)
