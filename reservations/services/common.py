"""What bookings, waiting lists and openings share: the refusal, the rules a booking must meet,
the places taken and the counter, the booking row itself and the family emails."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.selectors import missing_documents
from espace_famille import audit
from espace_famille.emails import send_to_family
from espace_famille.formatting import long_date
from espace_famille.queries import count_of
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.notice import booking_deadline
from reservations.registry import registered_rule_problem
from reservations.selectors import enrolment_covering

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Family, Member


class BookingRefused(Exception):
    """A booking change refused, with a French message and a code for summaries."""

    CLOSED = "closed"
    NOT_ENROLLED = "not_enrolled"
    DEADLINE = "deadline"
    FULL = "full"
    TWICE = "twice"
    DOCUMENTS = "documents"
    RULE = "rule"
    OTHER_HOUSEHOLD = "other_household"

    def __init__(self, message: str, code: str = RULE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _day(day: datetime.date) -> str:
    return long_date(day, "l j F")


def _moment(moment: datetime.datetime) -> str:
    return long_date(timezone.localtime(moment), "l j F à H:i")


def household_of(booking: Booking | WaitingListEntry) -> int:
    """The household that made a booking (or joined a list): its `family`, else the child's main
    household (rows made before shared custody, or by staff for the main household)."""
    return booking.family_id or booking.member.family_id


def _household(member: Member, family: Family | None) -> Family:
    """The household to audit and email: the one that acted, else the child's main one."""
    return family if family is not None else member.family


def other_household_refusal(member: Member, opening: Opening) -> BookingRefused:
    return BookingRefused(
        _("%(unit)s du %(day)s : réservé par l'autre foyer de %(member)s.")
        % _describe(member, opening),
        BookingRefused.OTHER_HOUSEHOLD,
    )


def _describe(member: Member, opening: Opening) -> dict[str, str]:
    return {"member": str(member), "unit": opening.unit.name, "day": _day(opening.date)}


def _locked_opening(pk: int, known: Opening | None = None) -> Opening:
    """The opening re-read under its row lock: concurrent changes of it run one after the other.

    `known`: the same opening already read with its unit and activity (the planning reads them
    for every ticked cell); the locked row then reads the opening alone and keeps those, which
    saves compiling the three-table join once more on each booking.
    """
    locked = Opening.objects.select_for_update(of=("self",))
    if known is None or known.pk != pk or not Opening.unit.is_cached(known):
        return locked.select_related("unit__activity").get(pk=pk)
    opening = locked.get(pk=pk)
    opening.unit = known.unit
    return opening


def openings_recount(*, opening_ids: Iterable[int] | QuerySet | None = None) -> int:
    """Set `booked_count` from the active bookings, in one UPDATE; returns the openings updated.

    The services keep the counter exact; this repairs it after bulk inserts (demo data) or
    bookings imported outside the services. `opening_ids` may be a list or a values("pk")
    queryset; None recounts every opening.
    """
    active = Booking.objects.filter(opening=OuterRef("pk"), status__in=Booking.ACTIVE)
    openings = Opening.objects.all()
    if opening_ids is not None:
        openings = openings.filter(pk__in=opening_ids)
    return openings.update(booked_count=count_of(active))


def _recount(opening: Opening) -> None:
    """Refresh the counter of one opening whose bookings changed (caller holds its row lock)."""
    openings_recount(opening_ids=[opening.pk])


@dataclass(frozen=True)
class Places:
    """What a new booking of one member needs to know of an opening, read under its row lock."""

    booked: int  # live bookings (the opening's `booked_count`)
    offered_to_others: int  # places held for another member's waiting-list offer
    member_booked: bool
    member_waiting: bool  # the member waits or holds an offer on this opening

    @property
    def taken(self) -> int:
        return self.booked + self.offered_to_others


def _places(opening: Opening, member: Member) -> Places:
    """Two plain reads instead of four queries (an EXISTS, two COUNTs and a conditional UPDATE).

    The live bookings' members and the live waiting-list entries of one opening are a few dozen
    rows, counted here: cheaper to compile than two aggregates with filters (a fifth less CPU
    for this step under cProfile). Read after the row lock, each in its own statement, so that
    on PostgreSQL they see the bookings committed by the transaction that held the lock before
    (a subquery of the locking SELECT would read the snapshot taken before the wait).
    """
    booked = list(
        Booking.objects.filter(opening=opening, status__in=Booking.ACTIVE).values_list(
            "member_id", flat=True
        )
    )
    entries = list(
        WaitingListEntry.objects.filter(
            opening=opening, status__in=WaitingListEntry.LIVE
        ).values_list("member_id", "status")
    )
    return Places(
        booked=len(booked),
        offered_to_others=sum(
            1
            for member_id, status in entries
            if status == WaitingListEntry.Status.OFFERED and member_id != member.pk
        ),
        member_booked=member.pk in booked,
        member_waiting=any(member_id == member.pk for member_id, _status in entries),
    )


def _taken(opening: Opening, *, except_member: Member | None = None) -> int:
    """Places used: live bookings plus places held for a waiting-list offer.

    An exact count rather than `booked_count`: capacity stays right even for bookings
    imported outside the services (one opening, under its row lock).
    """
    booked = Booking.objects.filter(opening=opening, status__in=Booking.ACTIVE).count()
    offers = WaitingListEntry.objects.filter(
        opening=opening, status=WaitingListEntry.Status.OFFERED
    )
    if except_member is not None:
        offers = offers.exclude(member=except_member)
    return booked + offers.count()


def booking_problem(
    *,
    member: Member,
    opening: Opening,
    user: User | None,
    now: datetime.datetime,
    by_staff: bool = False,
    already_booked: bool | None = None,
) -> BookingRefused | None:
    """The first rule a new booking breaks (capacity excepted), or None.

    `already_booked`: whether the member holds a live booking of the opening, when the caller
    has read it already (`_places`); None reads it here.
    """
    activity = opening.unit.activity
    info = _describe(member, opening)
    if opening.is_closed:
        return BookingRefused(_("%(unit)s du %(day)s : fermé.") % info, BookingRefused.CLOSED)
    if not enrolment_covering(member, activity, opening.date, exists=True):
        return BookingRefused(
            _("%(member)s n'est pas inscrit(e) à « %(activity)s » pour le %(day)s.")
            % {**info, "activity": activity.name},
            BookingRefused.NOT_ENROLLED,
        )
    if not by_staff:
        if not activity.portal_booking:
            return BookingRefused(
                _("Les réservations de « %(activity)s » se font auprès de la structure.")
                % {"activity": activity.name},
                BookingRefused.RULE,
            )
        deadline = booking_deadline(activity, opening.date, opening.unit.start_time)
        if now >= deadline:
            return BookingRefused(
                _("%(unit)s du %(day)s : le délai pour réserver est dépassé (avant le %(limit)s).")
                % {**info, "limit": _moment(deadline)},
                BookingRefused.DEADLINE,
            )
    if already_booked is None:
        already_booked = Booking.objects.filter(
            member=member, opening=opening, status__in=Booking.ACTIVE
        ).exists()
    if already_booked:
        return BookingRefused(
            _("%(member)s est déjà inscrit(e) : %(unit)s du %(day)s.") % info, BookingRefused.TWICE
        )
    missing = missing_documents(member=member, activity_types=activity.required_documents.all())
    if missing:
        return BookingRefused(
            _("Documents obligatoires manquants pour %(member)s : %(documents)s.")
            % {**info, "documents": ", ".join(str(d) for d in missing)},
            BookingRefused.DOCUMENTS,
        )
    if not by_staff:
        message = registered_rule_problem(member=member, opening=opening, user=user)
        if message:
            return BookingRefused(message, BookingRefused.RULE)
    return None


def _full_message(member: Member, opening: Opening) -> BookingRefused:
    return BookingRefused(
        _("%(unit)s du %(day)s : complet. Vous pouvez vous inscrire sur la liste d'attente.")
        % _describe(member, opening),
        BookingRefused.FULL,
    )


def _book(
    *,
    member: Member,
    opening: Opening,
    user: User | None,
    by_staff: bool,
    request: HttpRequest | None,
    summary: str = "",
    places: Places | None = None,
    family: Family | None = None,
) -> Booking:
    """Write the booking, its opening's counter and the audit row (caller holds the row lock).

    With the `places` read under the lock, the counter is set from them and the waiting list
    is touched only when the member is on it; without, both are read again.
    """
    activity = opening.unit.activity
    needs_confirmation = activity.booking_needs_confirmation and not by_staff
    booking = Booking(
        member=member,
        opening=opening,
        status=Booking.Status.PENDING if needs_confirmation else Booking.Status.BOOKED,
        created_by=user if user is not None and user.pk else None,
        family=family,
    )
    # No full_clean(): every rule was checked above under the row lock, and the database's
    # partial unique constraint refuses a second live booking (full_clean would re-query
    # each foreign key, four queries per booking of a typical week).
    booking.save()
    if places is None:
        _recount(opening)
    else:
        Opening.objects.filter(pk=opening.pk).update(booked_count=places.booked + 1)
    if places is None or places.member_waiting:
        WaitingListEntry.objects.filter(
            member=member, opening=opening, status__in=WaitingListEntry.LIVE
        ).update(status=WaitingListEntry.Status.BOOKED)
    audit.record(
        _household(member, family),
        user,
        BookingEvent.BOOKING_CREATED,
        summary or _("Réservation : %(member)s, %(unit)s du %(day)s") % _describe(member, opening),
        obj=booking,
        request=request,
    )
    return booking


def _email_on_commit(
    name: str, member: Member, opening: Opening, *, household: Family | None = None, **extra: Any
) -> None:
    family = _household(member, household)

    def send() -> None:
        context = {"member": member, "opening": opening, **extra}
        send_to_family(name, family=family, context=context)

    transaction.on_commit(send)
