"""Mes inscriptions pages: access, filters, requests, refusal for missing documents."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocumentType
from inscriptions.models import Activity, Enrolment
from tests.factories import make_family

DAY = datetime.timedelta(days=1)


def member_url(member):
    return reverse("inscriptions:member", args=[member.pk])


def request_url(member):
    return reverse("inscriptions:request", args=[member.pk])


def test_anonymous_goes_to_login(client, lea):
    for url in (reverse("inscriptions:index"), member_url(lea)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    response = client.post(request_url(lea))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_other_family_member_is_404(client, other_parent, lea, open_activity):
    client.force_login(other_parent)
    assert client.get(member_url(lea)).status_code == 404
    assert client.post(request_url(lea), {"activity": open_activity.pk}).status_code == 404
    assert not Enrolment.objects.exists()


def test_wrong_method_is_405(parent_client, lea):
    assert parent_client.post(reverse("inscriptions:index")).status_code == 405
    assert parent_client.post(member_url(lea)).status_code == 405
    assert parent_client.get(request_url(lea)).status_code == 405


def test_index_lists_members(parent_client, lea, open_activity, today):
    Enrolment.objects.create(
        member=lea, activity=open_activity, status="accepted", start_date=today, end_date=today
    )
    response = parent_client.get(reverse("inscriptions:index"))
    assert response.status_code == 200
    assert "Léa TEST" in response.text and "Hugo TEST" in response.text
    assert "1 inscription en cours" in response.text


def _enrolments(lea, today):
    def enrol(name, start, end, status="accepted"):
        activity = Activity.objects.create(
            name=name, service="autre", start_date=start, end_date=end, portal_enrolment=False
        )
        return Enrolment.objects.create(
            member=lea, activity=activity, status=status, start_date=start, end_date=end
        )

    return {
        "current": enrol("Cantine", today - 10 * DAY, today + 10 * DAY),
        "coming": enrol("Mercredis", today + 30 * DAY, today + 90 * DAY, "requested"),
        "past": enrol("Stage d'été", today - 90 * DAY, today - 60 * DAY),
    }


@pytest.mark.parametrize("period", ["current", "coming", "past"])
def test_filters(parent_client, lea, today, period):
    enrolments = _enrolments(lea, today)
    response = parent_client.get(member_url(lea), {"periode": period})
    assert list(response.context["enrolments"]) == [enrolments[period]]
    by_activity = parent_client.get(member_url(lea), {"activite": enrolments["past"].activity_id})
    assert list(by_activity.context["enrolments"]) == [enrolments["past"]]


def test_accepted_enrolment_links_to_the_planning(parent_client, lea, today):
    _enrolments(lea, today)
    response = parent_client.get(member_url(lea))
    planning = reverse("reservations:planning", args=[lea.pk])
    assert response.text.count(f'href="{planning}') == 1  # current accepted only
    assert "Demandée" in response.text and "Acceptée" in response.text


def test_request_an_enrolment(parent_client, lea, open_activity):
    page = parent_client.get(member_url(lea))
    assert list(page.context["eligible"]) == [open_activity]
    response = parent_client.post(request_url(lea), {"activity": open_activity.pk})
    assert response.status_code == 302
    assert Enrolment.objects.get(member=lea).status == "requested"
    (message,) = get_messages(response.wsgi_request)
    assert str(message) == (
        "Demande d'inscription de Léa à « Accueil de loisirs du mercredi » envoyée à la structure."
    )


def test_missing_documents_listed_with_upload_link(parent_client, lea, open_activity):
    sheet = DocumentType.objects.create(name="Fiche sanitaire", scope="child")
    response = parent_client.post(request_url(lea), {"activity": open_activity.pk})
    assert response.status_code == 200
    assert "Demande refusée." in response.text
    upload = reverse("documents:upload", args=[sheet.pk]) + f"?member={lea.pk}"
    assert f'<a href="{upload}">Fiche sanitaire</a>' in response.text
    assert f'href="{reverse("documents:index")}"' in response.text
    assert not Enrolment.objects.exists()


def test_forged_request_for_an_activity_not_offered(parent_client, lea, open_activity, today):
    too_young = Activity.objects.create(
        name="Ados", service="autre", start_date=today, end_date=today + 99 * DAY, min_age=14
    )
    response = parent_client.post(request_url(lea), {"activity": too_young.pk})
    assert "Cette activité est réservée aux 14 ans et plus." in response.text
    staff_only = Activity.objects.create(
        name="Crèche",
        service="creche",
        start_date=today,
        end_date=today + 9 * DAY,
        portal_enrolment=False,
    )
    response = parent_client.post(request_url(lea), {"activity": staff_only.pk})
    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def _count(client, url, limit):
    with limit(12), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_counts_are_bounded_and_flat(
    parent_client, lea, open_activity, today, django_assert_max_num_queries
):
    urls = [reverse("inscriptions:index"), member_url(lea)]
    few = [_count(parent_client, url, django_assert_max_num_queries) for url in urls]
    _enrolments(lea, today)
    for i in range(10):
        other = make_family(f"FOYER{i}", f"foyer{i}@example.org", ("Enfant",))
        Enrolment.objects.create(
            member=other.members.get(first_name="Enfant"),
            activity=open_activity,
            start_date=today,
            end_date=today,
        )
        Activity.objects.create(
            name=f"Activité {i}", service="autre", start_date=today, end_date=today + 50 * DAY
        )
    many = [_count(parent_client, url, django_assert_max_num_queries) for url in urls]
    assert many == few
