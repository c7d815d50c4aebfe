"""Waiting lists: joining, leaving, and freed places going to the first in line."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from inscriptions.models import Activity
from reservations.audit_kinds import BookingEvent
from reservations.models import Opening, WaitingListEntry
from reservations.notice import booking_deadline
from reservations.services.common import (
    BookingRefused,
    _book,
    _describe,
    _email_on_commit,
    _household,
    _locked_opening,
    _taken,
    booking_problem,
    household_of,
)

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Family, Member


def waitlist_join(
    *,
    member: Member,
    opening: Opening,
    user: User | None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
    family: Family | None = None,
) -> WaitingListEntry:
    """Join the waiting list of a full opening (`family`: the household that waits)."""
    now = now or timezone.now()
    with transaction.atomic():
        opening = _locked_opening(opening.pk)
        problem = booking_problem(member=member, opening=opening, user=user, now=now)
        if problem:
            raise problem
        if _taken(opening) < opening.capacity:
            raise BookingRefused(
                _("%(unit)s du %(day)s : des places sont libres, réservez directement.")
                % _describe(member, opening)
            )
        if WaitingListEntry.objects.filter(
            member=member, opening=opening, status__in=WaitingListEntry.LIVE
        ).exists():
            raise BookingRefused(
                _("%(member)s est déjà sur la liste d'attente : %(unit)s du %(day)s.")
                % _describe(member, opening),
                BookingRefused.TWICE,
            )
        entry = WaitingListEntry.objects.create(
            member=member,
            opening=opening,
            created_by=user if user and user.pk else None,
            family=family,
        )
        audit.record(
            _household(member, family),
            user,
            BookingEvent.WAITLIST_JOINED,
            _("Liste d'attente : %(member)s, %(unit)s du %(day)s") % _describe(member, opening),
            obj=entry,
            request=request,
        )
    return entry


def waitlist_leave(
    *,
    entry: WaitingListEntry,
    user: User | None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
    family: Family | None = None,
) -> WaitingListEntry:
    """Leave a waiting list; a place held for this member goes to the next in line.

    `family`: the household that leaves; it leaves only the lists it joined.
    """
    now = now or timezone.now()
    with transaction.atomic():
        opening = _locked_opening(entry.opening_id)
        entry = (
            WaitingListEntry.objects.select_for_update(of=("self",))
            .select_related("member__family", "family")
            .get(pk=entry.pk)
        )
        if entry.status not in WaitingListEntry.LIVE:
            raise BookingRefused(_("Vous n'êtes plus sur cette liste d'attente."))
        if family is not None and household_of(entry) != family.pk:
            raise BookingRefused(
                _("%(unit)s du %(day)s : liste d'attente rejointe par l'autre foyer.")
                % _describe(entry.member, opening),
                BookingRefused.OTHER_HOUSEHOLD,
            )
        entry.status = WaitingListEntry.Status.LEFT
        entry.save(update_fields=["status"])
        audit.record(
            _household(entry.member, entry.family),
            user,
            BookingEvent.WAITLIST_LEFT,
            _("Sortie de la liste d'attente : %(member)s, %(unit)s du %(day)s")
            % _describe(entry.member, opening),
            obj=entry,
            request=request,
        )
        waitlist_promote(opening=opening, now=now)
    return entry


def waitlist_promote(*, opening: Opening, now: datetime.datetime) -> list[WaitingListEntry]:
    """Give the free places of a locked opening to the first in line, within the notice rules."""
    activity = opening.unit.activity
    if opening.is_closed or now >= booking_deadline(
        activity, opening.date, opening.unit.start_time
    ):
        return []
    free = opening.capacity - _taken(opening)
    promoted: list[WaitingListEntry] = []
    queue = (
        WaitingListEntry.objects.filter(opening=opening, status=WaitingListEntry.Status.WAITING)
        .select_related("member__family", "family")
        .order_by("created_at", "pk")
    )
    for entry in queue:
        if free <= 0:
            break
        member = entry.member
        problem = booking_problem(member=member, opening=opening, user=None, now=now)
        if problem and problem.code in (BookingRefused.NOT_ENROLLED, BookingRefused.TWICE):
            entry.status = WaitingListEntry.Status.LEFT
            entry.save(update_fields=["status"])
            continue
        if activity.waiting_list == Activity.WaitingList.AUTO:
            if problem:  # e.g. documents missing: stays in line, the next one gets the place
                continue
            booking = _book(
                member=member,
                opening=opening,
                user=None,
                by_staff=False,
                request=None,
                summary=_("Réservation depuis la liste d'attente : %(member)s, %(unit)s du %(day)s")
                % _describe(member, opening),
                family=entry.family,
            )
            entry.status = WaitingListEntry.Status.BOOKED
            _email_on_commit(
                "reservations_waitlist_booked",
                member,
                opening,
                household=entry.family,
                booking=booking,
            )
        else:
            entry.status = WaitingListEntry.Status.OFFERED
            entry.offered_at = now
            entry.save(update_fields=["status", "offered_at"])
            audit.record(
                _household(member, entry.family),
                None,
                BookingEvent.WAITLIST_OFFERED,
                _("Place proposée (liste d'attente) : %(member)s, %(unit)s du %(day)s")
                % _describe(member, opening),
                obj=entry,
            )
            deadline = booking_deadline(activity, opening.date, opening.unit.start_time)
            _email_on_commit(
                "reservations_waitlist_offered",
                member,
                opening,
                household=entry.family,
                deadline=deadline,
            )
        promoted.append(entry)
        free -= 1
    return promoted
