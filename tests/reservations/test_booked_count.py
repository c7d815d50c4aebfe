"""Opening.booked_count stays equal to the real number of active bookings on every path."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from inscriptions.models import Activity
from reservations.models import Booking, Opening
from reservations.services import (
    booking_cancel,
    booking_confirm,
    booking_create,
    bookings_cancel_for_enrolment,
    closure_apply,
    opening_update,
    openings_recount,
    waitlist_join,
)
from tests.factories import WEDNESDAY, enrol, make_family

pytestmark = pytest.mark.django_db


def real_count(opening: Opening) -> int:
    return Booking.objects.filter(opening=opening, status__in=Booking.ACTIVE).count()


def assert_exact(*openings: Opening) -> None:
    for opening in openings:
        opening.refresh_from_db()
        assert opening.booked_count == real_count(opening), opening


def test_counter_follows_every_service_path(parent, staff, lea, hugo, activity, unit, before):
    from reservations.models import Closure

    activity.waiting_list = Activity.WaitingList.AUTO
    activity.booking_needs_confirmation = True
    activity.save()
    first = Opening.objects.create(unit=unit, date=WEDNESDAY, capacity=2)
    second = Opening.objects.create(
        unit=unit, date=WEDNESDAY + datetime.timedelta(days=1), capacity=5
    )
    third = Opening.objects.create(
        unit=unit, date=WEDNESDAY + datetime.timedelta(days=2), capacity=5
    )
    paul = make_family("DUPONT", "dupont@example.org", ("Paul",)).members.get(first_name="Paul")
    enrol(lea, activity)
    hugo_enrolment = enrol(hugo, activity)
    enrol(paul, activity)
    assert_exact(first, second, third)
    assert first.booked_count == 0

    lea_booking = booking_create(member=lea, opening=first, user=None, now=before, by_staff=True)
    hugo_booking = booking_create(member=hugo, opening=first, user=parent, now=before)
    assert hugo_booking.status == Booking.Status.PENDING
    assert_exact(first)
    assert first.booked_count == 2

    booking_confirm(booking=hugo_booking, by=staff)  # pending -> booked: still one place
    assert_exact(first)
    assert first.booked_count == 2

    waitlist_join(member=paul, opening=first, user=None, now=before)
    booking_cancel(booking=lea_booking, user=parent, now=before)  # Paul booked from the list
    assert Booking.objects.get(member=paul, opening=first).status in Booking.ACTIVE
    assert_exact(first)
    assert first.booked_count == 2

    for member in (lea, hugo, paul):
        booking_create(member=member, opening=second, user=None, now=before, by_staff=True)
    booking_create(member=hugo, opening=third, user=None, now=before, by_staff=True)
    booking_create(member=lea, opening=third, user=None, now=before, by_staff=True)
    assert_exact(first, second, third)
    assert (second.booked_count, third.booked_count) == (3, 2)

    assert bookings_cancel_for_enrolment(enrolment=hugo_enrolment, by=staff, now=before) == 3
    assert_exact(first, second, third)
    assert (first.booked_count, second.booked_count, third.booked_count) == (1, 2, 1)

    opening_update(opening=second, capacity=5, is_closed=True, closed_reason="Grève", by=staff)
    assert_exact(second)
    assert second.booked_count == 0

    closure = Closure.objects.create(name="Pont", start_date=third.date, end_date=third.date)
    assert closure_apply(closure=closure, by=staff, now=before) == 1
    assert_exact(first, second, third)
    assert (first.booked_count, third.booked_count) == (1, 0)


def test_recount_repairs_stale_counters(lea, hugo, unit):
    one = Opening.objects.create(unit=unit, date=WEDNESDAY, capacity=5)
    two = Opening.objects.create(unit=unit, date=WEDNESDAY + datetime.timedelta(days=1), capacity=5)
    Booking.objects.create(member=lea, opening=one)
    Booking.objects.create(member=hugo, opening=one, status=Booking.Status.PENDING)
    Booking.objects.create(member=hugo, opening=two)
    Booking.objects.create(member=lea, opening=two, status=Booking.Status.CANCELLED)
    Opening.objects.filter(pk=two.pk).update(booked_count=7)  # stale, e.g. an import

    assert openings_recount(opening_ids=[one.pk]) == 1
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.booked_count, two.booked_count) == (2, 7)

    openings_recount()
    assert_exact(one, two)
    assert two.booked_count == 1


def test_admin_action_recounts(staff_client, lea, unit):
    opening = Opening.objects.create(unit=unit, date=WEDNESDAY, capacity=5)
    Booking.objects.create(member=lea, opening=opening)
    response = staff_client.post(
        reverse("admin:reservations_opening_changelist"),
        {"action": "action_recount", "_selected_action": [opening.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 ouverture recomptée." in response.text
    opening.refresh_from_db()
    assert opening.booked_count == 1


def test_migration_backfills_the_counters(lea, hugo, unit):
    migration = importlib.import_module("reservations.migrations.0002_opening_booked_count")
    opening = Opening.objects.create(unit=unit, date=WEDNESDAY, capacity=5)
    empty = Opening.objects.create(
        unit=unit, date=WEDNESDAY + datetime.timedelta(days=1), capacity=5
    )
    Booking.objects.create(member=lea, opening=opening)
    Booking.objects.create(member=hugo, opening=opening, status=Booking.Status.CANCELLED)
    Opening.objects.filter(pk=empty.pk).update(booked_count=3)
    migration.backfill(apps, None)
    assert_exact(opening, empty)
    assert (opening.booked_count, empty.booked_count) == (1, 0)
