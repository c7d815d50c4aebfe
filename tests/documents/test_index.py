"""The "Mes documents" page and the dashboard badge."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentType, Submission
from tests.factories import make_family, make_parent, make_submission, make_type

URL = "/documents/"


def test_anonymous_goes_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_without_family_is_refused(staff_client):
    assert staff_client.get(URL).status_code == 403


def test_wrong_method(parent_client):
    assert parent_client.post(URL).status_code == 405


def test_lists_household_and_members_with_every_state(
    parent_client, family, lea, hugo, vaccination, insurance
):
    today = timezone.localdate()
    make_type("Photo d'identité", mandatory=False)
    make_submission(family, insurance, None, status=Submission.Status.ACCEPTED, valid_until=today)
    make_submission(
        family,
        vaccination,
        lea,
        status=Submission.Status.REFUSED,
        refusal_reason="Les pages des vaccins manquent.",
    )
    make_submission(
        family,
        vaccination,
        hugo,
        status=Submission.Status.ACCEPTED,
        valid_until=today - datetime.timedelta(days=1),
    )

    response = parent_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Le foyer",
        "Léa TEST",
        "Hugo TEST",
        "Parent TEST",
        "Accepté",
        f"jusqu'au {today.day}",
        "Refusé",
        "Les pages des vaccins manquent.",
        "Expiré, à renouveler",
        "À fournir",
        "facultatif",
        "Il existe des applications de scan sur smartphone",
        "2 documents à fournir.",
    ):
        assert text in html, text
    upload = reverse("documents:upload", args=[vaccination.pk]) + f"?member={lea.pk}"
    assert upload in html
    assert reverse("documents:upload", args=[insurance.pk]) + '"' in html


def test_pending_is_shown_with_its_date(parent_client, family, lea, vaccination):
    make_submission(family, vaccination, lea, status=Submission.Status.PENDING)
    html = parent_client.get(URL).content.decode()
    assert "En attente de validation" in html
    assert "1 document à fournir." in html  # Hugo's
    make_submission(family, vaccination, family.members.get(first_name="Hugo"))
    html = parent_client.get(URL).content.decode()
    assert "Tous les documents obligatoires ont été transmis." in html


def test_other_family_documents_are_not_listed(parent_client, other_family, vaccination):
    zoe = other_family.members.get(first_name="Zoé")
    make_submission(other_family, vaccination, zoe, original_name="zoe-secret.pdf")
    html = parent_client.get(URL).content.decode()
    assert "Zoé" not in html and "zoe-secret" not in html


def _setup_many(count: int, types: list[DocumentType]) -> None:
    for index in range(count):
        other = make_family(f"F{index}", f"f{index}@example.org", ("A", "B", "C"))
        for member in other.members.all():
            for document_type in types:
                if document_type.scope != DocumentType.Scope.FAMILY:
                    make_submission(other, document_type, member)
        make_parent(other, f"p{index}@example.org")


def test_query_count_is_bounded_and_flat(
    parent_client, family, lea, vaccination, insurance, django_assert_max_num_queries
):
    make_submission(family, vaccination, lea)
    with django_assert_max_num_queries(12) as first:
        parent_client.get(URL)
    _setup_many(15, [vaccination, insurance, make_type("Autre")])
    make_submission(family, insurance, None)
    with django_assert_max_num_queries(12) as many:
        parent_client.get(URL)
    assert len(first.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize("households", [1, 10])
def test_dashboard_badge_and_query_budget(
    parent_client, family, vaccination, insurance, households
):
    _setup_many(households - 1, [vaccination])
    with CaptureQueriesContext(connection) as captured:
        response = parent_client.get("/")
    html = response.content.decode()
    # Léa and Hugo's vaccination records and the household's insurance.
    assert '<span class="tile__badge">3 documents à fournir</span>' in html
    assert len(captured.captured_queries) <= 12


def test_the_page_is_translated_to_english(parent_client, family, lea, vaccination):
    make_submission(family, vaccination, lea, status=Submission.Status.PENDING)
    parent_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = parent_client.get(URL).content.decode()
    assert "My documents" in html and "To provide" in html and "Tip" in html
    assert "1 document to provide." in html
