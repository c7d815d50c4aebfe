"""Fixtures of the billing tests: an activity with units and tariffs, an invoice with its PDF
(tests/factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import (
    issue_two_children,
    make_billed_activity,
    make_billed_units,
    make_tariffs,
)


@pytest.fixture
def activity(db):
    return make_billed_activity()


@pytest.fixture
def units(activity):
    return make_billed_units(activity)


@pytest.fixture
def tariffs(units):
    return make_tariffs(units)


@pytest.fixture
def invoice(family, django_capture_on_commit_callbacks):
    """An invoice of 20.30 € whose PDF (to pay) is stored."""
    with django_capture_on_commit_callbacks(execute=True):
        return issue_two_children(family)
