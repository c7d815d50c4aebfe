"""Booking rules, each with its French message; cancelling; audit; billable bookings."""

import datetime

import pytest

from documents.models import DocumentType, Submission
from espace_famille.models import AuditEvent
from inscriptions.audit_kinds import EnrolmentEvent
from inscriptions.models import Enrolment
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Opening
from reservations.registry import booking_rules
from reservations.selectors import billable_bookings
from reservations.services import (
    BookingRefused,
    booking_cancel,
    booking_confirm,
    booking_create,
)
from tests.factories import WEDNESDAY, aware, enrol


def refusal(**kwargs) -> BookingRefused:
    with pytest.raises(BookingRefused) as caught:
        booking_create(**kwargs)
    return caught.value


def test_booking_is_audited(parent, lea, opening, enrolled, before):
    booking = booking_create(member=lea, opening=opening, user=parent, now=before)
    assert booking.status == Booking.Status.BOOKED
    assert booking.created_by == parent
    event = AuditEvent.objects.get(kind=BookingEvent.BOOKING_CREATED)
    assert event.family == lea.family
    assert event.user == parent
    assert "Léa TEST, Matin du mercredi 6 mars" in event.summary


def test_not_enrolled(parent, lea, opening, before):
    refused = refusal(member=lea, opening=opening, user=parent, now=before)
    assert refused.code == BookingRefused.NOT_ENROLLED
    assert refused.message == (
        "Léa TEST n'est pas inscrit(e) à « Accueil du mercredi » pour le mercredi 6 mars."
    )


@pytest.mark.parametrize("status", ["requested", "refused", "cancelled"])
def test_enrolment_must_be_accepted(parent, lea, activity, opening, before, status):
    enrol(lea, activity, status)
    assert refusal(member=lea, opening=opening, user=parent, now=before).code == "not_enrolled"


def test_enrolment_must_cover_the_day(parent, lea, activity, opening, before):
    enrolment = enrol(lea, activity)
    Enrolment.objects.filter(pk=enrolment.pk).update(start_date=WEDNESDAY + datetime.timedelta(1))
    assert refusal(member=lea, opening=opening, user=parent, now=before).code == "not_enrolled"


def test_closed(parent, lea, opening, enrolled, before):
    Opening.objects.filter(pk=opening.pk).update(is_closed=True)
    refused = refusal(member=lea, opening=opening, user=parent, now=before)
    assert refused.code == BookingRefused.CLOSED
    assert refused.message == "Matin du mercredi 6 mars : fermé."


def test_capacity(parent, lea, hugo, activity, opening, enrolled, before):
    enrol(hugo, activity)
    Opening.objects.filter(pk=opening.pk).update(capacity=1)
    booking_create(member=hugo, opening=opening, user=parent, now=before)
    refused = refusal(member=lea, opening=opening, user=parent, now=before)
    assert refused.code == BookingRefused.FULL
    assert refused.message == (
        "Matin du mercredi 6 mars : complet. Vous pouvez vous inscrire sur la liste d'attente."
    )
    assert Booking.objects.count() == 1


def test_not_twice(parent, lea, opening, enrolled, before):
    booking_create(member=lea, opening=opening, user=parent, now=before)
    refused = refusal(member=lea, opening=opening, user=parent, now=before)
    assert refused.code == BookingRefused.TWICE
    assert refused.message == "Léa TEST est déjà inscrit(e) : Matin du mercredi 6 mars."
    assert Booking.objects.filter(member=lea).count() == 1


def test_a_cancelled_booking_can_be_booked_again(parent, lea, opening, enrolled, before):
    booking = booking_create(member=lea, opening=opening, user=parent, now=before)
    booking_cancel(booking=booking, user=parent, now=before)
    again = booking_create(member=lea, opening=opening, user=parent, now=before)
    assert again.pk != booking.pk


def test_mandatory_documents(parent, lea, activity, opening, enrolled, before):
    insurance = DocumentType.objects.create(
        name="Attestation d'assurance", scope=DocumentType.Scope.ACTIVITY, mandatory=True
    )
    activity.required_documents.add(insurance)
    refused = refusal(member=lea, opening=opening, user=parent, now=before)
    assert refused.code == BookingRefused.DOCUMENTS
    assert refused.message == (
        "Documents obligatoires manquants pour Léa TEST : Attestation d'assurance."
    )
    # A document waiting for review is enough.
    Submission.objects.create(
        family=lea.family, member=lea, document_type=insurance, file="x.pdf", content_type="pdf"
    )
    assert booking_create(member=lea, opening=opening, user=parent, now=before)


def test_registered_rule_runs_for_parents_not_for_staff(
    parent, staff, lea, opening, enrolled, before
):
    calls = []

    def overdue(*, member, opening, user):
        calls.append((member, opening, user))
        return "Votre solde impayé dépasse le seuil : réglez vos factures pour réserver."

    with booking_rules.added(overdue):
        refused = refusal(member=lea, opening=opening, user=parent, now=before)
        assert refused.message == (
            "Votre solde impayé dépasse le seuil : réglez vos factures pour réserver."
        )
        assert calls == [(lea, opening, parent)]
        booking = booking_create(member=lea, opening=opening, user=staff, now=before, by_staff=True)
        assert booking.created_by == staff


def test_portal_booking_off(parent, lea, activity, opening, enrolled, before):
    activity.portal_booking = False
    activity.save()
    refused = refusal(member=lea, opening=opening, user=parent, now=before)
    assert refused.message == (
        "Les réservations de « Accueil du mercredi » se font auprès de la structure."
    )


def test_staff_books_after_the_deadline(staff, lea, opening, enrolled):
    late = aware(2030, 3, 5, 9, 0)
    booking = booking_create(member=lea, opening=opening, user=staff, now=late, by_staff=True)
    assert booking.status == Booking.Status.BOOKED


def test_confirmation_needed(parent, staff, lea, activity, opening, enrolled, before):
    activity.booking_needs_confirmation = True
    activity.save()
    booking = booking_create(member=lea, opening=opening, user=parent, now=before)
    assert booking.status == Booking.Status.PENDING
    booking_confirm(booking=booking, by=staff)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_cancel_is_audited_and_late_staff_cancellation_is_billable(
    parent, staff, lea, hugo, activity, opening, enrolled, before
):
    enrol(hugo, activity)
    early = booking_create(member=lea, opening=opening, user=parent, now=before)
    late = booking_create(member=hugo, opening=opening, user=parent, now=before)
    booking_cancel(booking=early, user=parent, now=before)
    booking_cancel(booking=late, user=staff, by_staff=True, now=aware(2030, 3, 6, 7, 0))
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.late_cancellation, late.late_cancellation) == (False, True)
    assert early.cancelled_by == parent
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert kinds.count(BookingEvent.BOOKING_CANCELLED) == 2
    assert AuditEvent.objects.filter(summary__contains="hors délai, facturée").count() == 1
    with pytest.raises(BookingRefused, match="déjà annulée"):
        booking_cancel(booking=early, user=parent, now=before)


def test_billable_bookings(parent, staff, lea, hugo, activity, unit, opening, enrolled, before):
    enrol(hugo, activity)
    kept = booking_create(member=lea, opening=opening, user=parent, now=before)
    late = booking_create(member=hugo, opening=opening, user=parent, now=before)
    booking_cancel(booking=late, user=staff, by_staff=True, now=aware(2030, 3, 6, 7, 0))
    other_day = Opening.objects.create(
        unit=unit, date=WEDNESDAY + datetime.timedelta(7), capacity=5
    )
    free = booking_create(member=lea, opening=other_day, user=parent, now=before)
    booking_cancel(booking=free, user=parent, now=before)
    outside = Opening.objects.create(unit=unit, date=datetime.date(2030, 4, 3), capacity=5)
    booking_create(member=lea, opening=outside, user=parent, now=before)

    billable = billable_bookings(start=datetime.date(2030, 3, 1), end=datetime.date(2030, 3, 31))
    assert {b.pk for b in billable} == {kept.pk, late.pk}
    first = billable.order_by("pk").first()
    assert first.member.family.name == "TEST"  # select_related: no extra query needed
    assert first.opening.unit.activity == activity


def test_cancelled_enrolment_cancels_coming_bookings_free_of_charge(
    parent, staff, lea, unit, opening, enrolled, before
):
    from inscriptions.services import enrolment_cancel
    from reservations.services import bookings_cancel_for_enrolment

    earlier = Opening.objects.create(unit=unit, date=datetime.date(2030, 2, 27), capacity=5)
    past = booking_create(member=lea, opening=earlier, user=parent, now=aware(2030, 2, 1, 9, 0))
    coming = booking_create(member=lea, opening=opening, user=parent, now=before)
    # From 1 March on, only the coming booking goes.
    assert bookings_cancel_for_enrolment(enrolment=enrolled, by=staff, now=before) == 1
    past.refresh_from_db()
    coming.refresh_from_db()
    assert (past.status, coming.status, coming.late_cancellation) == ("booked", "cancelled", False)

    # Through the enrolment service (both days are still to come in real time).
    again = booking_create(member=lea, opening=opening, user=parent, now=before)
    enrolment_cancel(enrolment=enrolled, by=staff)
    again.refresh_from_db()
    past.refresh_from_db()
    assert again.status == past.status == "cancelled"
    assert AuditEvent.objects.filter(kind=EnrolmentEvent.ENROLMENT_CANCELLED).count() == 1
