"""Registration campaigns end to end: asking during the window, the allocation run once,
the households emailed, first-come booking opened afterwards, the admin explaining it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from famille.models import Member
from reservations.campaigns.models import Campaign, CampaignRequest, CampaignRule
from reservations.campaigns.services import (
    CampaignError,
    campaign_allocate,
    campaign_request_add,
    campaign_request_withdraw,
    campaigns_allocate_due,
)
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.services import BookingRefused, booking_create, waitlist_join
from tests.factories import aware, enrol, make_family

pytestmark = pytest.mark.django_db

HOLIDAYS = [datetime.date(2030, 2, 18) + datetime.timedelta(days=i) for i in range(5)]
DURING = aware(2030, 1, 10, 9, 0)
AFTER = aware(2030, 1, 21, 9, 0)
RESULTS = aware(2030, 1, 25, 9, 0)


def make_campaign(activity, **fields) -> Campaign:
    campaign = Campaign.objects.create(
        name="Vacances de février",
        start_date=HOLIDAYS[0],
        end_date=HOLIDAYS[-1],
        requests_open_at=aware(2030, 1, 5, 9, 0),
        requests_close_at=aware(2030, 1, 20, 20, 0),
        results_at=RESULTS,
        seed=fields.pop("seed", 1234),
        **fields,
    )
    campaign.activities.add(activity)
    return campaign


@pytest.fixture
def holidays(unit):
    return [Opening.objects.create(unit=unit, date=day, capacity=2) for day in HOLIDAYS]


@pytest.fixture
def campaign(activity, holidays):
    return make_campaign(activity)


def child_of(name: str, activity, children=("Enfant",)) -> Member:
    family = make_family(name, f"{name.lower()}@example.org", children)
    for child in family.members.filter(role=Member.Role.CHILD):
        enrol(child, activity)
    return family.members.filter(role=Member.Role.CHILD).first()


def ask(member, openings, now=DURING) -> None:
    for opening in openings:
        campaign_request_add(member=member, opening=opening, user=None, now=now)


def test_a_campaign_day_cannot_be_booked_first_come_before_the_results(
    lea, enrolled, campaign, holidays
):
    with pytest.raises(BookingRefused, match="campagne d'inscription"):
        booking_create(member=lea, opening=holidays[0], user=None, now=DURING)


def test_nor_can_its_waiting_list_be_joined(lea, enrolled, campaign, holidays):
    Opening.objects.filter(pk=holidays[0].pk).update(capacity=0)
    with pytest.raises(BookingRefused, match="campagne d'inscription"):
        waitlist_join(member=lea, opening=holidays[0], user=None, now=DURING)


def test_staff_may_still_book_a_campaign_day(lea, enrolled, campaign, holidays):
    booking = booking_create(member=lea, opening=holidays[0], user=None, now=DURING, by_staff=True)
    assert booking.status == Booking.Status.BOOKED


def test_asking_twice_keeps_one_request(lea, enrolled, campaign, holidays):
    ask(lea, [holidays[0], holidays[0]])
    assert CampaignRequest.objects.filter(member=lea).count() == 1


def test_a_request_can_be_withdrawn_while_the_window_is_open(lea, enrolled, campaign, holidays):
    ask(lea, holidays[:2])
    campaign_request_withdraw(member=lea, opening=holidays[0], user=None, now=DURING)
    assert list(CampaignRequest.objects.values_list("opening", flat=True)) == [holidays[1].pk]


def test_a_request_cannot_be_withdrawn_after_the_window(lea, enrolled, campaign, holidays):
    ask(lea, holidays[:1])
    with pytest.raises(BookingRefused, match="closes"):
        campaign_request_withdraw(member=lea, opening=holidays[0], user=None, now=AFTER)


@pytest.mark.parametrize("now", [aware(2030, 1, 5, 8, 59), AFTER])
def test_asking_outside_the_window_is_refused(lea, enrolled, campaign, holidays, now):
    with pytest.raises(BookingRefused, match="ne sont pas ouvertes"):
        ask(lea, holidays[:1], now=now)


def test_asking_for_an_activity_not_enrolled_is_refused(lea, campaign, holidays):
    with pytest.raises(BookingRefused) as refused:
        ask(lea, holidays[:1])
    assert refused.value.code == BookingRefused.NOT_ENROLLED


def test_allocation_books_the_capacity_and_waitlists_the_rest_in_draw_order(
    activity, campaign, holidays
):
    children = [child_of(f"F{i}", activity) for i in range(5)]
    for child in children:
        ask(child, holidays[:1])
    result = campaign_allocate(campaign=campaign, by=None, now=AFTER)
    opening = holidays[0]
    opening.refresh_from_db()
    assert opening.booked_count == 2
    queue = list(WaitingListEntry.objects.filter(opening=opening).order_by("created_at", "pk"))
    assert [e.member_id for e in queue] == [r.member for r in result.waiting_lists[opening.pk]]
    ranks = list(
        CampaignRequest.objects.filter(outcome="waiting")
        .order_by("waiting_rank")
        .values_list("member_id", flat=True)
    )
    assert ranks == [e.member_id for e in queue]


def test_every_request_is_explained(activity, campaign, holidays):
    for i in range(3):
        ask(child_of(f"F{i}", activity), holidays[:1])
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    explanations = CampaignRequest.objects.values_list("explanation", flat=True)
    assert all("N° de tirage du foyer" in text for text in explanations)


def test_a_pai_rule_first_gives_the_place_to_the_child_with_a_pai(activity, holidays):
    for seed in (1, 2, 3, 4):
        Campaign.objects.all().delete()
        CampaignRequest.objects.all().delete()
        Booking.objects.all().delete()
        WaitingListEntry.objects.all().delete()
        Opening.objects.update(capacity=1, booked_count=0)
        campaign = make_campaign(activity, seed=seed)
        CampaignRule.objects.create(campaign=campaign, rule="pai", order=1)
        children = [child_of(f"S{seed}F{i}", activity) for i in range(4)]
        Member.objects.filter(pk=children[2].pk).update(has_pai=True)
        for child in children:
            ask(child, holidays[:1])
        campaign_allocate(campaign=campaign, by=None, now=AFTER)
        assert list(Booking.objects.values_list("member_id", flat=True)) == [children[2].pk]


def test_residents_rule_reads_the_postal_code_setting(activity, holidays, settings):
    settings.RESIDENT_POSTAL_CODES = ["69001"]
    Opening.objects.update(capacity=1)
    campaign = make_campaign(activity)
    CampaignRule.objects.create(campaign=campaign, rule="resident", order=1)
    children = [child_of(f"R{i}", activity) for i in range(4)]
    children[3].family.postal_code = "69001"
    children[3].family.save()
    for child in children:
        ask(child, holidays[:1])
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert list(Booking.objects.values_list("member_id", flat=True)) == [children[3].pk]


def test_both_parents_working_rule_needs_every_parent(activity, holidays):
    Opening.objects.update(capacity=1)
    campaign = make_campaign(activity)
    CampaignRule.objects.create(campaign=campaign, rule="parents_working", order=1)
    children = [child_of(f"W{i}", activity) for i in range(4)]
    Member.objects.filter(family=children[1].family, role="parent").update(works=True)
    Member.objects.create(family=children[2].family, role="parent", first_name="B", last_name="W2")
    Member.objects.filter(family=children[2].family, first_name="Parent").update(works=True)
    for child in children:
        ask(child, holidays[:1])
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert list(Booking.objects.values_list("member_id", flat=True)) == [children[1].pk]


def test_sibling_rule_reads_the_siblings_enrolment(activity, holidays):
    Opening.objects.update(capacity=1)
    campaign = make_campaign(activity)
    CampaignRule.objects.create(campaign=campaign, rule="sibling_enrolled", order=1)
    children = [child_of(f"B{i}", activity) for i in range(3)]
    brother = Member.objects.create(
        family=children[0].family, role="child", first_name="Frère", last_name="B0"
    )
    enrol(brother, activity)
    for child in children:
        ask(child, holidays[:1])
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert list(Booking.objects.values_list("member_id", flat=True)) == [children[0].pk]


def test_the_allocation_runs_only_once(activity, campaign, holidays):
    ask(child_of("F", activity), holidays[:1])
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    with pytest.raises(CampaignError, match="déjà été attribuée"):
        campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert Booking.objects.count() == 1


def test_the_allocation_waits_for_the_window_to_close(activity, campaign, holidays):
    with pytest.raises(CampaignError, match="encore ouvertes"):
        campaign_allocate(campaign=campaign, by=None, now=DURING)


def test_the_periodic_command_allocates_due_campaigns_once(activity, campaign, holidays):
    ask(child_of("F", activity), holidays[:1])
    assert campaigns_allocate_due(now=AFTER) == []
    assert campaigns_allocate_due(now=RESULTS) == [campaign]
    assert campaigns_allocate_due(now=RESULTS) == []
    campaign.refresh_from_db()
    assert campaign.allocated_at == RESULTS


def test_the_management_command_runs(activity, campaign, holidays, capsys):
    Campaign.objects.filter(pk=campaign.pk).update(results_at=aware(2020, 1, 1, 0, 0))
    Campaign.objects.filter(pk=campaign.pk).update(requests_close_at=aware(2020, 1, 1, 0, 0))
    call_command("campaigns_allocate")
    assert "allocated" in capsys.readouterr().out


def test_one_email_per_household(activity, campaign, holidays, django_capture_on_commit_callbacks):
    siblings = child_of("FRATRIE", activity, ("Aïcha", "Bruno"))
    other = child_of("SEUL", activity)
    for child in siblings.family.members.filter(role="child"):
        ask(child, holidays[:2])
    ask(other, holidays[:1])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert sorted(m.to[0] for m in mail.outbox) == ["fratrie@example.org", "seul@example.org"]
    body = next(m.body for m in mail.outbox if m.to == ["fratrie@example.org"])
    assert "Aïcha" in body and "Bruno" in body


def test_after_the_results_the_rest_is_booked_first_come(
    lea, enrolled, activity, campaign, holidays
):
    ask(child_of("F", activity), holidays[:1])
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    booking = booking_create(member=lea, opening=holidays[1], user=None, now=RESULTS)
    assert booking.status == Booking.Status.BOOKED


def test_a_whole_week_is_kept_together(activity, holidays):
    Opening.objects.filter(pk=holidays[2].pk).update(capacity=1)
    campaign = make_campaign(activity, keep_whole_weeks=True)
    CampaignRule.objects.create(campaign=campaign, rule="pai", order=1)
    first = child_of("PAI", activity)
    Member.objects.filter(pk=first.pk).update(has_pai=True)
    ask(first, holidays[2:3])
    week = child_of("SEMAINE", activity)
    ask(week, holidays)
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert not Booking.objects.filter(member=week).exists()
    outcomes = dict(
        CampaignRequest.objects.filter(member=week).values_list("opening__date", "outcome")
    )
    assert outcomes[HOLIDAYS[2]] == "waiting"
    assert outcomes[HOLIDAYS[0]] == "refused"


def test_staff_allocate_from_the_admin_and_read_the_explanations(
    staff_client, activity, campaign, holidays
):
    Campaign.objects.filter(pk=campaign.pk).update(requests_close_at=aware(2020, 1, 1, 0, 0))
    Campaign.objects.filter(pk=campaign.pk).update(requests_open_at=aware(2019, 1, 1, 0, 0))
    child = child_of("ADMIN", activity)
    CampaignRequest.objects.create(campaign=campaign, member=child, opening=holidays[0])
    url = reverse("admin:reservations_campaign_allocate", args=[campaign.pk])
    assert staff_client.get(url).status_code == 200
    staff_client.post(url, {"_confirm": "1"})
    assert Booking.objects.filter(member=child).count() == 1
    page = staff_client.get(
        reverse("admin:reservations_campaignrequest_changelist")
        + f"?campaign__id__exact={campaign.pk}"
    )
    assert "N° de tirage du foyer" in page.content.decode()


def test_the_allocation_waits_a_minute_after_the_close(activity, campaign, holidays):
    with pytest.raises(CampaignError):
        campaign_allocate(campaign=campaign, by=None, now=aware(2030, 1, 20, 20, 0, 30))


def test_a_typical_week_over_the_campaign_tells_the_refusal_once(
    lea, enrolled, unit, campaign, holidays
):
    from reservations.services import typical_week_apply

    summary = typical_week_apply(
        member=lea,
        user=None,
        pattern={(unit.pk, day) for day in range(1, 6)},
        start=HOLIDAYS[0],
        end=HOLIDAYS[-1],
        now=DURING,
    )
    assert summary.booked == []
    assert len({message for _opening, message in summary.refused}) == 1


def test_the_roles_get_the_campaign_permissions(db):
    import importlib

    from django.apps import apps as django_apps
    from django.contrib.auth.models import Group

    roles = importlib.import_module("espace_famille.migrations.0006_staff_roles")
    roles.assign_roles(django_apps)
    grants = importlib.import_module("reservations.migrations.0004_grant_campaign_permissions")
    grants.Migration.operations[0].code(django_apps, None)  # role_grants' RunPython
    direction = set(
        Group.objects.get(name="Direction").permissions.values_list("codename", flat=True)
    )
    accueil = set(Group.objects.get(name="Accueil").permissions.values_list("codename", flat=True))
    assert {"allocate_campaign", "change_campaign", "view_campaignrequest"} <= direction
    assert {"view_campaign", "view_campaignrequest"} <= accueil
    assert "allocate_campaign" not in accueil and "change_campaign" not in accueil


def test_a_child_no_longer_enrolled_gets_no_place(activity, campaign, holidays):
    from inscriptions.models import Enrolment

    child = child_of("PARTI", activity)
    ask(child, holidays[:1])
    Enrolment.objects.filter(member=child).update(status=Enrolment.Status.CANCELLED)
    campaign_allocate(campaign=campaign, by=None, now=AFTER)
    assert not Booking.objects.filter(member=child).exists()
    assert CampaignRequest.objects.get(member=child).outcome == "refused"


def test_staff_create_a_campaign_with_ordered_rules_and_cannot_choose_the_seed(
    staff_client, activity
):
    response = staff_client.post(
        reverse("admin:reservations_campaign_add"),
        {
            "name": "Vacances d'hiver",
            "activities": [activity.pk],
            "start_date": "2030-02-18",
            "end_date": "2030-02-22",
            "requests_open_at_0": "2030-01-05",
            "requests_open_at_1": "09:00",
            "requests_close_at_0": "2030-01-20",
            "requests_close_at_1": "20:00",
            "results_at_0": "2030-01-25",
            "results_at_1": "09:00",
            "seed": "1",
            "rules-TOTAL_FORMS": "2",
            "rules-INITIAL_FORMS": "0",
            "rules-0-order": "1",
            "rules-0-rule": "pai",
            "rules-1-order": "2",
            "rules-1-rule": "resident",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(name="Vacances d'hiver")
    assert list(campaign.rules.values_list("rule", flat=True)) == ["pai", "resident"]
    assert (
        'name="seed"'
        not in staff_client.get(
            reverse("admin:reservations_campaign_change", args=[campaign.pk])
        ).content.decode()
    )


def test_a_campaign_closing_before_it_opens_is_refused(staff_client, activity):
    response = staff_client.post(
        reverse("admin:reservations_campaign_add"),
        {
            "name": "À l'envers",
            "activities": [activity.pk],
            "start_date": "2030-02-18",
            "end_date": "2030-02-22",
            "requests_open_at_0": "2030-01-20",
            "requests_open_at_1": "09:00",
            "requests_close_at_0": "2030-01-05",
            "requests_close_at_1": "20:00",
            "results_at_0": "2030-01-25",
            "results_at_1": "09:00",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
        },
    )
    assert "La clôture doit suivre l&#x27;ouverture des demandes." in response.content.decode()
