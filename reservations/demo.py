"""Demo openings, closures and bookings; a year of bookings for generated households."""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import F
from django.utils import timezone

from espace_famille.models import User
from espace_famille.registry import DemoStep, ScaleStep, demo_steps, scale_steps
from famille.models import Family, Member
from inscriptions.demo import GENERATED_PREFIX, demo_activities, school_year
from inscriptions.models import Activity, Enrolment
from reservations.models import Booking, Closure, Opening, WaitingListEntry
from reservations.services import openings_generate, openings_recount


def _saturday_from(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(5 - day.weekday()) % 7)


def school_holidays(first_year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """Approximate school holidays (zone A); staff correct them in the admin."""
    d = datetime.date
    spans = [
        ("Vacances de la Toussaint", _saturday_from(d(first_year, 10, 17)), 15),
        ("Vacances de Noël", _saturday_from(d(first_year, 12, 18)), 15),
        ("Vacances d'hiver", _saturday_from(d(first_year + 1, 2, 6)), 15),
        ("Vacances de printemps", _saturday_from(d(first_year + 1, 4, 3)), 15),
    ]
    holidays = [
        (f"{name} {first_year}-{first_year + 1}", s, s + datetime.timedelta(days=n))
        for name, s, n in spans
    ]
    summer = _saturday_from(d(first_year + 1, 7, 4))
    holidays.append((f"Vacances d'été {first_year + 1}", summer, d(first_year + 1, 8, 31)))
    return holidays


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


# Which units each demo child books, by ISO weekday.
PLAN = {
    "Léa": {
        ("Périscolaire du matin", "Matin"): {1, 2},
        ("Périscolaire du soir", "Soir"): {4},
        ("Restauration scolaire", "Repas"): {1, 2, 4, 5},
        ("Accueil de loisirs du mercredi", "Matin"): {3},
        ("Accueil de loisirs du mercredi", "Repas"): {3},
    },
    "Hugo": {
        ("Restauration scolaire", "Repas"): {1, 2, 4, 5},
        ("Accueil de loisirs du mercredi", "Matin"): {3},
    },
}


def _demo() -> None:
    activities = demo_activities()
    start, end = school_year()
    for name, first, last in school_holidays(start.year):
        Closure.objects.get_or_create(name=name, defaults={"start_date": first, "end_date": last})
    for activity in activities.values():
        openings_generate(activity=activity, start=start, end=end)
    today = timezone.localdate()
    monday = _monday(today)
    wednesday_units = activities["Accueil de loisirs du mercredi"].units.all()
    # A few closed days and a few full ones, in the coming weeks.
    Opening.objects.filter(
        unit__activity=activities["Périscolaire du soir"],
        date=monday + datetime.timedelta(days=11),
    ).update(is_closed=True, closed_reason="Réunion de l'équipe")
    full = list(
        Opening.objects.filter(
            unit__in=wednesday_units.filter(name="Après-midi"),
            date__in=[monday + datetime.timedelta(days=9), monday + datetime.timedelta(days=16)],
            is_closed=False,
        )
    )
    chloe = Member.objects.filter(family__name="MARTIN", first_name="Chloé").first()
    for opening in full:
        Opening.objects.filter(pk=opening.pk).update(capacity=1)
        if chloe:
            _bookings([(chloe, opening)], None)
    if chloe:
        _shared_custody_lunches(chloe, activities["Restauration scolaire"], monday)
    test = Family.objects.filter(name="TEST").first()
    if not test:
        return
    user = User.objects.filter(family=test).first()
    openings = Opening.objects.filter(
        unit__activity__in=activities.values(),
        date__range=(monday - datetime.timedelta(days=21), monday + datetime.timedelta(days=13)),
        is_closed=False,
    ).select_related("unit__activity")
    wanted = []
    for member in test.members.filter(first_name__in=PLAN):
        plan = PLAN[member.first_name]
        for opening in openings:
            days = plan.get((opening.unit.activity.name, opening.unit.name), set())
            if opening.date.isoweekday() in days and opening not in full:
                wanted.append((member, opening))
    _bookings(wanted, user)
    lea = test.members.filter(first_name="Léa").first()
    if lea:
        _demo_absence(lea, user)
    if lea and chloe and full:
        WaitingListEntry.objects.get_or_create(
            member=lea,
            opening=full[-1],
            status=WaitingListEntry.Status.WAITING,
            defaults={"created_by": user},
        )


def _demo_absence(lea: Member, user: User | None) -> None:
    """One absence of Léa's in the last days, declared with a certificate, for staff to review."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.demo import demo_pdf
    from reservations.absences.services import (
        AbsenceRefused,
        absence_declare,
        declarable_problem,
    )
    from reservations.models import AbsenceDeclaration

    if AbsenceDeclaration.objects.filter(member=lea).exists():
        return
    now = timezone.now()
    recent = (
        Booking.objects.filter(
            member=lea,
            status=Booking.Status.BOOKED,
            opening__date__range=(
                timezone.localdate() - datetime.timedelta(days=6),
                timezone.localdate(),
            ),
        )
        .select_related("opening__unit__activity", "member")
        .order_by("-opening__date")
    )
    booking = next((b for b in recent if declarable_problem(b, now) is None), None)
    if booking is None:
        return
    certificate = demo_pdf(
        "Certificat médical", ("Léa TEST", "Rhinopharyngite : 2 jours de repos.", "Dr Martin")
    )
    with contextlib.suppress(AbsenceRefused):  # declared meanwhile: nothing to add
        absence_declare(
            booking=booking,
            user=user,
            reason="illness",
            comment="Fièvre, gardée à la maison.",
            files=[SimpleUploadedFile("certificat.pdf", certificate, "application/pdf")],
        )


def _shared_custody_lunches(chloe: Member, lunch: Activity, monday: datetime.date) -> None:
    """Chloé in shared custody: MARTIN books Monday and Tuesday lunches, BERNARD Thursday and
    Friday, over this week and the next three (each household sees the other's days)."""
    bernard = Family.objects.filter(name="BERNARD").first()
    if bernard is None:
        return
    openings = Opening.objects.filter(
        unit__activity=lunch,
        date__range=(monday, monday + datetime.timedelta(days=27)),
        is_closed=False,
    )
    _bookings([(chloe, o) for o in openings if o.date.isoweekday() in (1, 2)], None)
    father = User.objects.filter(family=bernard).first()
    theirs = [(chloe, o) for o in openings if o.date.isoweekday() in (4, 5)]
    _bookings(theirs, father, family=bernard)


def _bookings(
    pairs: list[tuple[Member, Opening]], user: User | None, family: Family | None = None
) -> None:
    existing = set(
        Booking.objects.filter(
            opening__in=[o for _m, o in pairs], status__in=Booking.ACTIVE
        ).values_list("member_id", "opening_id")
    )
    Booking.objects.bulk_create(
        Booking(member=m, opening=o, created_by=user, family=family)
        for m, o in pairs
        if (m.pk, o.pk) not in existing
    )
    # Bulk inserts skip the services: set the touched openings' counters in one UPDATE.
    openings_recount(opening_ids={o.pk for _m, o in pairs})


def _scale(count: int) -> None:
    """A school year of bookings for the generated children that have none (bulk inserts)."""
    start, end = school_year()
    enrolments = (
        Enrolment.objects.filter(
            member__family__name__startswith=GENERATED_PREFIX,
            status=Enrolment.Status.ACCEPTED,
            activity__start_date=start,
        )
        .exclude(member__bookings__isnull=False)
        .values_list("member_id", "activity_id")
        .order_by("member_id")
    )
    by_member: dict[int, list[int]] = defaultdict(list)
    for member_id, activity_id in enrolments:
        by_member[member_id].append(activity_id)
    if not by_member:
        return
    openings: dict[int, list[Opening]] = defaultdict(list)
    for opening in (
        Opening.objects.filter(
            unit__activity_id__in={a for ids in by_member.values() for a in ids},
            date__range=(start, end),
            is_closed=False,
        )
        .select_related("unit")
        .only("pk", "date", "unit__activity_id")
    ):
        openings[opening.unit.activity_id].append(opening)
    rows: list[tuple[int, int]] = []
    for i, (member_id, activity_ids) in enumerate(by_member.items()):
        days = ({1, 2, 4, 5}, {1, 2, 4}, {2, 4, 5})[i % 3]
        for activity_id in activity_ids:
            rows.extend(
                (member_id, o.pk) for o in openings[activity_id] if o.date.isoweekday() in days
            )
        if len(rows) > 50000:
            _insert_bookings(rows)
            rows = []
    _insert_bookings(rows)
    # The inserts skip the services: recount the year's openings in one UPDATE.
    openings_recount(opening_ids=Opening.objects.filter(date__range=(start, end)).values("pk"))
    _raise_capacities(start, end)


def _insert_bookings(rows: list[tuple[int, int]]) -> None:
    """Plain INSERTs: hundreds of thousands of rows, without building model instances."""
    if not rows:
        return
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Booking._meta.db_table)
    sql = (
        f"INSERT INTO {table} (member_id, opening_id, status, created_at, late_cancellation) "  # noqa: S608 - table name from the model
        "VALUES (%s, %s, %s, %s, %s)"
    )
    status = Booking.Status.BOOKED.value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than INSERTs
            columns = "(member_id, opening_id, status, created_at, late_cancellation)"
            with cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for m, o in rows:
                    copy.write_row((m, o, status, created_at, False))
        else:
            cursor.executemany(sql, [(m, o, status, created_at, False) for m, o in rows])


def _raise_capacities(start: datetime.date, end: datetime.date) -> None:
    """Generated bookings ignore capacities: give every opening room for them plus a few."""
    over = Opening.objects.filter(
        date__range=(start, end), booked_count__gt=0, capacity__lt=F("booked_count") + 5
    ).only("pk", "capacity", "booked_count")
    changed = []
    for opening in over:
        opening.capacity = opening.booked_count + 5
        changed.append(opening)
    Opening.objects.bulk_update(changed, ["capacity"], batch_size=1000)


demo_steps.register(DemoStep("reservations", 50, _demo))
scale_steps.register(ScaleStep("reservations", 50, _scale))
