"""Fixtures of the staff-side security tests: limited staff accounts and one object per model."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from contact.services import thread_create
from espace_famille.models import User
from factures import services as billing
from factures.services import LineSpec
from famille.services import change_request_create
from inscriptions.models import Enrolment
from reservations.models import Booking, Opening
from reservations.services import openings_recount
from tests.factories import PASSWORD, make_morning_unit, make_school_year_activity, make_staff


@pytest.fixture
def view_only(structure) -> User:
    """A staff account that may look at everything and change nothing."""
    user = User.objects.create_user("lecture@example.org", PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def view_only_client(client, view_only):
    client.force_login(view_only)
    return client


@pytest.fixture
def no_rights_client(client, structure):
    client.force_login(make_staff("sansdroit@example.org"))
    return client


@pytest.fixture
def change_request(family, parent, lea):
    return change_request_create(
        family=family, user=parent, target=family, values={"address": "9 rue Volée"}
    )


@pytest.fixture
def activity(structure):
    return make_school_year_activity()


@pytest.fixture
def unit(activity):
    return make_morning_unit(activity)


@pytest.fixture
def requested_enrolment(hugo, activity):
    return Enrolment.objects.create(
        member=hugo,
        activity=activity,
        start_date=activity.start_date,
        end_date=activity.end_date,
    )


@pytest.fixture
def booking(lea, activity, unit):
    Enrolment.objects.create(
        member=lea,
        activity=activity,
        status=Enrolment.Status.ACCEPTED,
        start_date=activity.start_date,
        end_date=activity.end_date,
    )
    opening = Opening.objects.create(unit=unit, date=datetime.date(2030, 3, 6), capacity=10)
    booking = Booking.objects.create(member=lea, opening=opening)
    openings_recount(opening_ids=[opening.pk])
    return booking


@pytest.fixture
def thread(family, parent):
    return thread_create(
        family=family,
        user=parent,
        subject="Sortie de mercredi",
        body="Faut-il un pique-nique ?",
    )


@pytest.fixture
def invoice(family):
    month = datetime.date(2026, 10, 1)
    return billing.invoice_issue(
        family=family,
        period_start=month,
        period_end=month.replace(day=28),
        lines=[LineSpec(label="Matin", quantity=Decimal(2), unit_price=Decimal("6.25"))],
        issued_on=datetime.date(2026, 11, 2),
        render_pdf=False,
    )
