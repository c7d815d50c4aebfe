"""The set-up shared by the booking benchmarks (rush.py, concurrent_bookings.py): one opening of
an activity, and households whose child is enrolled in it."""

from __future__ import annotations

import datetime
from typing import Any


def bookable_opening(
    *, name: str, day: datetime.date, capacity: int, span_days: int = 1, **activity_fields: Any
) -> Any:
    """An activity around `day` (± `span_days`) with one full-day unit and its opening on `day`."""
    from inscriptions.models import Activity, Unit
    from reservations.models import Opening

    activity = Activity.objects.create(
        name=name,
        service=Activity.Service.LOISIRS,
        start_date=day - datetime.timedelta(days=span_days),
        end_date=day + datetime.timedelta(days=span_days),
        **activity_fields,
    )
    unit = Unit.objects.create(
        activity=activity,
        name="Journée",
        start_time=datetime.time(8, 30),
        end_time=datetime.time(17, 30),
        weekdays=str(day.isoweekday()),
        capacity=capacity,
    )
    return Opening.objects.create(unit=unit, date=day, capacity=capacity)


def enrolled_household(
    *, name: str, activity: Any, with_parent: bool = False, **family_fields: Any
) -> Any:
    """A household `name` whose child is enrolled in `activity` (and its parent, if asked);
    returns the child."""
    from famille.models import Family, Member
    from inscriptions.models import Enrolment

    family = Family.objects.create(name=name, city="Paris", **family_fields)
    if with_parent:
        Member.objects.create(
            family=family,
            role=Member.Role.PARENT,
            first_name="Parent",
            last_name=name,
            birth_date=datetime.date(1985, 1, 1),
        )
    child = Member.objects.create(
        family=family,
        role=Member.Role.CHILD,
        first_name="Enfant",
        last_name=name,
        birth_date=datetime.date(2017, 5, 21),
    )
    Enrolment.objects.create(
        member=child,
        activity=activity,
        status=Enrolment.Status.ACCEPTED,
        start_date=activity.start_date,
        end_date=activity.end_date,
    )
    _documents_provided(family, child)
    return child


def _documents_provided(family: Any, child: Any) -> None:
    """The documents the structure asks of every household and child, accepted: on the
    benchmark's database (the demo's document types), a booking is refused without them."""
    from documents.models import DocumentType, Submission

    for document_type in DocumentType.objects.filter(is_active=True, mandatory=True):
        Submission.objects.create(
            family=family,
            member=None if document_type.scope == DocumentType.Scope.FAMILY else child,
            document_type=document_type,
            status=Submission.Status.ACCEPTED,
            file="documents/submissions/benchmark.pdf",
            content_type="application/pdf",
        )
