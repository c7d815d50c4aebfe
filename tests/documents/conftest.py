"""Fixtures of the documents tests: requested types, submissions and real files."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents.models import DocumentType, Submission
from tests.files import jpeg_bytes, pdf_bytes, png_bytes  # noqa: F401  (used by the tests)


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
