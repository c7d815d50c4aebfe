"""Fixtures of the documents tests: requested types, submissions and real files."""

from __future__ import annotations

import pytest

from documents.models import DocumentType
from tests.factories import make_type


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
