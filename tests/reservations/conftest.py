"""Fixtures for the booking tests: an activity, its unit, openings and an accepted enrolment."""

from __future__ import annotations

import datetime

import pytest

from inscriptions.models import Activity, Unit
from reservations.models import Opening
from tests.factories import WEDNESDAY, aware, enrol


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
