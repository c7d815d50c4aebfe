"""The planning of a campaign's days: the "demande" state, asking and withdrawing from the
grid, the campaign's dates shown, query count, and nothing of another household shown."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reservations.campaigns.models import Campaign, CampaignRequest
from reservations.models import Booking
from tests.factories import enrol, make_family
from tests.reservations.test_views import live, monday_in, planning_url, week_openings  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def holidays(live, lea):  # noqa: F811
    enrol(lea, live.activity)
    return week_openings(live, monday_in(3), capacity=3)


@pytest.fixture
def campaign(live, holidays):  # noqa: F811
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="Vacances de printemps",
        start_date=holidays[0].date,
        end_date=holidays[-1].date,
        requests_open_at=now - datetime.timedelta(days=1),
        requests_close_at=now + datetime.timedelta(days=5),
        results_at=now + datetime.timedelta(days=7),
    )
    campaign.activities.add(live.activity)
    return campaign


def page(client, member, holidays) -> str:
    return client.get(planning_url(member, date=holidays[0].date.isoformat())).content.decode()


def test_the_planning_shows_the_demande_state_and_the_campaigns_dates(
    parent_client, lea, campaign, holidays
):
    html = page(parent_client, lea, holidays)
    assert "Campagne d'inscription « Vacances de printemps »" in html
    assert "Sur demande (campagne)" in html
    assert html.count('name="ask"') == 5
    assert 'name="book"' not in html


def test_asking_from_the_planning_shows_the_days_as_asked(parent_client, lea, campaign, holidays):
    url = planning_url(lea, date=holidays[0].date.isoformat())
    parent_client.post(url, {"ask": [holidays[0].pk, holidays[1].pk]})
    assert CampaignRequest.objects.filter(member=lea).count() == 2
    html = page(parent_client, lea, holidays)
    assert html.count('<td class="cell cell--requested') == 2
    assert html.count('name="unask"') == 2


def test_withdrawing_from_the_planning(parent_client, lea, campaign, holidays):
    CampaignRequest.objects.create(campaign=campaign, member=lea, opening=holidays[0])
    url = planning_url(lea, date=holidays[0].date.isoformat())
    parent_client.post(url, {"unask": [holidays[0].pk]})
    assert not CampaignRequest.objects.filter(member=lea).exists()


def test_a_forged_booking_of_a_campaign_day_is_refused(parent_client, lea, campaign, holidays):
    url = planning_url(lea, date=holidays[0].date.isoformat())
    response = parent_client.post(url, {"book": [holidays[0].pk]}, follow=True)
    assert not Booking.objects.filter(member=lea).exists()
    assert "campagne d&#x27;inscription" in response.content.decode()


def test_after_the_window_the_days_cannot_be_asked_any_more(parent_client, lea, campaign, holidays):
    Campaign.objects.filter(pk=campaign.pk).update(
        requests_close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    html = page(parent_client, lea, holidays)
    assert 'name="ask"' not in html and 'name="book"' not in html
    assert "Les demandes sont closes" in html


def test_after_the_results_the_days_are_booked_as_usual(parent_client, lea, campaign, holidays):
    Campaign.objects.filter(pk=campaign.pk).update(allocated_at=timezone.now())
    html = page(parent_client, lea, holidays)
    assert html.count('name="book"') == 5
    assert "Sur demande (campagne)" not in html


def test_another_households_requests_are_not_shown(
    parent_client,
    lea,
    zoe,
    campaign,
    holidays,
    live,  # noqa: F811
):
    enrol(zoe, live.activity)
    CampaignRequest.objects.create(campaign=campaign, member=zoe, opening=holidays[0])
    html = page(parent_client, lea, holidays)
    assert '<td class="cell cell--requested' not in html
    assert "Zoé" not in html


def test_asking_for_another_households_child_is_404(parent_client, zoe, campaign, holidays):
    response = parent_client.post(planning_url(zoe), {"ask": [holidays[0].pk]})
    assert response.status_code == 404
    assert not CampaignRequest.objects.exists()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("view", ["semaine", "mois"])
def test_planning_query_count_with_campaigns_is_bounded_and_flat(
    parent_client,
    lea,
    live,  # noqa: F811
    campaign,
    holidays,
    view,
    django_assert_max_num_queries,
):
    url = planning_url(lea, date=holidays[0].date.isoformat(), vue=view)
    CampaignRequest.objects.create(campaign=campaign, member=lea, opening=holidays[0])
    with django_assert_max_num_queries(12):
        few = _count(parent_client, url)
    for i in range(15):
        family = make_family(f"FOYER{i}", f"foyer{i}@example.org", ("Enfant",))
        child = family.members.get(first_name="Enfant")
        enrol(child, live.activity)
        for opening in holidays:
            CampaignRequest.objects.create(campaign=campaign, member=child, opening=opening)
    for opening in holidays[1:]:
        CampaignRequest.objects.create(campaign=campaign, member=lea, opening=opening)
    other = Campaign.objects.create(
        name="Autre",
        start_date=holidays[0].date,
        end_date=holidays[-1].date,
        requests_open_at=campaign.requests_open_at,
        requests_close_at=campaign.requests_close_at,
        results_at=campaign.results_at,
    )
    other.activities.add(live.activity)
    with django_assert_max_num_queries(12):
        many = _count(parent_client, url)
    assert many == few, (few, many)


def test_the_report_counts_the_days_asked(parent_client, lea, campaign, holidays):
    url = planning_url(lea, date=holidays[0].date.isoformat())
    response = parent_client.post(url, {"ask": [holidays[0].pk, holidays[1].pk]}, follow=True)
    assert "2 demandes enregistrées" in response.content.decode()


def test_a_coming_campaign_is_told_on_the_weeks_before_it(parent_client, lea, campaign, holidays):
    html = parent_client.get(
        planning_url(lea, date=timezone.localdate().isoformat())
    ).content.decode()
    assert "Campagne d'inscription « Vacances de printemps »" in html
    assert f"?date={holidays[0].date.isoformat()}" in html
    assert "Sur demande (campagne)" not in html


def test_shared_custody_each_household_withdraws_only_its_own_requests(
    parent_client, client, lea, other_parent, other_family, shared, campaign, holidays
):
    """A day the other household asked for reads « Demandé par l'autre foyer », with no box to
    withdraw it (the service refuses it anyway); each household withdraws its own."""
    from reservations.selectors import State

    CampaignRequest.objects.create(
        campaign=campaign, member=lea, opening=holidays[0], family=other_family
    )
    CampaignRequest.objects.create(campaign=campaign, member=lea, opening=holidays[1])
    url = planning_url(lea, date=holidays[0].date.isoformat())
    response = parent_client.get(url)
    cells = response.context["planning"].weeks[0].rows[0].cells
    assert [(c.state, c.action) for c in cells[:2]] == [
        (State.OTHER_REQUESTED, ""),
        (State.REQUESTED, "unask"),
    ]
    assert "Demandé par l&#x27;autre foyer" in response.content.decode()
    client.force_login(other_parent)
    theirs = client.get(url).context["planning"]
    assert [(c.state, c.action) for c in theirs.weeks[0].rows[0].cells[:2]] == [
        (State.REQUESTED, "unask"),
        (State.OTHER_REQUESTED, ""),
    ]
    assert State.OTHER_REQUESTED in [state for state, _label, _icon in theirs.legend]
