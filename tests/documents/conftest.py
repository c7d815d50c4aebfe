"""Fixtures of the documents tests: requested types, submissions and real files."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from documents.models import DocumentType, Submission


def make_type(name: str = "Carnet de vaccination", **fields: object) -> DocumentType:
    fields.setdefault("scope", DocumentType.Scope.CHILD)
    fields.setdefault("mandatory", True)
    return DocumentType.objects.create(name=name, **fields)


def make_submission(
    family,
    document_type: DocumentType,
    member=None,
    status: str = Submission.Status.PENDING,
    valid_until: datetime.date | None = None,
    uploaded_at: datetime.datetime | None = None,
    **fields: object,
) -> Submission:
    return Submission.objects.create(
        family=family,
        member=member,
        document_type=document_type,
        status=status,
        valid_until=valid_until,
        file=fields.pop("file", "documents/submissions/absent.pdf"),
        content_type="application/pdf",
        uploaded_at=uploaded_at or timezone.now(),
        **fields,
    )


def pdf_bytes(text: str = "Bonjour") -> bytes:
    """A real one-page PDF made by Pillow."""
    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    image.save(buffer, "PDF", title=text)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (40, 30), exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "JPEG", exif=exif or Image.Exif())
    return buffer.getvalue()


@pytest.fixture
def family_parent_member(family):
    return family.members.get(role="parent")


@pytest.fixture
def vaccination(db):
    return make_type("Carnet de vaccination", scope=DocumentType.Scope.CHILD, validity_months=12)


@pytest.fixture
def insurance(db):
    return make_type(
        "Attestation d'assurance",
        scope=DocumentType.Scope.FAMILY,
        valid_until_day=31,
        valid_until_month=8,
    )
