"""Demo activities of the current school year and the demo families' enrolments."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from espace_famille.models import User
from espace_famille.registry import DemoStep, ScaleStep, demo_steps, scale_steps
from famille.models import Family, Member
from inscriptions.models import Activity, Enrolment, Unit

GENERATED_PREFIX = "GEN-"
T = datetime.time


def school_year(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """From 1 September to 4 July of the school year `today` falls in."""
    today = today or timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return datetime.date(first, 9, 1), datetime.date(first + 1, 7, 4)


# name, service, units (name, start, end, weekdays, capacity), options
ACTIVITIES: list[
    tuple[str, str, list[tuple[str, datetime.time, datetime.time, str, int]], dict[str, Any]]
] = [
    (
        "Périscolaire du matin",
        Activity.Service.PERISCOLAIRE,
        [("Matin", T(7, 30), T(8, 30), "1245", 30)],
        {"min_age": 3, "max_age": 11, "booking_notice_days": 2, "childcare_tax_credit": True},
    ),
    (
        "Périscolaire du soir",
        Activity.Service.PERISCOLAIRE,
        [("Soir", T(16, 30), T(18, 30), "1245", 30)],
        {"min_age": 3, "max_age": 11, "booking_notice_days": 1, "childcare_tax_credit": True},
    ),
    (
        "Restauration scolaire",
        Activity.Service.RESTAURATION,
        [("Repas", T(11, 45), T(13, 30), "1245", 60)],
        {
            "booking_notice": "weekday",
            "booking_notice_weekday": 4,
            "cancel_notice": "weekday",
            "cancel_notice_weekday": 4,
        },
    ),
    (
        "Accueil de loisirs du mercredi",
        Activity.Service.LOISIRS,
        [
            ("Matin", T(8, 30), T(12, 0), "3", 12),
            ("Repas", T(12, 0), T(13, 30), "3", 12),
            ("Après-midi", T(13, 30), T(17, 30), "3", 12),
        ],
        {
            "min_age": 3,
            "max_age": 12,
            "booking_notice_days": 7,
            "waiting_list": "auto",
            "childcare_tax_credit": True,
        },
    ),
]


def demo_activities() -> dict[str, Activity]:
    start, end = school_year()
    activities = {}
    for name, service, units, options in ACTIVITIES:
        activity, _created = Activity.objects.get_or_create(
            name=name,
            start_date=start,
            defaults={
                "service": service,
                "end_date": end,
                "description": "",
                "enrolment_opens_on": start - datetime.timedelta(days=90),
                **options,
            },
        )
        for order, (unit_name, begin, finish, weekdays, capacity) in enumerate(units):
            Unit.objects.get_or_create(
                activity=activity,
                name=unit_name,
                defaults={
                    "start_time": begin,
                    "end_time": finish,
                    "weekdays": weekdays,
                    "capacity": capacity,
                    "order": order,
                    # Meals are never childcare for the tax credit.
                    "tax_credit_excluded": unit_name == "Repas",
                },
            )
        activities[name] = activity
    return activities


def _enrol(member: Member, activity: Activity, status: str, user: User | None) -> None:
    Enrolment.objects.get_or_create(
        member=member,
        activity=activity,
        defaults={
            "status": status,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "requested_by": user,
        },
    )


def _demo() -> None:
    activities = demo_activities()
    test = Family.objects.filter(name="TEST").first()
    martin = Family.objects.filter(name="MARTIN").first()
    accepted, requested = Enrolment.Status.ACCEPTED, Enrolment.Status.REQUESTED
    if test:
        user = User.objects.filter(family=test).first()
        lea = test.members.filter(first_name="Léa").first()
        hugo = test.members.filter(first_name="Hugo").first()
        if lea:
            for activity in activities.values():
                _enrol(lea, activity, accepted, user)
        if hugo:
            _enrol(hugo, activities["Restauration scolaire"], accepted, user)
            _enrol(hugo, activities["Accueil de loisirs du mercredi"], accepted, user)
            _enrol(hugo, activities["Périscolaire du soir"], requested, user)
    if martin:
        chloe = martin.members.filter(first_name="Chloé").first()
        if chloe:
            _enrol(chloe, activities["Restauration scolaire"], accepted, None)
            _enrol(chloe, activities["Accueil de loisirs du mercredi"], accepted, None)


def _scale(count: int) -> None:
    """Enrol the generated households' children (lunch for all, evenings for every other)."""
    activities = demo_activities()
    lunch = activities["Restauration scolaire"]
    evening = activities["Périscolaire du soir"]
    children = (
        Member.objects.filter(family__name__startswith=GENERATED_PREFIX, role=Member.Role.CHILD)
        .exclude(enrolments__activity=lunch)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    new = []
    for i, member_id in enumerate(children):
        for activity in (lunch, evening) if i % 2 == 0 else (lunch,):
            new.append(
                Enrolment(
                    member_id=member_id,
                    activity=activity,
                    status=Enrolment.Status.ACCEPTED,
                    start_date=activity.start_date,
                    end_date=activity.end_date,
                )
            )
    Enrolment.objects.bulk_create(new, batch_size=2000)


demo_steps.register(DemoStep("inscriptions", 40, _demo))
scale_steps.register(ScaleStep("inscriptions", 40, _scale))
