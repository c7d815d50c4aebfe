"""Fixtures of the billing tests: an activity with units, tariffs, bookings and invoices."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from factures import services
from factures.models import Tariff
from factures.services import LineSpec
from inscriptions.models import Activity, Unit
from reservations.models import Booking, Opening
from reservations.services import openings_recount

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def activity(db):
    return Activity.objects.create(
        name="Mercredis loisirs",
        service=Activity.Service.LOISIRS,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
    )


@pytest.fixture
def units(activity):
    return {
        "matin": Unit.objects.create(activity=activity, name="Matin", order=1),
        "repas": Unit.objects.create(activity=activity, name="Repas", order=2),
    }


@pytest.fixture
def tariffs(units):
    """Matin: 3 € up to QF 700, 5 € from 701 (and for an unknown QF). Repas: 4 € for all."""
    start = datetime.date(2026, 9, 1)
    return [
        Tariff.objects.create(unit=units["matin"], price="3.00", valid_from=start, qf_max=700),
        Tariff.objects.create(unit=units["matin"], price="5.00", valid_from=start, qf_min=701),
        Tariff.objects.create(unit=units["repas"], price="4.00", valid_from=start),
    ]


def book(member, unit, day: datetime.date, *, status="booked", late=False) -> Booking:
    opening, _created = Opening.objects.get_or_create(
        unit=unit, date=day, defaults={"capacity": 20}
    )
    booking = Booking.objects.create(
        member=member, opening=opening, status=status, late_cancellation=late
    )
    openings_recount(opening_ids=[opening.pk])  # the places shown stay right
    return booking


def child(family, first_name):
    return family.members.get(first_name=first_name)


def issue(family, *amounts: str, month: datetime.date = OCTOBER, issued_on=None):
    """An invoice of one line per amount (no PDF, rendered by the tests that need it)."""
    return services.invoice_issue(
        family=family,
        period_start=month,
        period_end=month.replace(day=28),
        lines=[
            LineSpec(label=f"Ligne {i}", quantity=Decimal(1), unit_price=Decimal(amount))
            for i, amount in enumerate(amounts, start=1)
        ],
        issued_on=issued_on or datetime.date(2026, 11, 2),
        render_pdf=False,
    )
