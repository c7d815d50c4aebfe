"""Reads of reservations: billable bookings, the household's rows under shared custody, dashboard
counts, bookings a document unlocked, enrolments covering a day, closed days, the next closure
and the places by week. The member's planning grid is in `grid.py` (re-exported here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.registry import Unlocked, UnlockWindow
from espace_famille.queries import InSubquery
from famille.models import Member
from famille.selectors import household_members
from inscriptions.models import Activity, Enrolment
from reservations.holidays import is_bank_holiday
from reservations.models import Booking, Closure, Opening, WaitingListEntry

# The member's planning grid, for its callers (`selectors.planning(...)`, `State`).
from reservations.selectors.grid import (
    Cell,
    MemberEnrolments,
    Planning,
    Row,
    State,
    Week,
    enrolled_units,
    first_bookable_day,
    first_bookable_span,
    member_enrolments,
    planning,
    planning_openings,
)

if TYPE_CHECKING:
    from famille.models import Family

__all__ = [
    "BOOKED_DAY_COLUMNS",
    "Cell",
    "MemberEnrolments",
    "Planning",
    "Row",
    "State",
    "Week",
    "WeekPlaces",
    "billable_bookings",
    "bookings_unlocked",
    "by_household",
    "closed_days",
    "enrolled_units",
    "enrolment_covering",
    "first_bookable_day",
    "first_bookable_span",
    "member_enrolments",
    "members_taking_part",
    "next_closure_eve",
    "offered_places_count",
    "places_by_week",
    "planning",
    "planning_openings",
]


def billable_bookings(*, start: datetime.date, end: datetime.date) -> QuerySet[Booking]:
    """Bookings to invoice between start and end: booked, or cancelled after the deadline,
    but for the days of an accepted justified absence past its waiting days (credited)."""
    return (
        Booking.objects.filter(opening__date__range=(start, end))
        .filter(
            Q(status=Booking.Status.BOOKED)
            | Q(status=Booking.Status.CANCELLED, late_cancellation=True)
        )
        .exclude(absence__credited=True)
        .select_related("member__family", "opening__unit__activity")
    )


# The columns a line about a booked day reads ("Léa, Accueil du mercredi — Matin (08:30-12:00),
# le …": the dashboard's coming days, the calendar feed): with every column of the booking, the
# child, the opening, the unit and the activity, building the rows cost more than the query.
BOOKED_DAY_COLUMNS = (
    "member__first_name",
    "opening__date",
    "opening__unit__name",
    "opening__unit__start_time",
    "opening__unit__end_time",
    "opening__unit__activity__name",
)


def by_household(family: Family | int) -> Q:
    """Bookings (or waiting-list entries, campaign requests) made by a household: its `family`,
    or, left empty (rows from before shared custody, staff bookings), the child's main household.

    Each side of the OR starts from an index: the household's key (indexed where set,
    `models.household_index`) and its own children's (their few ids, computed once: see
    `InSubquery`). Joined through the member instead, the empty side read every booking of the
    town: on the 2,000-household data set the dashboard's coming bookings took 147 ms on SQLite
    and 7 ms of SQL on PostgreSQL, 1.9 ms and 1.0 ms now (docs/benchmarks.md, issue 18).
    """
    family_id = family if isinstance(family, int) else family.pk
    children = Member.objects.filter(family_id=family_id).order_by().values("pk")
    return Q(family_id=family_id) | Q(InSubquery("member_id", children), family__isnull=True)


def offered_places_count(family: Family) -> int:
    """Dashboard badge: places offered to the family from a waiting list (one query)."""
    return WaitingListEntry.objects.filter(
        by_household(family),
        status=WaitingListEntry.Status.OFFERED,
        opening__date__gte=timezone.localdate(),
    ).count()


def members_taking_part(family: Family, today: datetime.date) -> list[Member]:
    """Members with a current or coming accepted enrolment, with those enrolments (2 queries)."""
    live = (
        Enrolment.objects.filter(status=Enrolment.Status.ACCEPTED, end_date__gte=today)
        .select_related("activity")
        .order_by("activity__name")
    )
    return list(
        household_members(family)
        .filter(enrolments__status=Enrolment.Status.ACCEPTED, enrolments__end_date__gte=today)
        .distinct()
        .prefetch_related(Prefetch("enrolments", queryset=live, to_attr="live_enrolments"))
    )


def bookings_unlocked(window: UnlockWindow) -> list[Unlocked]:
    """The live bookings made in `window` that needed its document (documents' review page).

    Registered in `documents.registry.unlocked_sources`; one query.
    """
    bookings = Booking.objects.filter(
        member_id__in=window.member_ids,
        status__in=Booking.ACTIVE,
        created_at__gte=window.since,
    ).filter(
        Q(member_id__in=window.always_required_of)
        | Q(opening__unit__activity__required_documents=window.document_type_id)
    )
    if window.until is not None:
        bookings = bookings.filter(created_at__lte=window.until)
    bookings = (
        bookings.distinct()
        .select_related("member", "opening__unit__activity")
        .order_by("opening__date", "member_id", "pk")
    )
    return [
        Unlocked(
            _("%(member)s — %(activity)s, %(unit)s, le %(date)s (réservé le %(booked)s)")
            % {
                "member": booking.member,
                "activity": booking.opening.unit.activity.name,
                "unit": booking.opening.unit.name,
                "date": date_format(booking.opening.date, "SHORT_DATE_FORMAT"),
                "booked": date_format(
                    timezone.localtime(booking.created_at), "SHORT_DATETIME_FORMAT"
                ),
            },
            reverse("admin:reservations_booking_change", args=[booking.pk]),
        )
        for booking in bookings
    ]


@overload
def enrolment_covering(
    member: Member, activity: Activity, day: datetime.date, *, exists: Literal[False] = False
) -> Enrolment | None: ...


@overload
def enrolment_covering(
    member: Member, activity: Activity, day: datetime.date, *, exists: Literal[True]
) -> bool: ...


def enrolment_covering(
    member: Member, activity: Activity, day: datetime.date, *, exists: bool = False
) -> Enrolment | bool | None:
    """The accepted enrolment of the member in the activity on that day (or only whether one is)."""
    enrolments = Enrolment.objects.filter(
        member=member,
        activity=activity,
        status=Enrolment.Status.ACCEPTED,
        start_date__lte=day,
        end_date__gte=day,
    )
    return enrolments.exists() if exists else enrolments.first()


def closed_days(activity: Activity, start: datetime.date, end: datetime.date) -> dict:
    """Day -> reason, for the bank holidays and staff closures between start and end."""
    days: dict[datetime.date, str] = {}
    closures = (
        Closure.objects.filter(start_date__lte=end, end_date__gte=start)
        .filter(Q(activities__isnull=True) | Q(activities=activity))
        .distinct()
    )
    for closure in closures:
        day = max(closure.start_date, start)
        while day <= min(closure.end_date, end):
            days[day] = closure.name
            day += datetime.timedelta(days=1)
    day = start
    while day <= end:
        if is_bank_holiday(day):
            days[day] = gettext("Jour férié")
        day += datetime.timedelta(days=1)
    return days


def next_closure_eve(units: list, start: datetime.date) -> datetime.date:
    """Default end of a typical week: the eve of the next closure, else the activities' end."""
    ends = [u.activity.end_date for u in units] or [start + datetime.timedelta(days=28)]
    closure = Closure.objects.filter(start_date__gt=start).order_by("start_date").first()
    end = min(ends)
    if closure:
        end = min(end, closure.start_date - datetime.timedelta(days=1))
    return max(end, start)


@dataclass
class WeekPlaces:
    """Places taken against capacity of one activity over one week (the staff home's chart)."""

    monday: datetime.date
    taken: int = 0
    capacity: int = 0
    waiting: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.taken / self.capacity) if self.capacity else 0


def places_by_week(
    *, today: datetime.date, weeks: int = 4
) -> tuple[list[datetime.date], list[tuple[str, list[WeekPlaces]]]]:
    """(the weeks' Mondays, [(activity, its weeks)]) for this week and the next ones (from
    next week on a Saturday or Sunday).

    Two grouped queries (places, then live waiting-list entries), whatever the number of
    households: the openings' counter `booked_count` holds the places taken.
    """
    first = today - datetime.timedelta(days=today.weekday())
    if today.weekday() >= 5:
        first += datetime.timedelta(weeks=1)
    mondays = [first + datetime.timedelta(weeks=n) for n in range(weeks)]
    end = first + datetime.timedelta(weeks=weeks)
    rows: dict[int, tuple[str, list[WeekPlaces]]] = {}
    openings = (
        Opening.objects.filter(date__gte=max(today, first), date__lt=end, is_closed=False)
        .order_by()
        .values_list("unit__activity_id", "unit__activity__name", "date")
        .annotate(taken=models.Sum("booked_count"), capacity=models.Sum("capacity"))
    )
    for activity_id, name, day, taken, capacity in openings:
        week = rows.setdefault(activity_id, (name, [WeekPlaces(m) for m in mondays]))[1]
        cell = week[(day - first).days // 7]
        cell.taken += taken or 0
        cell.capacity += capacity or 0
    waiting = (
        WaitingListEntry.objects.filter(
            status__in=WaitingListEntry.LIVE,
            opening__date__gte=max(today, first),
            opening__date__lt=end,
            opening__unit__activity_id__in=list(rows),
        )
        .order_by()
        .values_list("opening__unit__activity_id", "opening__date")
        .annotate(n=models.Count("pk"))
    )
    for activity_id, day, count in waiting:
        rows[activity_id][1][(day - first).days // 7].waiting += count
    return mondays, sorted(rows.values(), key=lambda row: row[0])
