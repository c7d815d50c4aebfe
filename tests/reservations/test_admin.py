"""Staff side: openings with their booked children, capacity and closures, bookings on behalf."""

import datetime

from django.urls import reverse
from django.utils import timezone

from espace_famille.models import AuditEvent
from inscriptions.models import Activity, Unit
from reservations.models import Booking, Closure, Opening, WaitingListEntry
from tests.factories import enrol, insert_booking


def _live(lea, capacity=1):
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Cantine",
        service="restauration",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=100),
    )
    unit = Unit.objects.create(activity=activity, name="Repas", capacity=capacity)
    enrol(lea, activity)
    opening = Opening.objects.create(
        unit=unit, date=today + datetime.timedelta(days=20), capacity=capacity
    )
    return activity, unit, opening


def test_changelists_and_opening_page_list_the_children(staff_client, lea, hugo):
    _activity, _unit, opening = _live(lea)
    insert_booking(lea, opening)
    for name in ("opening", "booking", "closure", "waitinglistentry"):
        assert staff_client.get(reverse(f"admin:reservations_{name}_changelist")).status_code == 200
    page = staff_client.get(reverse("admin:reservations_opening_change", args=[opening.pk]))
    assert page.status_code == 200
    assert "Léa TEST" in page.text


def test_raising_the_capacity_promotes_the_waiting_list(staff_client, staff, lea, hugo):
    activity, _unit, opening = _live(lea)
    enrol(hugo, activity)
    insert_booking(lea, opening)
    entry = WaitingListEntry.objects.create(member=hugo, opening=opening)
    response = staff_client.post(
        reverse("admin:reservations_opening_change", args=[opening.pk]),
        {
            "capacity": 2,
            "closed_reason": "",
            "bookings-TOTAL_FORMS": 1,
            "bookings-INITIAL_FORMS": 1,
            "bookings-MIN_NUM_FORMS": 0,
            "bookings-MAX_NUM_FORMS": 1000,
            "bookings-0-id": Booking.objects.get(member=lea).pk,
            "bookings-0-opening": opening.pk,
            "waiting_list-TOTAL_FORMS": 1,
            "waiting_list-INITIAL_FORMS": 1,
            "waiting_list-MIN_NUM_FORMS": 0,
            "waiting_list-MAX_NUM_FORMS": 1000,
            "waiting_list-0-id": entry.pk,
            "waiting_list-0-opening": opening.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    opening.refresh_from_db()
    entry.refresh_from_db()
    assert opening.capacity == 2
    assert entry.status == WaitingListEntry.Status.OFFERED


def test_staff_books_on_behalf_and_it_is_audited(staff_client, staff, lea):
    _activity, _unit, opening = _live(lea)
    response = staff_client.post(
        reverse("admin:reservations_booking_add"), {"member": lea.pk, "opening": opening.pk}
    )
    assert response.status_code == 302
    booking = Booking.objects.get(member=lea)
    assert booking.created_by == staff
    assert AuditEvent.objects.get(kind="booking_created").user == staff
    # A second one is refused with the rule's message, not a server error.
    again = staff_client.post(
        reverse("admin:reservations_booking_add"), {"member": lea.pk, "opening": opening.pk}
    )
    assert again.status_code == 200
    assert "est déjà inscrit(e)" in again.text


def test_staff_cancels_on_behalf(staff_client, staff, lea):
    _activity, _unit, opening = _live(lea)
    booking = insert_booking(lea, opening)
    # An action runs on the rows of the list it was posted from: the list that shows the
    # booking (the default one shows the coming week only).
    staff_client.post(
        reverse("admin:reservations_booking_changelist") + "?quand=toutes",
        {"action": "action_cancel_billed", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.late_cancellation
    assert AuditEvent.objects.get(kind="booking_cancelled").user == staff


def test_generate_openings_and_closure_from_the_admin(staff_client, lea):
    activity, unit, _opening = _live(lea)
    unit.weekdays = "3"
    unit.save()
    response = staff_client.post(
        reverse("admin:reservations_opening_generate"),
        {"activity": activity.pk, "start": "2031-03-01", "end": "2031-03-31", "capacity": 8},
    )
    assert response.status_code == 302
    wednesdays = Opening.objects.filter(date__year=2031).order_by("date")
    assert [o.date.day for o in wednesdays] == [5, 12, 19, 26]
    assert {o.capacity for o in wednesdays} == {8}
    staff_client.post(
        reverse("admin:reservations_closure_add"),
        {"name": "Journée pédagogique", "start_date": "2031-03-12", "end_date": "2031-03-12"},
    )
    assert Closure.objects.count() == 1
    assert Opening.objects.get(date=datetime.date(2031, 3, 12)).is_closed


def test_a_year_of_openings_is_generated_as_a_job_with_its_result(staff_client, lea):
    from espace_famille.models import StaffJob

    activity, unit, _opening = _live(lea)
    unit.weekdays = "3"
    unit.save()
    response = staff_client.post(
        reverse("admin:reservations_opening_generate"),
        {"activity": activity.pk, "start": "2031-01-01", "end": "2031-12-31", "capacity": 8},
    )
    job = StaffJob.objects.get(kind="reservations.openings_generate")
    assert response.url == reverse("admin:espace_famille_staffjob_progress", args=[job.pk])
    assert (job.state, job.done, job.total) == ("succeeded", 12, 12)  # a month per step
    created = Opening.objects.filter(date__year=2031).count()
    assert created == 53  # the Wednesdays of 2031, holidays created closed
    page = staff_client.get(response.url).content.decode()
    assert f"{created} ouvertures créées." in page


def test_add_pages_load(staff_client):
    for name in (
        "inscriptions_activity",
        "inscriptions_enrolment",
        "inscriptions_unit",
        "reservations_opening",
        "reservations_booking",
        "reservations_closure",
    ):
        assert staff_client.get(reverse(f"admin:{name}_add")).status_code == 200, name
    assert staff_client.get(reverse("admin:reservations_opening_generate")).status_code == 200


def test_the_booking_list_shows_places_taken_capacity_and_the_waiting_list(staff_client, lea, hugo):
    _activity, _unit, opening = _live(lea)
    insert_booking(lea, opening)
    Opening.objects.filter(pk=opening.pk).update(booked_count=1)
    WaitingListEntry.objects.create(member=hugo, opening=opening)
    page = staff_client.get(reverse("admin:reservations_booking_changelist"), {"quand": "a_venir"})
    assert "1 / 1 (1 en attente)" in page.text


def test_long_booking_lists_show_the_planner_s_estimate_on_postgresql(
    staff_client, lea, monkeypatch
):
    from django.db import connection

    from espace_famille.admin_security import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)  # "long" from one row
    _activity, _unit, opening = _live(lea)
    insert_booking(lea, opening)
    page = staff_client.get(reverse("admin:reservations_booking_changelist"), {"quand": "toutes"})
    # SQLite counts exactly; PostgreSQL shows its estimate, marked as such in the pager.
    estimated = connection.vendor == "postgresql"
    pager = page.text.split('class="paginator">', 1)[1].split("</p>", 1)[0]
    assert ("environ" in pager) == estimated
