"""Booking, cancelling and confirming one place."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from inscriptions.models import Enrolment
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.notice import cancel_deadline
from reservations.services.common import (
    BookingRefused,
    _book,
    _describe,
    _full_message,
    _household,
    _locked_opening,
    _moment,
    _places,
    _recount,
    booking_problem,
    household_of,
    other_household_refusal,
)
from reservations.services.waitlist import waitlist_promote

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Family, Member


def booking_create(
    *,
    member: Member,
    opening: Opening,
    user: User | None,
    now: datetime.datetime | None = None,
    by_staff: bool = False,
    request: HttpRequest | None = None,
    family: Family | None = None,
) -> Booking:
    """Book a place; every rule is checked under a row lock on the opening.

    `family`: the household that books (a child in shared custody has two), recorded on the
    booking: it is billed to that household. None: the child's main household.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            opening = _locked_opening(opening.pk, known=opening)
            places = _places(opening, member)
            problem = booking_problem(
                member=member,
                opening=opening,
                user=user,
                now=now,
                by_staff=by_staff,
                already_booked=places.member_booked,
            )
            if problem:
                raise problem
            if places.taken >= opening.capacity:
                raise _full_message(member, opening)
            return _book(
                member=member,
                opening=opening,
                user=user,
                by_staff=by_staff,
                request=request,
                places=places,
                family=family,
            )
    except IntegrityError:
        raise BookingRefused(
            _("%(member)s est déjà inscrit(e) : %(unit)s du %(day)s.") % _describe(member, opening),
            BookingRefused.TWICE,
        ) from None


def booking_cancel(
    *,
    booking: Booking,
    user: User | None,
    now: datetime.datetime | None = None,
    by_staff: bool = False,
    billable: bool | None = None,
    request: HttpRequest | None = None,
    family: Family | None = None,
) -> Booking:
    """Cancel a booking; after the cancelling deadline only staff may, and it stays billable.

    `family`: the household that cancels; a parent cancels only the days its household booked.
    """
    now = now or timezone.now()
    with transaction.atomic():
        opening = _locked_opening(booking.opening_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("member__family", "family")
            .get(pk=booking.pk)
        )
        member = booking.member
        info = _describe(member, opening)
        if booking.status == Booking.Status.CANCELLED:
            raise BookingRefused(_("Cette réservation est déjà annulée."), BookingRefused.TWICE)
        if family is not None and household_of(booking) != family.pk:
            raise other_household_refusal(member, opening)
        activity = opening.unit.activity
        deadline = cancel_deadline(activity, opening.date, opening.unit.start_time)
        late = now >= deadline
        if not by_staff:
            if not activity.portal_booking:
                raise BookingRefused(
                    _("Les annulations de « %(activity)s » se font auprès de la structure.")
                    % {"activity": activity.name}
                )
            if late:
                raise BookingRefused(
                    _(
                        "%(unit)s du %(day)s : le délai pour annuler est dépassé "
                        "(avant le %(limit)s)."
                    )
                    % {**info, "limit": _moment(deadline)},
                    BookingRefused.DEADLINE,
                )
        was_pending = booking.status == Booking.Status.PENDING
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = user if user is not None and user.pk else None
        booking.late_cancellation = (late and not was_pending) if billable is None else billable
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "late_cancellation"])
        _recount(opening)
        summary = _("Annulation : %(member)s, %(unit)s du %(day)s") % info
        if booking.late_cancellation:
            summary += " " + _("(hors délai, facturée)")
        audit.record(
            _household(member, booking.family),
            user,
            BookingEvent.BOOKING_CANCELLED,
            summary,
            obj=booking,
            request=request,
        )
        waitlist_promote(opening=opening, now=now)
    return booking


def booking_confirm(
    *, booking: Booking, by: User | None, request: HttpRequest | None = None
) -> Booking:
    """Staff confirm a booking awaiting confirmation."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("member__family", "family", "opening__unit")
            .get(pk=booking.pk)
        )
        if booking.status != Booking.Status.PENDING:
            raise BookingRefused(_("Cette réservation n'attend pas de confirmation."))
        booking.status = Booking.Status.BOOKED
        # Pending and booked are both active: the opening's booked_count does not change.
        booking.save(update_fields=["status"])
        audit.record(
            _household(booking.member, booking.family),
            by,
            BookingEvent.BOOKING_CREATED,
            _("Réservation confirmée : %(member)s, %(unit)s du %(day)s")
            % _describe(booking.member, booking.opening),
            obj=booking,
            request=request,
        )
    return booking


def bookings_cancel_for_enrolment(
    *,
    enrolment: Enrolment,
    by: User | None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> int:
    """An enrolment ends: its coming bookings are cancelled without charge, places freed."""
    now = now or timezone.now()
    coming = Booking.objects.filter(
        member=enrolment.member,
        opening__unit__activity=enrolment.activity,
        opening__date__gte=timezone.localdate(now),
        status__in=Booking.ACTIVE,
    )
    count = 0
    for booking in coming:
        booking_cancel(
            booking=booking, user=by, now=now, by_staff=True, billable=False, request=request
        )
        count += 1
    WaitingListEntry.objects.filter(
        member=enrolment.member,
        opening__unit__activity=enrolment.activity,
        status__in=WaitingListEntry.LIVE,
    ).update(status=WaitingListEntry.Status.LEFT)
    return count
