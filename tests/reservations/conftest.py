"""Fixtures for the booking tests: an activity, its unit, openings and an accepted enrolment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from inscriptions.models import Activity, Enrolment, Unit
from reservations.models import Booking, Opening
from reservations.services import openings_recount

# A fixed week far from today: services get `now=` explicitly.
WEDNESDAY = datetime.date(2030, 3, 6)


def aware(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def activity(structure):
    return Activity.objects.create(
        name="Accueil du mercredi",
        service=Activity.Service.LOISIRS,
        start_date=datetime.date(2029, 9, 1),
        end_date=datetime.date(2030, 7, 4),
        booking_notice="days",
        booking_notice_days=2,
        booking_notice_time=datetime.time(12, 0),
        cancel_notice="days",
        cancel_notice_days=1,
        cancel_notice_time=datetime.time(18, 0),
    )


@pytest.fixture
def unit(activity):
    return Unit.objects.create(
        activity=activity,
        name="Matin",
        start_time=datetime.time(8, 30),
        end_time=datetime.time(12, 0),
        weekdays="12345",
        capacity=10,
    )


def enrol(member, activity, status=Enrolment.Status.ACCEPTED) -> Enrolment:
    return Enrolment.objects.create(
        member=member,
        activity=activity,
        status=status,
        start_date=activity.start_date,
        end_date=activity.end_date,
    )


def insert_booking(member, opening, **fields) -> Booking:
    """A booking written straight to the table (no rule checked), its opening's count kept."""
    booking = Booking.objects.create(member=member, opening=opening, **fields)
    openings_recount(opening_ids=[opening.pk])
    return booking


@pytest.fixture
def enrolled(lea, activity):
    return enrol(lea, activity)


@pytest.fixture
def opening(unit):
    return Opening.objects.create(unit=unit, date=WEDNESDAY, capacity=10)


@pytest.fixture
def before():
    """Comfortably before every deadline of WEDNESDAY."""
    return aware(2030, 3, 1, 9, 0)


def canteen_weeks(family):
    """Léa enrolled in a canteen with four openings in two weeks' time: (lea, that monday)."""
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Restauration scolaire",
        service="restauration",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=200),
    )
    unit = Unit.objects.create(activity=activity, name="Repas", weekdays="1245", capacity=12)
    lea = family.members.get(first_name="Léa")
    enrol(lea, activity)
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=2)
    for offset in (0, 1, 3, 4):
        Opening.objects.create(
            unit=unit, date=monday + datetime.timedelta(days=offset), capacity=12
        )
    return lea, monday
