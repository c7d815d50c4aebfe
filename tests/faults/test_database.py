"""The database connection is lost in the middle of a booking, a billing run and a payment
confirmation: a French 503 page (no stack trace), nothing half-written, and a retry succeeds.

On PostgreSQL the server really ends the connection (pg_terminate_backend); SQLite has no
connection to lose, so its driver's OperationalError is raised at the same point. The point is
the service's audit record, its last write before the commit: every other write of the change
is already done and must be rolled back with it.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from espace_famille import audit
from espace_famille.models import AuditEvent, StaffJob
from factures.audit_kinds import BillingEvent
from factures.models import BilledBooking, Invoice, InvoiceLine, Payment, ProviderEvent
from factures.payments.sandbox import SIGNATURE_HEADER, build_notification
from factures.services import payment_start
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Opening
from tests.factories import (
    OCTOBER,
    WEDNESDAY,
    book,
    child,
    enrol,
    issue,
    make_morning_unit,
    make_school_year_activity,
)

pytestmark = pytest.mark.django_db(transaction=True)

UNAVAILABLE = "La base de données ne répond pas"


def drop_connection() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    raise OperationalError("server closed the connection unexpectedly")


@contextmanager
def connection_lost_at(kind: str, *, skip: int = 0):
    """Lose the connection when the service records its audit event `kind` (after `skip`)."""
    real = audit.record
    seen = 0

    def record(family, user, event_kind, *args, **kwargs):
        nonlocal seen
        if event_kind == kind:
            seen += 1
            if seen > skip:
                drop_connection()
        return real(family, user, event_kind, *args, **kwargs)

    with mock.patch.object(audit, "record", record):
        yield


def assert_clean_503(response) -> None:
    assert response.status_code == 503
    page = response.content.decode()
    assert UNAVAILABLE in page
    assert "Veuillez réessayer dans quelques minutes." in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert response["Retry-After"] == "30"


@pytest.fixture
def opening(structure):
    activity = make_school_year_activity("Mercredis")
    unit = make_morning_unit(activity)
    return Opening.objects.create(unit=unit, date=WEDNESDAY, capacity=10)


def test_booking_interrupted_then_retried(parent_client, lea, opening):
    enrol(lea, opening.unit.activity)
    url = reverse("reservations:planning", args=[lea.pk]) + f"?date={WEDNESDAY.isoformat()}"

    with connection_lost_at(BookingEvent.BOOKING_CREATED):
        response = parent_client.post(url, {"book": [opening.pk]})

    assert_clean_503(response)
    assert not Booking.objects.exists()
    opening.refresh_from_db()
    assert opening.booked_count == 0
    assert not AuditEvent.objects.filter(kind=BookingEvent.BOOKING_CREATED).exists()

    retry = parent_client.post(url, {"book": [opening.pk]})
    assert retry.status_code == 302
    assert Booking.objects.get().member == lea
    opening.refresh_from_db()
    assert opening.booked_count == 1


def test_billing_job_interrupted_then_retried(staff_client, family, other_family, units, tariffs):
    for household in (family, other_family):
        first_name = "Léa" if household == family else "Zoé"
        book(child(household, first_name), units["repas"], datetime.date(2026, 10, 7))
        book(child(household, first_name), units["repas"], datetime.date(2026, 10, 14))
    url = reverse("admin:factures_invoice_billing_run")

    # The run is a background job: the first household's invoice is committed; the connection
    # is lost during the second. The job ends in failure, its page says so, nothing half-done.
    with connection_lost_at(BillingEvent.INVOICE_ISSUED, skip=1):
        response = staff_client.post(url, {"month": f"{OCTOBER:%Y-%m}"})

    assert response.status_code == 302
    job = StaffJob.objects.get()
    assert job.state == StaffJob.State.FAILED
    assert "Erreur inattendue" in job.error
    first = Invoice.objects.get()
    assert first.lines.count() == 1
    assert BilledBooking.objects.count() == 2  # the first household's bookings only
    assert BilledBooking.objects.filter(line__invoice=first).count() == 2

    retry = staff_client.post(url, {"month": f"{OCTOBER:%Y-%m}"})
    assert retry.status_code == 302
    assert StaffJob.objects.latest("pk").state == StaffJob.State.SUCCEEDED
    invoices = list(Invoice.objects.order_by("number"))
    assert [i.family_id for i in invoices] == [
        first.family_id,
        (family.pk + other_family.pk) - first.family_id,
    ]
    year = invoices[0].issued_on.year
    assert [i.number for i in invoices] == [f"{year}-000001", f"{year}-000002"]  # no gap
    assert InvoiceLine.objects.count() == 2
    assert BilledBooking.objects.count() == 4  # every booking billed once
    assert all(i.total == Decimal("8.00") for i in invoices)


def test_payment_confirmation_interrupted_then_retried(client, family, parent):
    invoice = issue(family, "42.00")
    payment = payment_start(
        family=family, invoice_ids=[invoice.pk], user=parent, provider="sandbox"
    )
    body, signature = build_notification(payment, paid=True)
    url = reverse("factures:payment_notification", args=["sandbox"])
    headers = {f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": signature}

    with connection_lost_at(BillingEvent.PAYMENT_SUCCEEDED):
        response = client.post(url, body, content_type="application/json", **headers)

    assert_clean_503(response)  # the provider sends the notification again later
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert invoice.amount_settled == Decimal("0.00")
    assert not payment.allocations.filter(applied=True).exists()
    assert not ProviderEvent.objects.exists()  # the event is processed again on retry

    retry = client.post(url, body, content_type="application/json", **headers)
    assert retry.status_code == 200
    again = client.post(url, body, content_type="application/json", **headers)
    assert again.json() == {"status": "duplicate"}
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert invoice.amount_settled == Decimal("42.00")  # settled once
    assert payment.allocations.filter(applied=True).count() == 1


def test_the_503_page_speaks_english_to_visitors_who_chose_it(
    settings, parent_client, lea, opening
):
    enrol(lea, opening.unit.activity)
    parent_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("reservations:planning", args=[lea.pk])

    with connection_lost_at(BookingEvent.BOOKING_CREATED):
        response = parent_client.post(url, {"book": [opening.pk]})

    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "The database is not answering. Your request was not saved." in page
