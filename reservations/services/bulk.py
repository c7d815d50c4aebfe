"""Several changes in one step: a parent's ticked cells and the typical week."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from reservations.models import Booking, Opening, WaitingListEntry
from reservations.services.bookings import booking_cancel, booking_create
from reservations.services.common import BookingRefused, _describe
from reservations.services.waitlist import waitlist_join, waitlist_leave

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Family, Member


@dataclass(frozen=True)
class Outcome:
    """One ticked cell once applied: what was asked, whether it was done, in words."""

    action: str  # book, cancel, join, leave
    done: bool
    text: str
    day: datetime.date | None = None  # None: the cell did not exist
    unit: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.day or datetime.date.max, self.unit, self.text)


@dataclass
class ApplyResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def in_date_order(self) -> list[Outcome]:
        return sorted(self.outcomes, key=lambda outcome: outcome.sort_key)

    @property
    def done(self) -> list[str]:
        return [o.text for o in self.in_date_order if o.done]

    @property
    def refused(self) -> list[str]:
        return [o.text for o in self.in_date_order if not o.done]


def _apply_cancel(*, member: Member, opening: Opening, **kwargs: Any) -> None:
    booking = Booking.objects.filter(
        member=member, opening=opening, status__in=Booking.ACTIVE
    ).first()
    if booking is None:
        raise BookingRefused(_("Cette case n'existe pas ou plus."))
    booking_cancel(booking=booking, **kwargs)


def _apply_leave(*, member: Member, opening: Opening, **kwargs: Any) -> None:
    entry = WaitingListEntry.objects.filter(
        member=member, opening=opening, status__in=WaitingListEntry.LIVE
    ).first()
    if entry is None:
        raise BookingRefused(_("Cette case n'existe pas ou plus."))
    waitlist_leave(entry=entry, **kwargs)


def _apply_book(**kwargs: Any) -> None:
    booking_create(**kwargs)


def _apply_join(**kwargs: Any) -> None:
    waitlist_join(**kwargs)


def _apply_ask(**kwargs: Any) -> None:
    from reservations.campaigns.services import campaign_request_add

    campaign_request_add(**kwargs)


def _apply_unask(**kwargs: Any) -> None:
    from reservations.campaigns.services import campaign_request_withdraw

    campaign_request_withdraw(**kwargs)


def _done(action: str) -> str:
    return {
        "ask": _("Demandé : %(unit)s du %(day)s"),
        "unask": _("Demande retirée : %(unit)s du %(day)s"),
        "cancel": _("Annulé : %(unit)s du %(day)s"),
        "leave": _("Sorti(e) de la liste d'attente : %(unit)s du %(day)s"),
        "book": _("Réservé : %(unit)s du %(day)s"),
        "join": _("Inscrit(e) sur la liste d'attente : %(unit)s du %(day)s"),
    }[action]


_APPLY: dict[str, Callable[..., None]] = {
    "cancel": _apply_cancel,
    "leave": _apply_leave,
    "unask": _apply_unask,
    "book": _apply_book,
    "join": _apply_join,
    "ask": _apply_ask,
}


def bookings_apply(
    *,
    member: Member,
    user: User | None,
    book: Iterable[int] = (),
    cancel: Iterable[int] = (),
    join: Iterable[int] = (),
    leave: Iterable[int] = (),
    ask: Iterable[int] = (),
    unask: Iterable[int] = (),
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
    family: Family | None = None,
) -> ApplyResult:
    """Apply a parent's ticked cells: each change in its own transaction, each one reported.

    Cancellations come first, so that a place freed by one change can serve another; the
    result tells the outcomes in date order (`ApplyResult.in_date_order`). `family`: the
    household that acts (shared custody): it books for itself and changes only its own days.
    """
    now = now or timezone.now()
    result = ApplyResult()
    wanted = {
        "cancel": cancel,
        "leave": leave,
        "unask": unask,
        "book": book,
        "join": join,
        "ask": ask,
    }
    ids = {action: sorted({int(pk) for pk in pks}) for action, pks in wanted.items()}
    openings = Opening.objects.filter(pk__in=[pk for pks in ids.values() for pk in pks])
    by_pk = {o.pk: o for o in openings.select_related("unit__activity")}
    for action, pks in ids.items():
        for pk in pks:
            opening = by_pk.get(pk)
            where: dict[str, Any] = (
                {"day": opening.date, "unit": opening.unit.name} if opening else {}
            )
            try:
                if opening is None:
                    raise BookingRefused(_("Cette case n'existe pas ou plus."))
                _APPLY[action](
                    member=member,
                    opening=opening,
                    user=user,
                    now=now,
                    request=request,
                    family=family,
                )
            except BookingRefused as refusal:
                result.outcomes.append(Outcome(action, False, refusal.message, **where))
            else:
                text = _done(action) % _describe(member, opening)
                result.outcomes.append(Outcome(action, True, text, **where))
    return result


# Typical week ---------------------------------------------------------------------------------


@dataclass
class TypicalWeekSummary:
    booked: list[Opening] = field(default_factory=list)
    already: list[Opening] = field(default_factory=list)
    full: list[Opening] = field(default_factory=list)
    past_deadline: list[Opening] = field(default_factory=list)
    closed: list[Opening] = field(default_factory=list)
    refused: list[tuple[Opening, str]] = field(default_factory=list)
    other_household: list[Opening] = field(default_factory=list)  # shared custody


def typical_week_apply(
    *,
    member: Member,
    user: User | None,
    pattern: Iterable[tuple[int, int]],
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
    family: Family | None = None,
) -> TypicalWeekSummary:
    """Book the (unit id, ISO weekday) pairs of `pattern` on every day from `start` to `end`.

    `family`: the household that books (shared custody); days the other household booked are
    left to it and told apart.
    """
    now = now or timezone.now()
    pattern = set(pattern)
    summary = TypicalWeekSummary()
    unit_ids = {unit_id for unit_id, _weekday in pattern}
    openings = (
        Opening.objects.filter(unit_id__in=unit_ids, date__range=(start, end))
        .select_related("unit__activity")
        .order_by("date", "unit__order", "unit_id")
    )
    acting = member.family_id if family is None else family.pk
    booked = dict(
        Booking.objects.filter(
            member=member, opening__in=openings, status__in=Booking.ACTIVE
        ).values_list("opening_id", "family_id")
    )
    mine = {pk for pk, by in booked.items() if (by or member.family_id) == acting}
    for opening in openings:
        if (opening.unit_id, opening.date.isoweekday()) not in pattern:
            continue
        if opening.is_closed:
            summary.closed.append(opening)
        elif opening.pk in mine:
            summary.already.append(opening)
        elif opening.pk in booked:
            summary.other_household.append(opening)
        else:
            _typical_book(
                summary,
                member=member,
                opening=opening,
                user=user,
                now=now,
                request=request,
                family=family,
            )
    return summary


def _typical_book(summary: TypicalWeekSummary, **kwargs: Any) -> None:
    opening = kwargs["opening"]
    try:
        booking_create(**kwargs)
    except BookingRefused as refusal:
        bucket = {
            BookingRefused.FULL: summary.full,
            BookingRefused.DEADLINE: summary.past_deadline,
            BookingRefused.CLOSED: summary.closed,
            BookingRefused.TWICE: summary.already,
        }.get(refusal.code)
        if bucket is None:
            summary.refused.append((opening, refusal.message))
        else:
            bucket.append(opening)
    else:
        summary.booked.append(opening)
