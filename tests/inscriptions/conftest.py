"""Fixtures for the enrolment tests: an activity open to requests now."""

import pytest
from django.utils import timezone

from tests.factories import make_open_activity


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def open_activity(structure, today):
    return make_open_activity(today)


@pytest.fixture
def hugo_member(family):
    return family.members.get(first_name="Hugo")
