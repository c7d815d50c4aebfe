"""The request window's rush: many parents ask at once and nothing is lost, because the
allocation does not look at when a request was made."""

import pytest

from reservations.campaigns.models import Campaign, CampaignRequest
from reservations.campaigns.services import campaign_allocate, campaign_request_add
from reservations.models import Booking, Opening
from tests.factories import aware, enrol, make_family
from tests.helpers import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

DURING = aware(2030, 1, 10, 9, 0)
AFTER = aware(2030, 1, 21, 9, 0)


def test_forty_parents_asking_at_once_lose_nothing(activity, unit):
    openings = [
        Opening.objects.create(unit=unit, date=aware(2030, 2, 18 + i, 0, 0).date(), capacity=10)
        for i in range(3)
    ]
    campaign = Campaign.objects.create(
        name="Vacances de février",
        start_date=openings[0].date,
        end_date=openings[-1].date,
        requests_open_at=aware(2030, 1, 5, 9, 0),
        requests_close_at=aware(2030, 1, 20, 20, 0),
        results_at=aware(2030, 1, 25, 9, 0),
        seed=77,
    )
    campaign.activities.add(activity)
    families = [make_family(f"RUSH{i}", f"rush{i}@example.org", ("Enfant",)) for i in range(40)]
    children = [f.members.get(first_name="Enfant") for f in families]
    for child in children:
        enrol(child, activity)

    def ask(index: int) -> None:
        for opening in openings:
            campaign_request_add(member=children[index], opening=opening, user=None, now=DURING)
        # A second, impatient click: changes nothing.
        campaign_request_add(member=children[index], opening=openings[0], user=None, now=DURING)

    errors = in_threads(len(children), ask)

    assert errors == []
    assert CampaignRequest.objects.count() == 40 * 3
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    for opening in openings:
        assert Booking.objects.filter(opening=opening).count() == 10
    assert CampaignRequest.objects.filter(outcome="waiting").count() == 3 * 30


def test_two_allocations_at_once_run_once(activity, unit):
    from reservations.campaigns.services import CampaignError

    opening = Opening.objects.create(unit=unit, date=aware(2030, 2, 18, 0, 0).date(), capacity=3)
    campaign = Campaign.objects.create(
        name="Vacances",
        start_date=opening.date,
        end_date=opening.date,
        requests_open_at=aware(2030, 1, 5, 9, 0),
        requests_close_at=aware(2030, 1, 20, 20, 0),
        results_at=aware(2030, 1, 25, 9, 0),
    )
    campaign.activities.add(activity)
    for i in range(6):
        child = make_family(f"DOUBLE{i}", f"double{i}@example.org", ("Enfant",)).members.get(
            first_name="Enfant"
        )
        enrol(child, activity)
        campaign_request_add(member=child, opening=opening, user=None, now=DURING)

    errors = in_threads(2, lambda _i: campaign_allocate(campaign=campaign, by=None, now=AFTER))

    assert [type(e) for e in errors] == [CampaignError]
    assert Booking.objects.filter(opening=opening).count() == 3
