"""Fixtures for the booking tests: an activity, its unit, openings and an accepted enrolment."""

from __future__ import annotations

import datetime

import pytest

from reservations.models import Opening
from tests.factories import WEDNESDAY, aware, enrol, make_morning_unit, make_school_year_activity


@pytest.fixture
def activity(structure):
    return make_school_year_activity(
        booking_notice="days",
        booking_notice_days=2,
        booking_notice_time=datetime.time(12, 0),
        cancel_notice="days",
        cancel_notice_days=1,
        cancel_notice_time=datetime.time(18, 0),
    )


@pytest.fixture
def unit(activity):
    return make_morning_unit(activity)


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
