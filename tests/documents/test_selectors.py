"""missing_documents, documents_to_provide_count and the page's states."""

from __future__ import annotations

import datetime

import pytest

from documents.models import DocumentType, Submission
from documents.registry import requirement_sources
from documents.selectors import (
    State,
    documents_to_provide_count,
    family_documents,
    missing_documents,
    required_types_for,
)
from tests.factories import make_family, make_submission, make_type

TODAY = datetime.date(2026, 11, 26)
ACCEPTED = Submission.Status.ACCEPTED


@pytest.fixture
def no_sources():
    """Only the sources a test registers (inscriptions registers its own in ready())."""
    with requirement_sources.overridden():
        yield


@pytest.fixture
def activity_source(no_sources):
    """A requirement source standing in for inscriptions: member id -> type ids."""
    required: dict[int, set[int]] = {}

    def source(member_ids: list[int]) -> dict[int, set[int]]:
        return {pk: ids for pk, ids in required.items() if pk in member_ids}

    with requirement_sources.added(source):
        yield required


def names(types) -> set[str]:
    return {document_type.name for document_type in types}


def test_a_child_misses_mandatory_family_and_child_types(family, lea, vaccination, insurance):
    make_type("Autorisation de sortie", mandatory=False)
    make_type("Pièce d'identité", scope=DocumentType.Scope.MEMBER)
    make_type("Ancien formulaire", is_active=False)
    make_type("Certificat de natation", scope=DocumentType.Scope.ACTIVITY)

    missing = missing_documents(member=lea, today=TODAY)

    assert names(missing) == {
        "Carnet de vaccination",
        "Attestation d'assurance",
        "Pièce d'identité",
    }


def test_a_parent_is_not_asked_child_documents(family, family_parent_member, vaccination):
    assert missing_documents(member=family_parent_member, today=TODAY) == []


def test_pending_and_valid_accepted_count_as_provided(family, lea, vaccination, insurance):
    make_submission(family, vaccination, lea, status=Submission.Status.PENDING)
    make_submission(family, insurance, None, status=ACCEPTED, valid_until=TODAY)

    assert missing_documents(member=lea, today=TODAY) == []


def test_expired_refused_and_other_people_documents_do_not_count(
    family, other_family, lea, hugo, vaccination, insurance
):
    make_submission(
        family, vaccination, lea, status=ACCEPTED, valid_until=TODAY - datetime.timedelta(days=1)
    )
    make_submission(family, vaccination, lea, status=Submission.Status.REFUSED)
    make_submission(family, vaccination, hugo, status=Submission.Status.PENDING)
    make_submission(other_family, insurance, None, status=Submission.Status.PENDING)
    # A household type sent by a member does not count as the household's.
    make_submission(family, insurance, lea, status=Submission.Status.PENDING)

    assert names(missing_documents(member=lea, today=TODAY)) == {
        "Carnet de vaccination",
        "Attestation d'assurance",
    }
    assert names(missing_documents(member=hugo, today=TODAY)) == {"Attestation d'assurance"}


def test_accepted_without_end_date_never_expires(family, lea):
    identity = make_type("Livret de famille", scope=DocumentType.Scope.CHILD)
    make_submission(family, identity, lea, status=ACCEPTED, valid_until=None)

    assert missing_documents(member=lea, today=datetime.date(2040, 1, 1)) == []


def test_expiry_is_by_date_without_any_job(family, lea, vaccination):
    make_submission(family, vaccination, lea, status=ACCEPTED, valid_until=TODAY)

    assert missing_documents(member=lea, today=TODAY) == []
    assert names(missing_documents(member=lea, today=TODAY + datetime.timedelta(days=1))) == {
        "Carnet de vaccination"
    }


def test_the_activity_types_are_added_even_optional_ones(family, lea):
    swimming = make_type("Certificat de natation", scope=DocumentType.Scope.ACTIVITY)
    make_type("Photo", mandatory=False)
    make_type("Inactif", scope=DocumentType.Scope.ACTIVITY, is_active=False)
    wanted = DocumentType.objects.filter(name__in=["Certificat de natation", "Photo", "Inactif"])

    assert names(missing_documents(member=lea, activity_types=wanted, today=TODAY)) == {
        "Certificat de natation",
        "Photo",
    }
    make_submission(family, swimming, lea, status=Submission.Status.PENDING)
    assert names(missing_documents(member=lea, activity_types=wanted, today=TODAY)) == {"Photo"}


def test_required_types_for_a_parent_leave_out_the_types_asked_of_children(
    family_parent_member, lea
):
    household = make_type("Justificatif de domicile", scope=DocumentType.Scope.FAMILY)
    every_child = make_type("Carnet de santé", scope=DocumentType.Scope.CHILD)

    assert set(required_types_for(family_parent_member)) == {household}
    assert set(required_types_for(lea)) == {household, every_child}


def test_missing_documents_is_one_query_whatever_the_data(
    family, lea, vaccination, insurance, django_assert_num_queries
):
    with django_assert_num_queries(1):
        missing_documents(member=lea, activity_types=DocumentType.objects.all())
    for index in range(10):
        make_type(f"Type {index}")
        make_submission(family, vaccination, lea, status=Submission.Status.REFUSED)
    with django_assert_num_queries(1):
        assert len(missing_documents(member=lea, activity_types=DocumentType.objects.all())) == 12


def test_badge_counts_what_the_page_asks_for(family, lea, hugo, vaccination, insurance):
    make_type("Pièce d'identité", scope=DocumentType.Scope.MEMBER)
    make_type("Facultatif", mandatory=False)
    make_submission(family, vaccination, lea, status=ACCEPTED, valid_until=TODAY)
    make_submission(family, insurance, None, status=Submission.Status.REFUSED)

    # Household: insurance refused (1); parent: identity (1); Léa: identity (1);
    # Hugo: identity and vaccination (2).
    assert documents_to_provide_count(family, today=TODAY) == 5
    page = family_documents(family, today=TODAY)
    assert sum(owner.to_provide for owner in page) == 5
    assert documents_to_provide_count(family, today=TODAY + datetime.timedelta(days=1)) == 6


def test_badge_of_a_family_without_members(structure, insurance):
    from famille.models import Family

    empty = Family.objects.create(name="VIDE")
    assert documents_to_provide_count(empty, today=TODAY) == 1


def test_badge_is_one_query_and_flat(
    family, vaccination, insurance, no_sources, django_assert_num_queries
):
    with django_assert_num_queries(1):
        first = documents_to_provide_count(family, today=TODAY)
    for index in range(20):
        other = make_family(f"F{index}", f"f{index}@example.org", ("A", "B"))
        make_submission(other, insurance, None, status=ACCEPTED)
    with django_assert_num_queries(1):
        assert documents_to_provide_count(family, today=TODAY) == first == 3


def test_activity_requirements_from_the_registry(
    family, lea, hugo, vaccination, insurance, activity_source, django_assert_max_num_queries
):
    swimming = make_type("Certificat de natation", scope=DocumentType.Scope.ACTIVITY)
    activity_source[lea.pk] = {swimming.pk, vaccination.pk}  # vaccination already counted
    before = documents_to_provide_count(family, today=TODAY)

    with django_assert_max_num_queries(3):
        assert documents_to_provide_count(family, today=TODAY) == before == 4
    page = {owner.label: owner for owner in family_documents(family, today=TODAY)}
    assert [d.document_type.name for d in page["Léa TEST"].documents] == [
        "Carnet de vaccination",
        "Certificat de natation",
    ]
    assert [d.document_type.name for d in page["Hugo TEST"].documents] == ["Carnet de vaccination"]

    make_submission(family, swimming, lea, status=Submission.Status.PENDING)
    assert documents_to_provide_count(family, today=TODAY) == 3


def test_states_on_the_page(family, lea, hugo, vaccination, insurance):
    make_submission(
        family,
        vaccination,
        lea,
        status=ACCEPTED,
        valid_until=TODAY + datetime.timedelta(days=100),
        uploaded_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    make_submission(
        family, vaccination, lea, status=Submission.Status.REFUSED, refusal_reason="Flou"
    )
    make_submission(
        family, vaccination, hugo, status=ACCEPTED, valid_until=TODAY - datetime.timedelta(days=1)
    )
    make_submission(
        family, insurance, None, status=Submission.Status.REFUSED, refusal_reason="Illisible"
    )

    page = {owner.label: owner for owner in family_documents(family, today=TODAY)}
    lea_doc = page["Léa TEST"].documents[0]
    assert lea_doc.state == State.ACCEPTED and lea_doc.refused_after_accepted
    assert page["Hugo TEST"].documents[0].state == State.EXPIRED
    household = page["Le foyer"].documents[0]
    assert household.state == State.REFUSED and household.latest.refusal_reason == "Illisible"
    assert page["Parent TEST"].documents == []


def test_valid_until_from_months_and_fixed_end_date(vaccination, insurance):
    assert vaccination.valid_until_from(datetime.date(2026, 3, 15)) == datetime.date(2027, 3, 14)
    assert vaccination.valid_until_from(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 27)
    assert insurance.valid_until_from(datetime.date(2026, 9, 1)) == datetime.date(2027, 8, 31)
    assert insurance.valid_until_from(datetime.date(2026, 8, 31)) == datetime.date(2026, 8, 31)
    assert make_type("Sans fin").valid_until_from(datetime.date(2026, 1, 1)) is None


def test_badge_with_the_installed_sources_stays_flat(
    family, lea, vaccination, insurance, django_assert_max_num_queries
):
    """Whatever sources the installed apps registered, the badge stays within budget."""
    with django_assert_max_num_queries(4) as first:
        documents_to_provide_count(family, today=TODAY)
    for index in range(10):
        other = make_family(f"F{index}", f"f{index}@example.org", ("A", "B"))
        make_submission(other, vaccination, other.members.get(first_name="A"))
    with django_assert_max_num_queries(4) as many:
        documents_to_provide_count(family, today=TODAY)
    assert len(first.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize(
    ("fields", "valid"),
    [
        ({"validity_months": 12}, True),
        ({"valid_until_day": 31, "valid_until_month": 8}, True),
        ({"valid_until_day": 31}, False),
        ({"valid_until_day": 31, "valid_until_month": 2}, False),
        ({"validity_months": 12, "valid_until_day": 31, "valid_until_month": 8}, False),
    ],
)
def test_document_type_validity_is_checked(db, fields, valid):
    from django.core.exceptions import ValidationError

    document_type = DocumentType(name="Pièce", **fields)
    if valid:
        document_type.full_clean()
    else:
        with pytest.raises(ValidationError):
            document_type.full_clean()
