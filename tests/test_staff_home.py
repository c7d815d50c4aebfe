"""The admin's home page: what needs doing today, with counts, links and the coming weeks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contact.models import Thread
from documents.models import DocumentType, Submission
from espace_famille.models import EmailDelivery, User
from factures.models import Payment
from famille.models import ChangeRequest
from inscriptions.models import Activity, Enrolment, Unit
from reservations.models import Opening, WaitingListEntry
from reservations.selectors import places_by_week

pytestmark = pytest.mark.django_db

HOME = "/admin/"


@pytest.fixture
def to_do(family, parent, lea, hugo):
    """One or two of everything staff must deal with today."""
    for _n in range(2):
        ChangeRequest.objects.create(family=family, kind="family", created_by=parent)
    ChangeRequest.objects.create(family=family, kind="family", created_by=parent, status="accepted")
    activity = Activity.objects.create(
        name="Mercredis",
        service="loisirs",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
    )
    Enrolment.objects.create(
        member=lea, activity=activity, start_date=activity.start_date, end_date=activity.end_date
    )
    kind = DocumentType.objects.create(name="Vaccins", scope="child")
    Submission.objects.create(
        family=family, member=lea, document_type=kind, file="x.pdf", content_type="application/pdf"
    )
    Thread.objects.create(
        family=family, subject="Sortie", created_by=parent, last_message_at=timezone.now()
    )
    Payment.objects.create(
        family=family,
        method="online",
        reference="PAY-1",
        amount=Decimal("12.00"),
        status=Payment.Status.TO_REFUND,
        created_at=timezone.now(),
    )
    for status in ("failed", "failed", "failed", "sent"):
        EmailDelivery.objects.create(
            template="t", to=["a@example.org"], subject="s", text="t", html="", status=status
        )
    return activity


def staff_with(*codenames: str) -> User:
    user = User.objects.create_user("agent@example.org", "x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def test_home_counts_what_needs_doing_with_a_link_to_each_filtered_list(staff_client, to_do):
    page = staff_client.get(HOME).content.decode()
    expected = {
        "2 demandes de modification à traiter": "famille/changerequest/?status__exact=pending",
        "1 demande d&#x27;inscription à décider": "inscriptions/enrolment/?decision=a_decider",
        "1 document à vérifier": "documents/submission/?status__exact=pending",
        "1 message sans réponse": "contact/thread/?a_traiter=oui",
        "1 paiement à rembourser": "factures/payment/?status__exact=to_refund",
        "3 e-mails non envoyés (échec)": "espace_famille/emaildelivery/?status__exact=failed",
    }
    links = {text: f'<a href="/admin/{url}">{text}</a>' for text, url in expected.items()}
    missing = [link for link in links.values() if link not in page]
    assert missing == []


def test_each_link_opens_the_list_of_exactly_what_was_counted(staff_client, to_do):
    changelist = staff_client.get("/admin/famille/changerequest/?status__exact=pending").context[
        "cl"
    ]
    assert {row.status for row in changelist.result_list} == {"pending"}
    assert len(changelist.result_list) == 2


def test_staff_see_only_the_lines_of_the_lists_they_may_open(client, to_do):
    client.force_login(staff_with("view_payment", "view_changerequest"))
    page = client.get(HOME).content.decode()
    assert ("1 paiement à rembourser" in page, "2 demandes de modification" in page) == (True, True)
    hidden = ["document à vérifier", "message sans réponse", "inscription à décider", "e-mails non"]
    assert [text for text in hidden if text in page] == []


def test_home_shows_nothing_to_do_as_zero(staff_client, structure):
    page = staff_client.get(HOME).content.decode()
    assert "0 demande de modification à traiter" in page


@pytest.fixture
def coming_week(lea, hugo):
    """The first week shown: an activity with 2 openings of 10 places, 7 and 10 taken, 1
    waiting."""
    activity = Activity.objects.create(
        name="Cantine",
        service="restauration",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
    )
    unit = Unit.objects.create(activity=activity, name="Repas", weekdays="12345", capacity=10)
    mondays, _rows = places_by_week(today=timezone.localdate())
    today = max(timezone.localdate(), mondays[0])  # next week's Monday on a weekend
    first = Opening.objects.create(unit=unit, date=today, capacity=10, booked_count=7)
    Opening.objects.create(
        unit=unit, date=today + datetime.timedelta(days=1), capacity=10, booked_count=10
    )
    # Past and far-away openings are not counted, nor closed days.
    Opening.objects.create(
        unit=unit,
        date=timezone.localdate() - datetime.timedelta(days=1),
        capacity=10,
        booked_count=9,
    )
    Opening.objects.create(
        unit=unit, date=today + datetime.timedelta(weeks=5), capacity=10, booked_count=9
    )
    Opening.objects.create(
        unit=unit,
        date=today + datetime.timedelta(days=2),
        capacity=10,
        booked_count=3,
        is_closed=True,
    )
    WaitingListEntry.objects.create(member=hugo, opening=first)
    return activity


def test_home_draws_the_coming_four_weeks_with_the_numbers_in_a_table(staff_client, coming_week):
    response = staff_client.get(HOME)
    panel = next(p for p in response.context["staff_panels"] if p["key"] == "coming_weeks")
    (row,) = panel["activities"]
    week = row["weeks"][0]
    assert (row["name"], week.taken, week.capacity, week.waiting) == ("Cantine", 17, 20, 1)
    assert [w.capacity for w in row["weeks"][1:]] == [0, 0, 0]
    page = response.content.decode()
    assert "staff-weeks-chart" in page and "17 / 20" in page and "(1 en attente)" in page


def test_the_chart_is_shown_only_to_staff_who_may_see_openings(client, coming_week):
    client.force_login(staff_with("view_payment"))
    assert "staff-weeks-chart" not in client.get(HOME).content.decode()


def test_parents_do_not_reach_the_staff_home(parent_client):
    assert parent_client.get(HOME).status_code == 302


def _queries(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured.captured_queries)


def test_home_stays_within_the_query_budget_however_much_there_is_to_do(
    staff_client, to_do, coming_week, family, parent, lea
):
    few = _queries(staff_client)
    for n in range(5):
        ChangeRequest.objects.create(family=family, kind="family", created_by=parent)
        activity = Activity.objects.create(
            name=f"Activité {n}",
            service="loisirs",
            start_date=datetime.date(2026, 9, 1),
            end_date=datetime.date(2027, 7, 6),
        )
        unit = Unit.objects.create(activity=activity, name="Matin", capacity=5)
        Opening.objects.create(unit=unit, date=timezone.localdate(), capacity=5)
        Enrolment.objects.create(
            member=lea,
            activity=activity,
            start_date=activity.start_date,
            end_date=activity.end_date,
        )
    many = _queries(staff_client)
    assert (few <= 15, many) == (True, few)


def test_home_links_to_the_openings_list(staff_client, coming_week):
    assert (
        reverse("admin:reservations_opening_changelist") in staff_client.get(HOME).content.decode()
    )


def test_the_coming_weeks_start_next_monday_on_a_weekend():
    saturday = datetime.date(2026, 11, 28)
    mondays, _rows = places_by_week(today=saturday)
    assert mondays == [datetime.date(2026, 11, 30) + datetime.timedelta(weeks=n) for n in range(4)]
    wednesday = datetime.date(2026, 11, 25)
    assert places_by_week(today=wednesday)[0][0] == datetime.date(2026, 11, 23)
