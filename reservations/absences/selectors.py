"""Reads of the justified absences: the member's declared days in a planning, the staff count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reservations.absences.models import AbsenceDeclaration
from reservations.models import Booking

if TYPE_CHECKING:
    from famille.models import Member


@dataclass(frozen=True)
class BookedDay:
    """A live booking of the planning: its key and the state of its absence declaration."""

    booking_id: int
    absence: str | None  # AbsenceDeclaration.Status, or None when nothing was declared


def planning_booked_days(
    member: Member, start: datetime.date, end: datetime.date
) -> dict[int, BookedDay]:
    """The member's booked days from start to end by opening, with their absence (1 query)."""
    rows = (
        Booking.objects.filter(
            member=member, opening__date__range=(start, end), status=Booking.Status.BOOKED
        )
        .order_by()
        .values_list("opening_id", "pk", "absence__declaration__status")
    )
    return {opening_id: BookedDay(pk, status) for opening_id, pk, status in rows}


def absences_to_review_count() -> int:
    """Declarations waiting for the staff's review (staff home page, one query)."""
    return AbsenceDeclaration.objects.filter(status=AbsenceDeclaration.Status.PENDING).count()
