"""Fixtures for the enrolment tests: an activity open to requests now."""

import datetime

import pytest
from django.utils import timezone

from inscriptions.models import Activity, Unit


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def open_activity(structure, today):
    activity = Activity.objects.create(
        name="Accueil de loisirs du mercredi",
        service=Activity.Service.LOISIRS,
        start_date=today + datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=200),
        enrolment_opens_on=today - datetime.timedelta(days=5),
        enrolment_closes_on=today + datetime.timedelta(days=5),
        min_age=3,
        max_age=12,
        capacity=24,
    )
    Unit.objects.create(activity=activity, name="Journée", weekdays="3", capacity=24)
    return activity


@pytest.fixture
def hugo_member(family):
    return family.members.get(first_name="Hugo")
