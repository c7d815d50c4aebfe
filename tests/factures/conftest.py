"""Fixtures of the billing tests: an activity with units and tariffs (tests/factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_billed_activity, make_billed_units, make_tariffs


@pytest.fixture
def activity(db):
    return make_billed_activity()


@pytest.fixture
def units(activity):
    return make_billed_units(activity)


@pytest.fixture
def tariffs(units):
    return make_tariffs(units)
