"""Documents waiting for review and bookings: what they unlock, and what staff see on refusal."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentType, Submission
from reservations.models import Booking, Opening
from reservations.services import BookingRefused, booking_create
from tests.factories import WEDNESDAY, aware, insert_booking

THURSDAY = WEDNESDAY + datetime.timedelta(days=1)


@pytest.fixture
def insurance(activity):
    document_type = DocumentType.objects.create(
        name="Attestation d'assurance", scope=DocumentType.Scope.ACTIVITY
    )
    activity.required_documents.add(document_type)
    return document_type


def send(lea, document_type, when) -> Submission:
    return Submission.objects.create(
        family=lea.family,
        member=lea,
        document_type=document_type,
        file="documents/submissions/x.pdf",
        content_type="application/pdf",
        uploaded_at=when,
    )


def test_a_pending_document_does_not_unlock_booking_when_the_type_waits_for_acceptance(
    parent, lea, insurance, opening, enrolled, before
):
    insurance.pending_counts = False
    insurance.save()
    send(lea, insurance, before)
    with pytest.raises(BookingRefused) as refused:
        booking_create(member=lea, opening=opening, user=parent, now=before)
    assert refused.value.code == BookingRefused.DOCUMENTS


def test_the_review_page_lists_the_bookings_the_document_let_through(
    staff_client, parent, lea, insurance, unit, opening, enrolled, before
):
    now = timezone.now()
    early = Opening.objects.create(
        unit=unit, date=WEDNESDAY - datetime.timedelta(days=7), capacity=10
    )
    late = Opening.objects.create(unit=unit, date=THURSDAY, capacity=10)
    Submission.objects.create(
        family=lea.family,
        member=lea,
        document_type=insurance,
        file="documents/submissions/old.pdf",
        content_type="application/pdf",
        status=Submission.Status.ACCEPTED,
        valid_until=None,  # until the update below
        reviewed_at=now - datetime.timedelta(days=20),
        uploaded_at=now - datetime.timedelta(days=21),
    )
    # Booked while the accepted document was valid: not the new document's doing.
    covered = booking_create(member=lea, opening=early, user=parent, now=aware(2030, 2, 20, 9))
    Booking.objects.filter(pk=covered.pk).update(created_at=now - datetime.timedelta(days=15))
    Submission.objects.filter(status=Submission.Status.ACCEPTED).update(
        valid_until=timezone.localdate(now - datetime.timedelta(days=10))
    )
    submission = send(lea, insurance, now - datetime.timedelta(days=5))
    booking_create(member=lea, opening=opening, user=parent, now=before)
    booking_create(member=lea, opening=late, user=parent, now=before)

    change = reverse("admin:documents_submission_change", args=[submission.pk])
    page = unescape(staff_client.get(change).content.decode())
    assert "Ce que ce document a permis pendant son attente" in page
    assert "Léa TEST — Accueil du mercredi, Matin, le 06/03/2030" in page
    assert "le 07/03/2030" in page
    assert "le 27/02/2030" not in page

    decision = reverse("admin:documents_submission_decision", args=[submission.pk])
    response = staff_client.post(decision, {"_refuse": "1", "decision_reason": "Illisible"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.REFUSED
    assert response["Location"] == change  # back to the list, not to the next document
    page = unescape(staff_client.get(change).content.decode())
    assert "Des réservations ont été faites pendant que ce document était en attente" in page
    assert "le 06/03/2030" in page and "le 07/03/2030" in page
    # A booking made after the refusal (by staff, say) is not the refused document's doing.
    Booking.objects.filter(opening=late).update(status=Booking.Status.CANCELLED)
    insert_booking(lea, late)
    Submission.objects.filter(pk=submission.pk).update(
        reviewed_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    Booking.objects.filter(opening=opening).update(
        created_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    page = unescape(staff_client.get(change).content.decode())
    assert "le 06/03/2030" in page and "le 07/03/2030" not in page


def test_nothing_is_listed_when_the_type_waits_for_acceptance(
    staff_client, parent, lea, insurance, opening, enrolled, before
):
    insurance.pending_counts = False
    insurance.save()
    submission = send(lea, insurance, before)
    change = reverse("admin:documents_submission_change", args=[submission.pk])
    page = unescape(staff_client.get(change).content.decode())
    assert "Ce que ce document a permis pendant son attente" not in page


def test_a_household_document_lists_every_members_bookings(
    staff_client, parent, lea, hugo, unit, opening, activity, before
):
    from tests.factories import enrol

    household = DocumentType.objects.create(
        name="Attestation CAF", scope=DocumentType.Scope.FAMILY, mandatory=True
    )
    enrol(lea, activity)
    enrol(hugo, activity)
    submission = Submission.objects.create(
        family=lea.family,
        document_type=household,
        file="documents/submissions/caf.pdf",
        content_type="application/pdf",
        uploaded_at=timezone.now() - datetime.timedelta(hours=1),
    )
    booking_create(member=lea, opening=opening, user=parent, now=before)
    booking_create(member=hugo, opening=opening, user=parent, now=before)
    change = reverse("admin:documents_submission_change", args=[submission.pk])
    page = unescape(staff_client.get(change).content.decode())
    assert "Léa TEST — Accueil du mercredi" in page and "Hugo TEST — Accueil du mercredi" in page
