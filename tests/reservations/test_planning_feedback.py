"""What a parent sees after validating a planning, and what the planning offers by default.

- one summary of the changes (not one banner per cell), the details folded, in date order,
  with and without JavaScript;
- a member who cannot book (documents missing) is offered no booking checkbox, and told why;
- on a weekend the planning opens on the next week that can still be booked.
"""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentType
from inscriptions.models import Activity, Unit
from reservations.models import Booking, Opening
from tests.factories import enrol, insert_booking, make_school_year_activity


def _monday_in(weeks: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


@pytest.fixture
def two_units(structure, lea):
    """A Monday-to-Friday unit, then a Wednesday unit created later (higher opening ids)."""
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Accueil de loisirs",
        service="loisirs",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=300),
    )
    evening = Unit.objects.create(activity=activity, name="Soir", weekdays="12345", capacity=10)
    wednesday = Unit.objects.create(activity=activity, name="Mercredi", weekdays="3", capacity=10)
    enrol(lea, activity)
    monday = _monday_in(2)
    days = [monday + datetime.timedelta(days=i) for i in range(5)]
    evenings = [Opening.objects.create(unit=evening, date=day, capacity=10) for day in days]
    full = Opening.objects.create(unit=wednesday, date=days[2], capacity=0)
    return evenings, full


def _url(member, day):
    return reverse("reservations:planning", args=[member.pk]) + f"?date={day.isoformat()}"


def _check_report(html: str) -> None:
    # One summary, in words, with proper plurals.
    assert html.count('class="planning-report ') == 1
    assert "5 réservations enregistrées, 1 refusée :" in html
    assert "Mercredi du mercredi" in html and "complet" in html
    # No banner per cell: the details are folded.
    assert html.count("message--success") == 0
    details = re.search(r"<details.*?</details>", html, re.S)
    assert details, html
    lines = re.findall(r"(?:Réservé : Soir|Mercredi) du (\w+ \d+)", details.group(0))
    weekdays = [line.split()[0] for line in lines]
    # In date order: the Wednesday refusal among the Wednesday, not last.
    assert weekdays == ["lundi", "mardi", "mercredi", "mercredi", "jeudi", "vendredi"], lines


def test_one_summary_in_date_order_without_js(parent_client, lea, two_units):
    evenings, full = two_units
    url = _url(lea, evenings[0].date)
    response = parent_client.post(url, {"book": [o.pk for o in [*evenings, full]]})
    assert response.status_code == 302
    assert response.url == url
    assert Booking.objects.filter(member=lea, status="booked").count() == 5
    assert list(get_messages(response.wsgi_request)) == []
    page = parent_client.get(url)
    _check_report(page.text)
    # Told once: the next page load no longer shows it.
    assert "planning-report" not in parent_client.get(url).text


def test_one_summary_in_date_order_with_htmx(parent_client, lea, two_units):
    evenings, full = two_units
    response = parent_client.post(
        _url(lea, evenings[0].date),
        {"book": [o.pk for o in [*evenings, full]]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    _check_report(response.text)


def test_summary_of_one_change_is_singular(parent_client, lea, two_units):
    evenings, _full = two_units
    insert_booking(lea, evenings[1])
    response = parent_client.post(
        _url(lea, evenings[0].date),
        {"book": [evenings[0].pk], "cancel": [evenings[1].pk]},
        HTTP_HX_REQUEST="true",
    )
    assert "1 réservation enregistrée, 1 annulation enregistrée" in response.text


def test_a_report_is_shown_for_its_member_only(parent_client, lea, hugo, two_units):
    evenings, _full = two_units
    parent_client.post(_url(lea, evenings[0].date), {"book": [evenings[0].pk]})
    enrol(hugo, evenings[0].unit.activity)
    assert "planning-report" not in parent_client.get(_url(hugo, evenings[0].date)).text
    assert "planning-report" in parent_client.get(_url(lea, evenings[0].date)).text


def test_no_booking_checkbox_while_documents_are_missing(parent_client, lea, two_units):
    evenings, _full = two_units
    insert_booking(lea, evenings[1])
    DocumentType.objects.create(name="Certificat médical", scope="child")
    page = parent_client.get(_url(lea, evenings[0].date))
    assert 'name="book"' not in page.text
    assert 'name="join"' not in page.text
    # Why, in the cells themselves as well as above the grid.
    assert "Documents manquants" in page.text
    cells = page.context["planning"].weeks[0].rows[0].cells
    assert [c.state for c in cells] == ["blocked", "booked", "blocked", "blocked", "blocked"]
    # A booking made before can still be cancelled.
    assert 'name="cancel"' in page.text


def test_documents_of_another_activity_block_only_that_activity(parent_client, lea, two_units):
    evenings, _full = two_units
    other = Activity.objects.create(
        name="Piscine",
        service="loisirs",
        start_date=evenings[0].date - datetime.timedelta(days=30),
        end_date=evenings[0].date + datetime.timedelta(days=30),
    )
    swim = Unit.objects.create(activity=other, name="Bassin", weekdays="12345", capacity=5)
    Opening.objects.create(unit=swim, date=evenings[0].date, capacity=5)
    enrol(lea, other)
    certificate = DocumentType.objects.create(
        name="Certificat de natation", scope="child", mandatory=False
    )
    other.required_documents.add(certificate)
    page = parent_client.get(_url(lea, evenings[0].date))
    rows = {row.unit.name: row for row in page.context["planning"].weeks[0].rows}
    assert rows["Bassin"].cells[0].state == "blocked"
    assert rows["Soir"].cells[0].state == "available"
    assert rows["Soir"].cells[0].action == "book"


def _enrolled_with_notice(lea, *, service="periscolaire", weekdays="12345", **notice) -> None:
    """Léa enrolled in a school-year activity booked with this notice (before noon)."""
    activity = make_school_year_activity(
        "Accueil", service=service, booking_notice_time=datetime.time(12, 0), **notice
    )
    Unit.objects.create(activity=activity, name="Soir", weekdays=weekdays, capacity=10)
    enrol(lea, activity)


def _default_week(client, parent, lea, now: datetime.datetime) -> datetime.date:
    """The Monday of the week the planning opens on, for a session at `now`."""
    with time_machine.travel(now, tick=False):
        client.force_login(parent)
        page = client.get(reverse("reservations:planning", args=[lea.pk]))
    return page.context["planning"].start


@pytest.mark.parametrize("weekday", [5, 6], ids=["saturday", "sunday"])
def test_weekend_opens_on_the_next_week_that_can_be_booked(client, parent, lea, weekday):
    # A week on Saturday 10:00 (or Sunday), days booked two days ahead at noon.
    saturday = datetime.date(2030, 3, 9)
    now = datetime.datetime.combine(
        saturday + datetime.timedelta(days=weekday - 5), datetime.time(10, 0)
    ).replace(tzinfo=timezone.get_current_timezone())
    _enrolled_with_notice(lea, booking_notice="days", booking_notice_days=2)
    assert _default_week(client, parent, lea, now) == datetime.date(2030, 3, 11)
    with time_machine.travel(now, tick=False):
        # An explicit date is kept; "Aujourd'hui" shows this week.
        page = client.get(reverse("reservations:planning", args=[lea.pk]))
        assert page.context["nav"]["today"].endswith(f"?date={now.date().isoformat()}")
        asked = client.get(_url(lea, saturday))
        assert asked.context["planning"].start == datetime.date(2030, 3, 4)


def test_weekday_notice_skips_the_locked_week(client, parent, lea):
    # Booked by the Thursday noon of the week before: on Saturday the next week is locked too.
    _enrolled_with_notice(
        lea, service="loisirs", weekdays="3", booking_notice="weekday", booking_notice_weekday=4
    )
    now = datetime.datetime(2030, 3, 9, 10, 0, tzinfo=timezone.get_current_timezone())
    assert _default_week(client, parent, lea, now) == datetime.date(2030, 3, 18)


def test_a_week_still_bookable_stays_the_default(client, parent, lea):
    _enrolled_with_notice(lea, booking_notice="days", booking_notice_days=1)
    tuesday = datetime.datetime(2030, 3, 5, 10, 0, tzinfo=timezone.get_current_timezone())
    assert _default_week(client, parent, lea, tuesday) == datetime.date(2030, 3, 4)


def test_default_week_stays_within_the_query_budget(
    parent_client, lea, two_units, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = parent_client.get(reverse("reservations:planning", args=[lea.pk]))
    assert response.status_code == 200


def _grid(page) -> list:
    planning = page.context["planning"]
    return [
        (row.unit.pk, [(cell.day, cell.state, cell.action, cell.remaining) for cell in row.cells])
        for week in planning.weeks
        for row in week.rows
    ]


def test_default_week_reads_the_enrolments_once(parent_client, lea, two_units):
    # The enrolments read to find the week serve the grid too; it is the dated week's grid.
    with CaptureQueriesContext(connection) as captured:
        default = parent_client.get(reverse("reservations:planning", args=[lea.pk]))
    enrolments = [q for q in captured if 'FROM "inscriptions_enrolment"' in q["sql"]]
    assert len(enrolments) == 1
    dated = parent_client.get(_url(lea, default.context["planning"].start))
    assert _grid(default) == _grid(dated)
    assert len(_grid(default)) == 2  # both units


def test_a_coming_week_reads_no_absences(parent_client, lea, two_units):
    # Its booked days can still be cancelled: no absence to tell, none read.
    evenings, _full = two_units
    insert_booking(lea, evenings[0])
    with CaptureQueriesContext(connection) as captured:
        page = parent_client.get(_url(lea, evenings[0].date))
    assert not [q for q in captured if "reservations_absencedeclaration" in q["sql"]]
    [first, *_rest] = page.context["planning"].weeks[0].rows[0].cells
    assert (first.state, first.action) == ("booked", "cancel")
