"""Openings, capacities and closures (staff)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from inscriptions.models import Activity, Unit
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Closure, Opening, WaitingListEntry
from reservations.selectors import closed_days
from reservations.services.common import _describe, _locked_opening, _recount
from reservations.services.waitlist import waitlist_promote

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import StaffJob, User


def openings_generate(
    *,
    activity: Activity,
    start: datetime.date,
    end: datetime.date,
    capacity: int | None = None,
) -> int:
    """Create the openings of the weekly pattern; holidays and closures are created closed.

    Existing openings are left as they are, so running it twice creates nothing more.
    """
    closed = closed_days(activity, start, end)
    units = list(Unit.objects.filter(activity=activity))
    new: list[Opening] = []
    day = start
    while day <= end:
        for unit in units:
            if day.isoweekday() in unit.weekday_numbers:
                reason = closed.get(day, "")
                new.append(
                    Opening(
                        unit=unit,
                        date=day,
                        capacity=unit.capacity if capacity is None else capacity,
                        is_closed=bool(reason),
                        closed_reason=reason[:120],
                    )
                )
        day += datetime.timedelta(days=1)
    before = Opening.objects.filter(unit__activity=activity, date__range=(start, end)).count()
    Opening.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return (
        Opening.objects.filter(unit__activity=activity, date__range=(start, end)).count() - before
    )


def opening_update(
    *,
    opening: Opening,
    capacity: int,
    is_closed: bool,
    closed_reason: str = "",
    by: User | None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Opening:
    """Staff change a capacity or close a day; freed places go to the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_opening(opening.pk)
        was_closed = locked.is_closed
        locked.capacity = capacity
        locked.is_closed = is_closed
        locked.closed_reason = closed_reason
        locked.full_clean()
        locked.save(update_fields=["capacity", "is_closed", "closed_reason"])
        if is_closed and not was_closed:
            _cancel_for_closure(locked, by=by, now=now, request=request)
        elif not is_closed:
            waitlist_promote(opening=locked, now=now)
    return locked


def _cancel_for_closure(
    opening: Opening, *, by: User | None, now: datetime.datetime, request: HttpRequest | None
) -> None:
    bookings = Booking.objects.filter(opening=opening, status__in=Booking.ACTIVE).select_related(
        "member__family"
    )
    for booking in bookings:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = by if by is not None and by.pk else None
        booking.late_cancellation = False
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "late_cancellation"])
        audit.record(
            booking.member.family,
            by,
            BookingEvent.BOOKING_CANCELLED,
            _("Annulation (fermeture) : %(member)s, %(unit)s du %(day)s")
            % _describe(booking.member, opening),
            obj=booking,
            request=request,
        )
    _recount(opening)
    WaitingListEntry.objects.filter(opening=opening, status__in=WaitingListEntry.LIVE).update(
        status=WaitingListEntry.Status.LEFT
    )


def closure_apply(
    *,
    closure: Closure,
    by: User | None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Close the existing openings a closure period covers; returns how many were closed."""
    openings = Opening.objects.filter(
        date__range=(closure.start_date, closure.end_date), is_closed=False
    )
    activity_ids = list(closure.activities.values_list("pk", flat=True))
    if activity_ids:
        openings = openings.filter(unit__activity_id__in=activity_ids)
    count = 0
    for opening in openings:
        opening_update(
            opening=opening,
            capacity=opening.capacity,
            is_closed=True,
            closed_reason=closure.name[:120],
            by=by,
            now=now,
            request=request,
        )
        count += 1
    return count


def openings_generate_job(
    *,
    job: StaffJob,
    progress: Callable[[int, int], None],
    activity_id: int,
    start: str,
    end: str,
    capacity: int | None = None,
) -> dict[str, Any]:
    """`openings_generate` as a background job (espace_famille.jobs), a month at a time so
    that the progress bar moves; its result page's text."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    activity = Activity.objects.get(pk=activity_id)
    first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    months = []
    day = first
    while day <= last:
        following = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        months.append((day, min(last, following - datetime.timedelta(days=1))))
        day = following
    created = 0
    for done, (month_start, month_end) in enumerate(months):
        progress(done, len(months))
        created += openings_generate(
            activity=activity, start=month_start, end=month_end, capacity=capacity
        )
    progress(len(months), len(months))
    return {
        "summary": ngettext("%(n)d ouverture créée.", "%(n)d ouvertures créées.", created)
        % {"n": created},
        "url": reverse("admin:reservations_opening_changelist")
        + f"?quand=toutes&unit__activity__id__exact={activity.pk}",
        "link": _("Voir les ouvertures de l'activité"),
    }
