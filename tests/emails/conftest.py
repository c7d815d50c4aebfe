"""The enrolment fixtures, for the emails an enrolment decision sends."""

import pytest
from django.utils import timezone

from tests.factories import make_open_activity


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def open_activity(structure, today):
    return make_open_activity(today)
