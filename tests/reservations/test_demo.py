"""Demo data: activities of the school year, openings, TEST's bookings; idempotent; scale step."""

import datetime

from django.utils import timezone

from espace_famille.registry import demo_steps, scale_steps
from inscriptions.models import Activity, Enrolment
from reservations.models import AbsenceDeclaration, Booking, Closure, Opening

MINE = ("structure", "famille", "inscriptions", "reservations")


def run_demo():
    for step in demo_steps:
        if step.name in MINE:
            step.run()


def counts():
    return [m.objects.count() for m in (Activity, Enrolment, Opening, Booking, Closure)]


def test_demo_is_complete_and_idempotent(db):
    run_demo()
    first = counts()
    run_demo()
    assert counts() == first
    assert {a.name for a in Activity.objects.all()} == {
        "Périscolaire du matin",
        "Périscolaire du soir",
        "Restauration scolaire",
        "Accueil de loisirs du mercredi",
    }
    today = timezone.localdate()
    test_bookings = Booking.objects.filter(member__family__name="TEST")
    assert test_bookings.filter(opening__date__lt=today).exists()
    assert test_bookings.filter(opening__date__gt=today).exists()
    assert Enrolment.objects.filter(status="requested", member__first_name="Hugo").count() == 1
    assert Opening.objects.filter(is_closed=True, date__gt=today).exists()
    # One absence of Léa's to review, with its certificate.
    declaration = AbsenceDeclaration.objects.get(member__family__name="TEST")
    assert declaration.status == AbsenceDeclaration.Status.PENDING
    assert declaration.certificate_type == "application/pdf"
    assert Opening.objects.filter(capacity=1, bookings__isnull=False).exists()  # full ones


def test_scale_step_gives_generated_children_a_year_of_bookings(db):
    run_demo()
    for step in scale_steps:
        if step.name in MINE:
            step.run(4)
    generated = Booking.objects.filter(member__family__name__startswith="GEN-")
    assert generated.values("member").distinct().count() >= 4
    dates = generated.values_list("opening__date", flat=True)
    assert max(dates) - min(dates) > datetime.timedelta(days=250)
    # Capacities make room for them, and running the step again adds nothing for them.
    before = generated.count()
    for step in scale_steps:
        if step.name == "reservations":
            step.run(0)
    assert generated.count() == before
    over = [
        o for o in Opening.objects.all() if o.bookings.filter(status="booked").count() > o.capacity
    ]
    assert over == []
