"""Justified absences under concurrency (PostgreSQL row locks; SQLite runs them one by one):
two reviews at once credit once, two declarations of the same day keep one."""

from __future__ import annotations

import datetime

import pytest

from factures.billing import billing_run
from factures.models import Invoice
from reservations.absences.services import AbsenceRefused, absence_accept, absence_declare
from reservations.models import AbsenceDay, AbsenceDeclaration
from tests.factories import (
    OCTOBER,
    PDF_BYTES,
    aware,
    book,
    enrol,
    make_billed_activity,
    make_billed_units,
    make_tariffs,
    upload,
)
from tests.helpers import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

MONDAY = datetime.date(2026, 10, 5)


@pytest.fixture
def booking(lea, structure):
    activity = make_billed_activity()
    units = make_billed_units(activity)
    make_tariffs(units)
    enrol(lea, activity)
    return book(lea, units["matin"], MONDAY)


def _declare(booking, parent):
    return absence_declare(
        booking=booking,
        user=parent,
        reason="illness",
        files=[upload("certificat.pdf", PDF_BYTES)],
        now=aware(2026, 10, 5, 10, 0),
    )


def test_two_reviews_at_once_credit_the_invoiced_day_once(booking, parent, staff):
    declaration = _declare(booking, parent)
    billing_run(month=OCTOBER, today=datetime.date(2026, 11, 2), render_pdf=False)
    refused: list[str] = []

    def review(_index):
        try:
            absence_accept(declaration=declaration, by=staff)
        except AbsenceRefused as refusal:
            refused.append(refusal.message)

    assert in_threads(2, review) == []
    assert refused == ["Cette déclaration a déjà été examinée."]
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1
    declaration.refresh_from_db()
    assert declaration.status == AbsenceDeclaration.Status.ACCEPTED


def test_two_declarations_of_the_same_day_at_once_keep_one(booking, parent):
    refused: list[str] = []

    def declare(_index):
        try:
            _declare(booking, parent)
        except AbsenceRefused as refusal:
            refused.append(refusal.message)

    assert in_threads(2, declare) == []
    assert refused == ["Une absence est déjà déclarée pour ce jour."]
    assert AbsenceDay.objects.count() == 1
    assert AbsenceDeclaration.objects.count() == 1
