"""Openings generated from the weekly pattern, and the typical week booked across a holiday."""

import datetime

import pytest

from reservations.models import Booking, Closure, Opening
from reservations.services import openings_generate, typical_week_apply
from tests.factories import aware

D = datetime.date


@pytest.fixture
def spring(activity, unit):
    Closure.objects.create(
        name="Vacances de printemps", start_date=D(2030, 4, 13), end_date=D(2030, 4, 28)
    )
    return openings_generate(activity=activity, start=D(2030, 4, 1), end=D(2030, 5, 10))


def test_generation_closes_holidays_and_bank_holidays(activity, unit, spring):
    # 30 weekdays from 1 April to 10 May 2030, each one opening of the single unit.
    assert spring == 30
    assert not Opening.objects.filter(date=D(2030, 4, 6)).exists()  # Saturday
    assert Opening.objects.get(date=D(2030, 4, 15)).closed_reason == "Vacances de printemps"
    assert Opening.objects.get(date=D(2030, 5, 1)).closed_reason == "Jour férié"
    assert Opening.objects.get(date=D(2030, 5, 8)).is_closed
    assert not Opening.objects.get(date=D(2030, 5, 2)).is_closed
    assert Opening.objects.get(date=D(2030, 5, 2)).capacity == unit.capacity
    # Running it again creates nothing and leaves staff changes alone.
    Opening.objects.filter(date=D(2030, 5, 2)).update(capacity=3)
    assert openings_generate(activity=activity, start=D(2030, 4, 1), end=D(2030, 5, 10)) == 0
    assert Opening.objects.get(date=D(2030, 5, 2)).capacity == 3


def test_closure_for_other_activities_only(activity, unit):
    from inscriptions.models import Activity

    other = Activity.objects.create(
        name="Autre", service="autre", start_date=D(2030, 1, 1), end_date=D(2030, 12, 31)
    )
    closure = Closure.objects.create(
        name="Sortie", start_date=D(2030, 4, 2), end_date=D(2030, 4, 2)
    )
    closure.activities.add(other)
    openings_generate(activity=activity, start=D(2030, 4, 1), end=D(2030, 4, 5))
    assert not Opening.objects.get(date=D(2030, 4, 2)).is_closed


def test_typical_week_across_a_holiday(parent, lea, unit, enrolled, spring):
    Opening.objects.filter(date=D(2030, 4, 8)).update(capacity=0)
    summary = typical_week_apply(
        member=lea,
        user=parent,
        pattern={(unit.pk, 1), (unit.pk, 3)},  # Mondays and Wednesdays
        start=D(2030, 4, 1),
        end=D(2030, 5, 10),
        now=aware(2030, 3, 30, 13, 0),  # Monday 1 April: deadline Saturday noon, gone
    )

    def days(openings):
        return [o.date for o in openings]

    assert days(summary.booked) == [D(2030, 4, 3), D(2030, 4, 10), D(2030, 4, 29), D(2030, 5, 6)]
    assert days(summary.full) == [D(2030, 4, 8)]
    assert days(summary.past_deadline) == [D(2030, 4, 1)]
    assert days(summary.closed) == [
        D(2030, 4, 15),
        D(2030, 4, 17),
        D(2030, 4, 22),
        D(2030, 4, 24),
        D(2030, 5, 1),
        D(2030, 5, 8),
    ]
    assert summary.refused == []
    booked = Booking.objects.filter(member=lea, status="booked")
    assert sorted(b.opening.date for b in booked) == days(summary.booked)

    again = typical_week_apply(
        member=lea,
        user=parent,
        pattern={(unit.pk, 1), (unit.pk, 3)},
        start=D(2030, 4, 1),
        end=D(2030, 5, 10),
        now=aware(2030, 3, 30, 13, 0),
    )
    assert again.booked == []
    assert len(again.already) == 4
