"""Justified absences: the declaration's rules, the review (billing, credit note, email,
audit), the waiting days, the planning's states and the parent's page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from espace_famille.emails import family_recipients
from espace_famille.models import AuditEvent
from factures.billing import billing_run
from factures.models import Invoice
from inscriptions.models import Activity, Unit
from reservations.absences.services import (
    AbsenceRefused,
    absence_accept,
    absence_declare,
    absence_refuse,
)
from reservations.audit_kinds import AbsenceEvent
from reservations.models import AbsenceDay, AbsenceDeclaration, AbsencePolicy, Booking
from reservations.selectors import State, billable_bookings, planning
from tests.factories import (
    OCTOBER,
    PDF_BYTES,
    aware,
    book,
    enrol,
    make_billed_activity,
    make_billed_units,
    make_tariffs,
    share_child,
    upload,
)

pytestmark = pytest.mark.django_db

# October 2026: Monday 5 to Friday 9, billed in November.
MONDAY = datetime.date(2026, 10, 5)


def certificate():
    return upload("certificat.pdf", PDF_BYTES)


@pytest.fixture
def activity(structure):
    return make_billed_activity()  # cancellation: the day before (the model's default notice)


@pytest.fixture
def units(activity):
    units = make_billed_units(activity)
    Unit.objects.filter(pk=units["matin"].pk).update(weekdays="12345")
    units["matin"].refresh_from_db()
    make_tariffs(units)
    return units


@pytest.fixture
def week(lea, activity, units):
    """Léa booked on the mornings of Monday to Friday 5-9 October 2026."""
    enrol(lea, activity)
    return [book(lea, units["matin"], MONDAY + datetime.timedelta(days=i)) for i in range(5)]


def on(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return aware(day.year, day.month, day.day, hour, 0)


def declare(booking, parent, **kwargs):
    kwargs.setdefault("reason", "illness")
    kwargs.setdefault("files", [certificate()])
    kwargs.setdefault("now", on(booking.opening.date))
    return absence_declare(booking=booking, user=parent, **kwargs)


# Declaring -------------------------------------------------------------------------------


def test_a_day_past_its_cancellation_deadline_can_be_declared_absent(week, parent):
    declaration = declare(week[0], parent)
    assert declaration.status == AbsenceDeclaration.Status.PENDING
    assert [d.booking for d in declaration.days.all()] == [week[0]]
    assert declaration.certificate_type == "application/pdf"
    assert declaration.certificate.read().startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AbsenceEvent.ABSENCE_DECLARED)
    assert event.family == parent.family


def test_before_the_deadline_the_day_is_cancelled_instead(week, parent):
    with pytest.raises(AbsenceRefused, match="annulez-le dans le planning"):
        declare(week[2], parent, now=on(MONDAY - datetime.timedelta(days=7)))
    assert not AbsenceDeclaration.objects.exists()


def test_the_declaration_window_closes_days_after_the_day(week, parent, settings):
    settings.ABSENCE_DECLARATION_DAYS = 3
    declare(week[0], parent, now=on(MONDAY + datetime.timedelta(days=3)))
    with pytest.raises(AbsenceRefused, match="au plus tard 3 jours après"):
        declare(week[1], parent, now=on(MONDAY + datetime.timedelta(days=5)))


def test_a_reason_the_activity_does_not_accept_is_refused(week, parent, activity):
    AbsencePolicy.objects.create(activity=activity, reasons=["hospital"])
    with pytest.raises(AbsenceRefused, match="Ce motif n'est pas accepté"):
        declare(week[0], parent, reason="illness")
    assert declare(week[0], parent, reason="hospital").reason == "hospital"


def test_a_certificate_is_required_unless_the_policy_waives_it(week, parent, activity):
    with pytest.raises(AbsenceRefused, match="justificatif"):
        declare(week[0], parent, files=[])
    AbsencePolicy.objects.create(activity=activity, certificate_required=False)
    declaration = declare(week[0], parent, files=[])
    assert not declaration.certificate


def test_a_file_the_upload_checker_refuses_keeps_nothing(week, parent):
    with pytest.raises(ValidationError, match="n'est ni un PDF"):
        declare(week[0], parent, files=[upload("x.pdf", b"<html>", "application/pdf")])
    assert not AbsenceDeclaration.objects.exists()


def test_a_declaration_covers_the_following_booked_days_past_their_deadline(week, parent):
    # On Tuesday morning: Monday to Wednesday are past their deadline (two days before, at
    # noon); Thursday, cancellable until Tuesday noon, is cancelled in the planning instead.
    declaration = declare(
        week[0], parent, last_day=week[4].opening.date, now=on(MONDAY + datetime.timedelta(1))
    )
    assert [d.booking_id for d in declaration.days.all()] == [b.pk for b in week[:3]]
    assert declaration.last_day == week[2].opening.date


def test_a_day_is_declared_once(week, parent):
    declare(week[0], parent)
    with pytest.raises(AbsenceRefused, match="déjà déclarée"):
        declare(week[0], parent)


# Reviewing -------------------------------------------------------------------------------


def test_accepted_days_are_not_billed_and_the_family_is_told(
    week, parent, staff, django_capture_on_commit_callbacks
):
    declaration = declare(
        week[0], parent, last_day=week[1].opening.date, now=on(week[1].opening.date)
    )
    with django_capture_on_commit_callbacks(execute=True):
        absence_accept(declaration=declaration, by=staff)
    assert set(AbsenceDay.objects.values_list("credited", flat=True)) == {True}
    billable = billable_bookings(start=MONDAY, end=week[4].opening.date)
    assert {b.pk for b in billable} == {b.pk for b in week[2:]}
    result = billing_run(month=OCTOBER, today=datetime.date(2026, 11, 2), render_pdf=False)
    assert result.invoices[0].total == Decimal("15.00")  # 3 mornings of 5 € (unknown QF)
    assert "acceptée" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(kind=AbsenceEvent.ABSENCE_ACCEPTED).count() == 1


def test_an_absence_accepted_after_the_invoice_gets_a_credit_note_with_its_reason(
    week, parent, staff, django_capture_on_commit_callbacks
):
    declaration = declare(week[0], parent)
    invoice = billing_run(month=OCTOBER, today=datetime.date(2026, 11, 2), render_pdf=False)
    invoice = invoice.invoices[0]
    assert invoice.total == Decimal("25.00")
    absence_accept(declaration=declaration, by=staff)
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.corrects == invoice
    assert note.total == Decimal("-5.00")
    label = note.lines.get().label
    assert "absence justifiée de Léa" in label and "Maladie" in label and "5 octobre" in label
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("20.00")


def test_a_credit_note_may_exceed_what_is_left_to_pay(week, parent, staff):
    declaration = declare(week[0], parent)
    invoice = billing_run(
        month=OCTOBER, today=datetime.date(2026, 11, 2), render_pdf=False
    ).invoices[0]
    Invoice.objects.filter(pk=invoice.pk).update(amount_settled=invoice.total)  # paid
    absence_accept(declaration=declaration, by=staff)
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.total == Decimal("-5.00")
    invoice.refresh_from_db()
    assert invoice.amount_settled == Decimal("25.00")


def test_refused_days_are_billed_as_booked_and_the_family_gets_the_reason(
    week, parent, staff, django_capture_on_commit_callbacks
):
    declaration = declare(week[0], parent)
    with django_capture_on_commit_callbacks(execute=True):
        absence_refuse(declaration=declaration, by=staff, reason="Certificat illisible")
    declaration.refresh_from_db()
    assert declaration.status == AbsenceDeclaration.Status.REFUSED
    assert week[0].pk in {b.pk for b in billable_bookings(start=MONDAY, end=MONDAY)}
    assert "Certificat illisible" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(kind=AbsenceEvent.ABSENCE_REFUSED).count() == 1


def test_a_refusal_needs_a_reason(week, parent, staff):
    declaration = declare(week[0], parent)
    with pytest.raises(ValidationError):
        absence_refuse(declaration=declaration, by=staff, reason="  ")


def test_a_declaration_is_reviewed_once(week, parent, staff):
    declaration = declare(week[0], parent)
    absence_accept(declaration=declaration, by=staff)
    with pytest.raises(AbsenceRefused, match="déjà été examinée"):
        absence_accept(declaration=declaration, by=staff)
    with pytest.raises(AbsenceRefused, match="déjà été examinée"):
        absence_refuse(declaration=declaration, by=staff, reason="Non")


def test_the_waiting_days_of_a_declaration_stay_billed(
    week, parent, staff, activity, django_capture_on_commit_callbacks
):
    AbsencePolicy.objects.create(activity=activity, waiting_days=2)
    friday = week[4].opening.date
    declaration = declare(week[0], parent, last_day=friday, now=on(friday))
    with django_capture_on_commit_callbacks(execute=True):
        absence_accept(declaration=declaration, by=staff)
    credited = AbsenceDay.objects.filter(credited=True).values_list("booking_id", flat=True)
    assert sorted(credited) == [b.pk for b in week[2:]]
    assert {b.pk for b in billable_bookings(start=MONDAY, end=friday)} == {
        week[0].pk,
        week[1].pk,
    }
    assert "2 jours de carence restent facturés" in mail.outbox[-1].body


# The planning ----------------------------------------------------------------------------


def _states(lea, now):
    result = planning(lea, start=MONDAY, end=MONDAY + datetime.timedelta(days=4), now=now)
    row = next(r for r in result.weeks[0].rows if r.unit.name == "Matin")
    return result, {cell.day: cell for cell in row.cells}


def test_the_planning_shows_pending_accepted_and_refused_absences(week, lea, parent, staff):
    pending = declare(week[0], parent, now=on(week[2].opening.date))
    accepted = declare(week[1], parent, now=on(week[2].opening.date))
    refused = declare(week[2], parent, now=on(week[2].opening.date))
    absence_accept(declaration=accepted, by=staff)
    absence_refuse(declaration=refused, by=staff, reason="Non")
    result, cells = _states(lea, on(week[2].opening.date))
    assert cells[week[0].opening.date].state == State.ABSENCE_PENDING
    assert cells[week[1].opening.date].state == State.ABSENCE_ACCEPTED
    assert cells[week[2].opening.date].state == State.BOOKED
    assert cells[week[2].opening.date].absence_url == ""
    legend = [label for _state, label, _icon in result.legend]
    assert "Absence justifiée" in legend and "Absence en cours d'examen" in legend
    assert pending.status == "pending"


def test_the_planning_offers_to_declare_a_locked_day_within_the_window(week, lea, settings):
    settings.ABSENCE_DECLARATION_DAYS = 1
    _result, cells = _states(lea, on(week[2].opening.date))  # Wednesday 10:00
    url = reverse("reservations:absence", args=[week[2].pk])
    assert cells[week[2].opening.date].absence_url == url
    assert cells[week[1].opening.date].absence_url != ""  # yesterday
    assert cells[week[3].opening.date].absence_url != ""  # tomorrow, past its deadline
    assert cells[week[0].opening.date].absence_url == ""  # two days ago: too late
    assert cells[week[4].opening.date].absence_url == ""  # still cancellable until noon


# The parent's page -----------------------------------------------------------------------


@pytest.fixture
def yesterday_booking(lea, structure):
    """Léa booked yesterday (past its deadline), on an activity running around today."""
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Cantine",
        service=Activity.Service.RESTAURATION,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
    )
    unit = Unit.objects.create(activity=activity, name="Repas", capacity=20)
    enrol(lea, activity)
    return book(lea, unit, today - datetime.timedelta(days=1))


def test_a_parent_declares_an_absence_from_the_page(parent_client, yesterday_booking):
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    page = parent_client.get(url)
    assert page.status_code == 200
    assert '<label for="id_reason"' in page.text
    response = parent_client.post(
        url, {"reason": "illness", "comment": "Gastro", "files": [certificate()]}
    )
    assert response.status_code == 302
    declaration = AbsenceDeclaration.objects.get()
    assert declaration.comment == "Gastro"
    assert "En cours d&#x27;examen" in parent_client.get(url).text


def test_a_bad_file_keeps_what_the_parent_typed(parent_client, yesterday_booking):
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    response = parent_client.post(
        url,
        {
            "reason": "illness",
            "comment": "Fièvre depuis lundi",
            "files": [upload("x.pdf", b"<html>", "application/pdf")],
        },
    )
    assert response.status_code == 400
    assert "n&#x27;est ni un PDF" in response.text or "n'est ni un PDF" in response.text
    assert "Fièvre depuis lundi" in response.text
    assert "choisissez-le à nouveau" in response.text
    assert not AbsenceDeclaration.objects.exists()


def test_a_missing_certificate_is_asked_for_in_french(parent_client, yesterday_booking):
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    response = parent_client.post(url, {"reason": "illness"})
    assert response.status_code == 400
    assert "Un justificatif (certificat médical…) est demandé pour « Cantine »." in response.text


def test_another_household_cannot_declare_for_our_booking(client, other_parent, yesterday_booking):
    client.force_login(other_parent)
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"reason": "illness", "files": [certificate()]})
    assert response.status_code == 404
    assert not AbsenceDeclaration.objects.exists()


def test_in_shared_custody_each_household_declares_for_the_days_it_booked(
    client,
    parent,
    other_parent,
    family,
    other_family,
    lea,
    yesterday_booking,
    django_capture_on_commit_callbacks,
):
    """Léa in shared custody: a day her second household booked is not her main household's
    to declare (404); the second household declares it, and it is emailed and audited there."""
    share_child(lea, other_family)
    Booking.objects.filter(pk=yesterday_booking.pk).update(family=other_family)  # theirs
    client.force_login(parent)
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    assert client.get(url).status_code == 404
    client.force_login(other_parent)
    response = client.post(url, {"reason": "illness", "files": [certificate()]})
    assert response.status_code == 302
    declaration = AbsenceDeclaration.objects.get()
    assert declaration.family == other_family
    assert AuditEvent.objects.get(kind=AbsenceEvent.ABSENCE_DECLARED).family == other_family
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        absence_refuse(declaration=declaration, by=None, reason="Certificat illisible")
    assert [m.to for m in mail.outbox] == [family_recipients(other_family)]


def test_the_absence_page_takes_few_queries(
    parent_client, yesterday_booking, django_assert_max_num_queries
):
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    with django_assert_max_num_queries(12):
        assert parent_client.get(url).status_code == 200


def test_a_cancelled_booking_is_not_declared(parent_client, yesterday_booking):
    Booking.objects.filter(pk=yesterday_booking.pk).update(status=Booking.Status.CANCELLED)
    url = reverse("reservations:absence", args=[yesterday_booking.pk])
    page = parent_client.get(url)
    assert "Seul un jour réservé" in page.text
    assert 'name="reason"' not in page.text


def test_the_household_data_holds_its_declared_absences_only(week, parent, zoe):
    from espace_famille.export import sections_for

    declare(week[0], parent, comment="Gastro de Léa")
    other = AbsenceDeclaration.objects.create(
        member=zoe,
        family=zoe.family,
        activity=week[0].opening.unit.activity,
        first_day=MONDAY,
        last_day=MONDAY,
        reason="illness",
        comment="Zoé secret",
    )
    found = {section.key: section for section in sections_for(parent.family)}
    rows = found["absences"].rows
    assert len(rows) == 1 and "Gastro de Léa" in rows[0]
    assert other.comment not in {cell for row in rows for cell in row}
