"""Shared custody: a child's documents (vaccinations, PAI) are both households'; a household's
own documents (insurance, proof of address) and its other members' stay its own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import DocumentType, Submission
from documents.selectors import documents_to_provide_count, family_documents, missing_documents
from tests.factories import make_submission, make_type
from tests.files import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def household_type(db):
    return make_type("Justificatif de domicile", scope=DocumentType.Scope.FAMILY)


def _upload(client, document_type, member):
    suffix = "" if member is None else f"?member={member.pk}"
    response = client.post(
        reverse("documents:upload", args=[document_type.pk]) + suffix,
        {"files": SimpleUploadedFile("vaccins.pdf", pdf_bytes("x"), "application/pdf")},
    )
    assert response.status_code == 302
    return Submission.objects.latest("pk")


def test_a_childs_document_sent_by_one_household_serves_both(
    parent, other_parent, family, other_family, lea, vaccination, shared
):
    ours, theirs = Client(), Client()
    ours.force_login(parent)
    theirs.force_login(other_parent)
    sent = _upload(ours, vaccination, lea)
    assert sent.family == family
    Submission.objects.filter(pk=sent.pk).update(status=Submission.Status.ACCEPTED)
    assert missing_documents(member=lea, activity_types=None) == []
    shown = {
        document.latest.pk
        for owner in family_documents(other_family)
        if owner.member == lea
        for document in owner.documents
        if document.latest is not None
    }
    assert shown == {sent.pk}
    assert theirs.get(reverse("documents:file", args=[sent.pk])).status_code == 200
    back = _upload(theirs, vaccination, lea)
    assert back.family == other_family
    assert ours.get(reverse("documents:file", args=[back.pk])).status_code == 200


def test_a_childs_document_sent_by_the_second_household_counts_for_the_first(
    family, other_family, lea, vaccination, shared
):
    sent = make_submission(other_family, vaccination, lea, status=Submission.Status.ACCEPTED)
    counted_before = documents_to_provide_count(family)
    sent.delete()
    assert documents_to_provide_count(family) == counted_before + 1


def test_household_documents_are_not_shared(
    parent, other_parent, family, other_family, lea, household_type, shared
):
    mine, other_client = Client(), Client()
    mine.force_login(parent)
    other_client.force_login(other_parent)
    ours = _upload(mine, household_type, None)
    assert mine.get(reverse("documents:file", args=[ours.pk])).status_code == 200
    assert other_client.get(reverse("documents:file", args=[ours.pk])).status_code == 404
    page = other_client.get(reverse("documents:index"))
    assert page.status_code == 200
    texts = [
        document.latest
        for owner in family_documents(other_family)
        for document in owner.documents
        if document.latest is not None
    ]
    assert ours not in texts


def test_the_other_members_documents_are_not_shared(
    parent, other_parent, family, hugo, vaccination, shared
):
    mine, other_client = Client(), Client()
    mine.force_login(parent)
    other_client.force_login(other_parent)
    hugos = _upload(mine, vaccination, hugo)
    assert mine.get(reverse("documents:file", args=[hugos.pk])).status_code == 200
    assert other_client.get(reverse("documents:file", args=[hugos.pk])).status_code == 404


def test_the_second_household_cannot_upload_for_the_first_ones_other_child(
    other_client, hugo, vaccination, shared
):
    response = other_client.post(
        reverse("documents:upload", args=[vaccination.pk]) + f"?member={hugo.pk}",
        {"files": SimpleUploadedFile("vaccins.pdf", pdf_bytes("x"), "application/pdf")},
    )
    assert response.status_code == 404
    assert not Submission.objects.exists()
