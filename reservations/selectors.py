"""Reads: the booking planning of a member, billable bookings, dashboard counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType
from famille.models import Member
from inscriptions.models import Enrolment, Unit
from inscriptions.selectors import missing_documents
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.notice import booking_deadline, cancel_deadline


def billable_bookings(*, start: datetime.date, end: datetime.date) -> QuerySet[Booking]:
    """Bookings to invoice between start and end: booked, or cancelled after the deadline."""
    return (
        Booking.objects.filter(opening__date__range=(start, end))
        .filter(
            Q(status=Booking.Status.BOOKED)
            | Q(status=Booking.Status.CANCELLED, late_cancellation=True)
        )
        .select_related("member__family", "opening__unit__activity")
    )


def offered_places_count(family: Any) -> int:
    """Dashboard badge: places offered to the family from a waiting list (one query)."""
    return WaitingListEntry.objects.filter(
        member__family=family,
        status=WaitingListEntry.Status.OFFERED,
        opening__date__gte=timezone.localdate(),
    ).count()


def members_taking_part(family: Any, today: datetime.date) -> list[Member]:
    """Members with a current or coming accepted enrolment, with those enrolments (2 queries)."""
    live = (
        Enrolment.objects.filter(status=Enrolment.Status.ACCEPTED, end_date__gte=today)
        .select_related("activity")
        .order_by("activity__name")
    )
    return list(
        family.members.filter(
            enrolments__status=Enrolment.Status.ACCEPTED, enrolments__end_date__gte=today
        )
        .distinct()
        .prefetch_related(Prefetch("enrolments", queryset=live, to_attr="live_enrolments"))
    )


# The planning ---------------------------------------------------------------------------------


class State:
    AVAILABLE = "available"
    BOOKED = "booked"
    PENDING = "pending"
    FULL = "full"
    CLOSED = "closed"
    LOCKED = "locked"
    NOT_ENROLLED = "not_enrolled"
    WAITING = "waiting"
    OFFERED = "offered"
    NONE = "none"  # the unit does not run on that weekday

    # (label, icon): every state is told by a word and a sign, never by colour alone.
    LABELS = {
        AVAILABLE: (_("Libre"), "○"),
        BOOKED: (_("Réservé"), "✓"),
        PENDING: (_("En attente de confirmation"), "◔"),
        FULL: (_("Complet"), "✕"),
        CLOSED: (_("Fermé"), "—"),
        LOCKED: (_("Délai dépassé"), "⊘"),
        NOT_ENROLLED: (_("Non inscrit"), "·"),
        WAITING: (_("Liste d'attente"), "…"),
        OFFERED: (_("Place proposée"), "★"),
        NONE: (_("Pas d'activité ce jour"), ""),
    }
    LEGEND = (AVAILABLE, BOOKED, PENDING, FULL, CLOSED, LOCKED, NOT_ENROLLED, WAITING, OFFERED)


@dataclass
class Cell:
    day: datetime.date
    state: str
    opening: Opening | None = None
    action: str = ""  # the checkbox this cell offers: book, cancel, join, leave
    remaining: int | None = None
    rank: int | None = None
    locked: bool = False  # a booking that can no longer be cancelled
    deadline: datetime.datetime | None = None

    @property
    def label(self) -> str:
        return str(State.LABELS[self.state][0])

    @property
    def icon(self) -> str:
        return "⊘" if self.locked else State.LABELS[self.state][1]


@dataclass
class Row:
    unit: Unit
    cells: list[Cell]


@dataclass
class Week:
    monday: datetime.date
    days: list[datetime.date]
    rows: list[Row]


@dataclass
class Planning:
    member: Member
    view: str
    start: datetime.date
    end: datetime.date
    weeks: list[Week] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    missing: list[DocumentType] = field(default_factory=list)
    requested: list[Enrolment] = field(default_factory=list)

    @property
    def legend(self) -> list[tuple[str, str, str]]:
        return [(s, str(State.LABELS[s][0]), State.LABELS[s][1]) for s in State.LEGEND]

    @property
    def has_actions(self) -> bool:
        return any(cell.action for week in self.weeks for row in week.rows for cell in row.cells)


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def planning_openings(member: Any, unit_ids: list[int], start, end) -> QuerySet[Opening]:
    """Openings with their use and the member's own booking and waiting-list place (1 query)."""
    bookings = Booking.objects.filter(opening=OuterRef("pk"), status__in=Booking.ACTIVE)
    entries = WaitingListEntry.objects.filter(opening=OuterRef("pk"))
    mine = entries.filter(member=member, status__in=WaitingListEntry.LIVE)
    ahead = WaitingListEntry.objects.filter(
        opening=OuterRef("pk"),
        status=WaitingListEntry.Status.WAITING,
        created_at__lte=OuterRef("my_wait_at"),
    )
    return (
        Opening.objects.filter(unit_id__in=unit_ids, date__range=(start, end))
        .annotate(
            booked=_count(bookings),
            offers=_count(entries.filter(status=WaitingListEntry.Status.OFFERED)),
            my_booking=Subquery(bookings.filter(member=member).values("status")[:1]),
            my_wait=Subquery(mine.values("status")[:1]),
            my_wait_at=Subquery(mine.values("created_at")[:1]),
        )
        .annotate(my_rank=_count(ahead))
        .order_by()
    )


def enrolled_units(member: Any, start: datetime.date, end: datetime.date):
    """(units, accepted enrolments, requested enrolments) over a period (2 queries)."""
    enrolments = list(
        Enrolment.objects.filter(
            member=member,
            status__in=(Enrolment.Status.ACCEPTED, Enrolment.Status.REQUESTED),
            start_date__lte=end,
            end_date__gte=start,
        )
        .select_related("activity")
        .prefetch_related("activity__units")
    )
    accepted = [e for e in enrolments if e.status == Enrolment.Status.ACCEPTED]
    requested = [e for e in enrolments if e.status == Enrolment.Status.REQUESTED]
    units: list[Unit] = []
    seen: set[int] = set()
    for enrolment in sorted(accepted, key=lambda e: e.activity.name):
        for unit in enrolment.activity.units.all():
            if unit.pk not in seen:
                seen.add(unit.pk)
                unit.activity = enrolment.activity
                units.append(unit)
    return units, accepted, requested


def planning(
    member: Any,
    *,
    start: datetime.date,
    end: datetime.date,
    view: str = "week",
    now: datetime.datetime | None = None,
) -> Planning:
    """The member's planning from start to end (a week or a month): 4 queries at most."""
    now = now or timezone.now()
    result = Planning(member=member, view=view, start=start, end=end)
    result.units, accepted, result.requested = enrolled_units(member, start, end)
    if not result.units:
        return result
    activity_ids = {e.activity_id for e in accepted}
    result.missing = missing_documents(
        member, DocumentType.objects.filter(activities__in=activity_ids)
    )
    openings = {
        (o.unit_id, o.date): o
        for o in planning_openings(member, [u.pk for u in result.units], start, end)
    }
    weekdays = set().union(*(u.weekday_numbers for u in result.units)) or {1, 2, 3, 4, 5}
    monday = start - datetime.timedelta(days=start.weekday())
    while monday <= end:
        days = [
            monday + datetime.timedelta(days=i)
            for i in range(7)
            if i + 1 in weekdays and start <= monday + datetime.timedelta(days=i) <= end
        ]
        rows = [
            Row(
                unit,
                [_cell(unit, day, openings.get((unit.pk, day)), accepted, now) for day in days],
            )
            for unit in result.units
        ]
        result.weeks.append(Week(monday, days, rows))
        monday += datetime.timedelta(days=7)
    return result


def _cell(unit: Unit, day, opening: Opening | None, enrolments, now) -> Cell:
    activity = unit.activity
    if opening is None and day.isoweekday() not in unit.weekday_numbers:
        return Cell(day, State.NONE)
    if opening is None or opening.is_closed:
        return Cell(day, State.CLOSED, opening)
    enrolled = any(
        e.activity_id == activity.pk and e.start_date <= day <= e.end_date for e in enrolments
    )
    if opening.my_booking:
        deadline = cancel_deadline(activity, day, unit.start_time)
        can_cancel = activity.portal_booking and now < deadline
        state = State.PENDING if opening.my_booking == Booking.Status.PENDING else State.BOOKED
        return Cell(
            day,
            state,
            opening,
            "cancel" if can_cancel else "",
            locked=not can_cancel,
            deadline=deadline,
        )
    if not enrolled:
        return Cell(day, State.NOT_ENROLLED, opening)
    deadline = booking_deadline(activity, day, unit.start_time)
    remaining = max(opening.capacity - opening.booked - opening.offers, 0)
    if not activity.portal_booking or now >= deadline:
        return Cell(day, State.LOCKED, opening, remaining=remaining, deadline=deadline)
    if opening.my_wait == WaitingListEntry.Status.OFFERED:
        return Cell(day, State.OFFERED, opening, "book", deadline=deadline)
    if opening.my_wait == WaitingListEntry.Status.WAITING:
        return Cell(day, State.WAITING, opening, "leave", rank=opening.my_rank, deadline=deadline)
    if remaining <= 0:
        return Cell(day, State.FULL, opening, "join", remaining=0, deadline=deadline)
    return Cell(day, State.AVAILABLE, opening, "book", remaining=remaining, deadline=deadline)
