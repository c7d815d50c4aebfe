"""Waiting list: join when full; a freed place is offered or booked, and the family emailed."""

import pytest
from django.core import mail

from documents.models import DocumentType, Submission
from espace_famille.models import AuditEvent
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.services import (
    BookingRefused,
    booking_cancel,
    booking_create,
    opening_update,
    waitlist_join,
    waitlist_leave,
)
from tests.factories import aware, enrol, make_family, make_parent


@pytest.fixture
def full(parent, hugo, activity, opening, enrolled, before):
    """Capacity 1, taken by Hugo; Léa (enrolled) finds it full."""
    enrol(hugo, activity)
    Opening.objects.filter(pk=opening.pk).update(capacity=1)
    return booking_create(member=hugo, opening=opening, user=parent, now=before)


def test_join_only_when_full(parent, lea, opening, enrolled, before):
    with pytest.raises(BookingRefused, match="des places sont libres, réservez directement"):
        waitlist_join(member=lea, opening=opening, user=parent, now=before)


def test_join_and_not_twice(parent, lea, opening, full, before):
    entry = waitlist_join(member=lea, opening=opening, user=parent, now=before)
    assert entry.status == WaitingListEntry.Status.WAITING
    assert AuditEvent.objects.filter(kind=BookingEvent.WAITLIST_JOINED).count() == 1
    with pytest.raises(BookingRefused, match="déjà sur la liste d'attente"):
        waitlist_join(member=lea, opening=opening, user=parent, now=before)


def test_cancellation_offers_the_place_to_the_first_in_line(
    parent, lea, opening, full, before, django_capture_on_commit_callbacks
):
    other = make_family("DUPONT", "dupont@example.org", ("Paul",))
    make_parent(other, "parent-dupont@example.org")
    paul = other.members.get(first_name="Paul")
    enrol(paul, opening.unit.activity)
    first = waitlist_join(member=lea, opening=opening, user=parent, now=before)
    second = waitlist_join(member=paul, opening=opening, user=None, now=before)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=full, user=parent, now=before)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingListEntry.Status.OFFERED
    assert second.status == WaitingListEntry.Status.WAITING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["famille-test@example.org", "parent@example.org"]  # family_recipients
    assert "Une place s'est libérée pour Léa" in message.subject
    assert "Elle vous est réservée" in message.body
    assert "avant le lundi 4 mars à 12:00" in message.body
    html = message.alternatives[0][0]
    assert "Elle vous est réservée" in html
    # The place is held for Léa: Paul cannot take it, Léa can.
    with pytest.raises(BookingRefused) as refused:
        booking_create(member=paul, opening=opening, user=None, now=before)
    assert refused.value.code == BookingRefused.FULL
    booking = booking_create(member=lea, opening=opening, user=parent, now=before)
    first.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert first.status == WaitingListEntry.Status.BOOKED


def test_declining_an_offer_passes_it_on(parent, lea, hugo, opening, full, before):
    other = make_family("DUPONT", "dupont@example.org", ("Paul",))
    paul = other.members.get(first_name="Paul")
    enrol(paul, opening.unit.activity)
    first = waitlist_join(member=lea, opening=opening, user=parent, now=before)
    second = waitlist_join(member=paul, opening=opening, user=None, now=before)
    booking_cancel(booking=full, user=parent, now=before)
    waitlist_leave(entry=first, user=parent, now=before)
    second.refresh_from_db()
    assert second.status == WaitingListEntry.Status.OFFERED


def test_automatic_booking_when_capacity_is_raised(
    parent, staff, lea, activity, opening, full, before, django_capture_on_commit_callbacks
):
    activity.waiting_list = activity.WaitingList.AUTO
    activity.save()
    entry = waitlist_join(member=lea, opening=opening, user=parent, now=before)

    with django_capture_on_commit_callbacks(execute=True):
        opening_update(opening=opening, capacity=2, is_closed=False, by=staff, now=before)

    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.BOOKED
    booking = Booking.objects.get(member=lea, opening=opening)
    assert booking.status == Booking.Status.BOOKED
    assert AuditEvent.objects.filter(
        kind=BookingEvent.BOOKING_CREATED, summary__contains="depuis la liste d'attente"
    ).exists()
    assert len(mail.outbox) == 1
    assert "Place réservée pour Léa" in mail.outbox[0].subject
    assert "depuis la liste d'attente" in mail.outbox[0].body
    assert "depuis la liste d'attente" in mail.outbox[0].alternatives[0][0]


def test_no_promotion_after_the_booking_deadline(
    parent, staff, lea, opening, full, before, django_capture_on_commit_callbacks
):
    entry = waitlist_join(member=lea, opening=opening, user=parent, now=before)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=full, user=staff, by_staff=True, now=aware(2030, 3, 5, 9, 0))
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.WAITING
    assert mail.outbox == []


def test_closing_a_day_cancels_its_bookings_without_billing(staff, opening, full, before):
    opening_update(opening=opening, capacity=1, is_closed=True, by=staff, now=before)
    full.refresh_from_db()
    assert full.status == Booking.Status.CANCELLED
    assert full.late_cancellation is False


def test_automatic_booking_skips_a_member_who_may_not_book(
    parent, staff, lea, activity, opening, full, before
):
    activity.waiting_list = activity.WaitingList.AUTO
    activity.save()
    other = make_family("DUPONT", "dupont@example.org", ("Paul",))
    paul = other.members.get(first_name="Paul")
    enrol(paul, activity)
    first = waitlist_join(member=lea, opening=opening, user=parent, now=before)
    second = waitlist_join(member=paul, opening=opening, user=None, now=before)
    # Léa's household has not sent a mandatory document since: Paul gets the place.
    home = DocumentType.objects.create(name="Justificatif de domicile", scope="family")
    Submission.objects.create(
        family=other, document_type=home, file="d.pdf", content_type="application/pdf"
    )
    opening_update(opening=opening, capacity=2, is_closed=False, by=staff, now=before)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("waiting", "booked")
    assert Booking.objects.filter(opening=opening, member=paul, status="booked").exists()
