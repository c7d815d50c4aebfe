"""The booking rule: refuse new bookings while the overdue balance is above the threshold."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from factures.models import BillingSettings
from factures.rules import overdue_balance_rule
from factures.selectors import overdue_balance
from reservations.registry import booking_rules
from tests.factories import child, issue

pytestmark = pytest.mark.django_db


def _overdue(family, amount):
    # issued 60 days ago, due after 30: overdue today
    return issue(family, amount, issued_on=timezone.localdate() - datetime.timedelta(days=60))


def test_registered_with_the_booking_rules():
    assert overdue_balance_rule in booking_rules.items()


def test_no_threshold_never_refuses(family):
    _overdue(family, "500.00")
    assert overdue_balance_rule(member=child(family, "Léa"), opening=None, user=None) is None


def test_refuses_above_the_threshold_with_a_link(family, other_family):
    BillingSettings.objects.create(overdue_threshold=Decimal("20.00"))
    _overdue(family, "15.00")
    issue(family, "100.00")  # not yet due
    _overdue(other_family, "90.00")
    lea = child(family, "Léa")
    assert overdue_balance(family.pk) == Decimal("15.00")
    assert overdue_balance_rule(member=lea, opening=None, user=None) is None
    _overdue(family, "5.01")
    message = overdue_balance_rule(member=lea, opening=None, user=None)
    assert "20,01\xa0€" in message  # French figures
    assert "/factures/" in message


def test_overdue_balance_is_one_query(family, django_assert_num_queries):
    _overdue(family, "15.00")
    with django_assert_num_queries(1):
        overdue_balance(family.pk)


def test_booking_refused_through_the_reservations_service(family, parent, units):
    from inscriptions.models import Enrolment
    from reservations.models import Opening
    from reservations.services import BookingRefused, booking_create

    BillingSettings.objects.create(overdue_threshold=Decimal("10.00"))
    _overdue(family, "50.00")
    lea = child(family, "Léa")
    day = timezone.localdate() + datetime.timedelta(days=30)
    Enrolment.objects.create(
        member=lea,
        activity=units["repas"].activity,
        status=Enrolment.Status.ACCEPTED,
        start_date=day - datetime.timedelta(days=60),
        end_date=day + datetime.timedelta(days=60),
    )
    opening = Opening.objects.create(unit=units["repas"], date=day, capacity=10)
    with pytest.raises(BookingRefused) as refused:
        booking_create(member=lea, opening=opening, user=parent)
    assert "/factures/" in str(refused.value)
    BillingSettings.objects.update(overdue_threshold=None)
    assert booking_create(member=lea, opening=opening, user=parent).pk
