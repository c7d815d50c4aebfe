"""Booking, cancelling, waiting lists, typical weeks, openings and closures."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille.emails import send_to_family
from espace_famille.formatting import long_date
from inscriptions.models import Activity, Enrolment, Unit
from inscriptions.selectors import missing_documents
from reservations.holidays import is_bank_holiday
from reservations.models import Booking, Closure, Opening, WaitingListEntry
from reservations.notice import booking_deadline, cancel_deadline
from reservations.rules import registered_rule_problem


class BookingRefused(Exception):
    """A booking change refused, with a French message and a code for summaries."""

    CLOSED = "closed"
    NOT_ENROLLED = "not_enrolled"
    DEADLINE = "deadline"
    FULL = "full"
    TWICE = "twice"
    DOCUMENTS = "documents"
    RULE = "rule"

    def __init__(self, message: str, code: str = RULE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _day(day: datetime.date) -> str:
    return long_date(day, "l j F")


def _moment(moment: datetime.datetime) -> str:
    return long_date(timezone.localtime(moment), "l j F à H:i")


def _describe(member: Any, opening: Opening) -> dict[str, str]:
    return {"member": str(member), "unit": opening.unit.name, "day": _day(opening.date)}


def _locked_opening(pk: int) -> Opening:
    # Row lock on PostgreSQL: concurrent bookings of one opening run one after the other.
    return (
        Opening.objects.select_for_update(of=("self",)).select_related("unit__activity").get(pk=pk)
    )


def openings_recount(*, opening_ids: Iterable[int] | QuerySet | None = None) -> int:
    """Set `booked_count` from the active bookings, in one UPDATE; returns the openings updated.

    The services keep the counter exact; this repairs it after bulk inserts (demo data) or
    bookings imported outside the services. `opening_ids` may be a list or a values("pk")
    queryset; None recounts every opening.
    """
    active = (
        Booking.objects.filter(opening=OuterRef("pk"), status__in=Booking.ACTIVE)
        .order_by()
        .values("opening")
        .annotate(n=Count("pk"))
        .values("n")
    )
    openings = Opening.objects.all()
    if opening_ids is not None:
        openings = openings.filter(pk__in=opening_ids)
    return openings.update(booked_count=Coalesce(Subquery(active), Value(0)))


def _recount(opening: Opening) -> None:
    """Refresh the counter of one opening whose bookings changed (caller holds its row lock)."""
    openings_recount(opening_ids=[opening.pk])


def _taken(opening: Opening, *, except_member: Any = None) -> int:
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


def enrolment_covering(member: Any, activity: Activity, day: datetime.date) -> Enrolment | None:
    return Enrolment.objects.filter(
        member=member,
        activity=activity,
        status=Enrolment.Status.ACCEPTED,
        start_date__lte=day,
        end_date__gte=day,
    ).first()


def booking_problem(
    *, member: Any, opening: Opening, user: Any, now: datetime.datetime, by_staff: bool = False
) -> BookingRefused | None:
    """The first rule a new booking breaks (capacity excepted), or None."""
    activity = opening.unit.activity
    info = _describe(member, opening)
    if opening.is_closed:
        return BookingRefused(_("%(unit)s du %(day)s : fermé.") % info, BookingRefused.CLOSED)
    if enrolment_covering(member, activity, opening.date) is None:
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
    if Booking.objects.filter(member=member, opening=opening, status__in=Booking.ACTIVE).exists():
        return BookingRefused(
            _("%(member)s est déjà inscrit(e) : %(unit)s du %(day)s.") % info, BookingRefused.TWICE
        )
    missing = missing_documents(member, activity.required_documents.all())
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


def _full_message(member: Any, opening: Opening) -> BookingRefused:
    return BookingRefused(
        _("%(unit)s du %(day)s : complet. Vous pouvez vous inscrire sur la liste d'attente.")
        % _describe(member, opening),
        BookingRefused.FULL,
    )


def booking_create(
    *,
    member: Any,
    opening: Opening,
    user: Any,
    now: datetime.datetime | None = None,
    by_staff: bool = False,
    request: HttpRequest | None = None,
) -> Booking:
    """Book a place; every rule is checked under a row lock on the opening."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            opening = _locked_opening(opening.pk)
            problem = booking_problem(
                member=member, opening=opening, user=user, now=now, by_staff=by_staff
            )
            if problem:
                raise problem
            if _taken(opening, except_member=member) >= opening.capacity:
                raise _full_message(member, opening)
            return _book(
                member=member, opening=opening, user=user, by_staff=by_staff, request=request
            )
    except IntegrityError:
        raise BookingRefused(
            _("%(member)s est déjà inscrit(e) : %(unit)s du %(day)s.") % _describe(member, opening),
            BookingRefused.TWICE,
        ) from None


def _book(
    *,
    member: Any,
    opening: Opening,
    user: Any,
    by_staff: bool,
    request: HttpRequest | None,
    summary: str = "",
) -> Booking:
    activity = opening.unit.activity
    needs_confirmation = activity.booking_needs_confirmation and not by_staff
    booking = Booking(
        member=member,
        opening=opening,
        status=Booking.Status.PENDING if needs_confirmation else Booking.Status.BOOKED,
        created_by=user if user is not None and user.pk else None,
    )
    # No full_clean(): every rule was checked above under the row lock, and the database's
    # partial unique constraint refuses a second live booking (full_clean would re-query
    # each foreign key, four queries per booking of a typical week).
    booking.save()
    _recount(opening)
    WaitingListEntry.objects.filter(
        member=member, opening=opening, status__in=WaitingListEntry.LIVE
    ).update(status=WaitingListEntry.Status.BOOKED)
    audit.record(
        member.family,
        user,
        audit.Kind.BOOKING_CREATED,
        summary or _("Réservation : %(member)s, %(unit)s du %(day)s") % _describe(member, opening),
        obj=booking,
        request=request,
    )
    return booking


def booking_cancel(
    *,
    booking: Booking,
    user: Any,
    now: datetime.datetime | None = None,
    by_staff: bool = False,
    billable: bool | None = None,
    request: HttpRequest | None = None,
) -> Booking:
    """Cancel a booking; after the cancelling deadline only staff may, and it stays billable."""
    now = now or timezone.now()
    with transaction.atomic():
        opening = _locked_opening(booking.opening_id)
        booking = (
            Booking.objects.select_for_update().select_related("member__family").get(pk=booking.pk)
        )
        member = booking.member
        info = _describe(member, opening)
        if booking.status == Booking.Status.CANCELLED:
            raise BookingRefused(_("Cette réservation est déjà annulée."), BookingRefused.TWICE)
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
            member.family,
            user,
            audit.Kind.BOOKING_CANCELLED,
            summary,
            obj=booking,
            request=request,
        )
        waitlist_promote(opening=opening, now=now)
    return booking


def booking_confirm(*, booking: Booking, by: Any, request: HttpRequest | None = None) -> Booking:
    """Staff confirm a booking awaiting confirmation."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .select_related("member__family", "opening__unit")
            .get(pk=booking.pk)
        )
        if booking.status != Booking.Status.PENDING:
            raise BookingRefused(_("Cette réservation n'attend pas de confirmation."))
        booking.status = Booking.Status.BOOKED
        # Pending and booked are both active: the opening's booked_count does not change.
        booking.save(update_fields=["status"])
        audit.record(
            booking.member.family,
            by,
            audit.Kind.BOOKING_CREATED,
            _("Réservation confirmée : %(member)s, %(unit)s du %(day)s")
            % _describe(booking.member, booking.opening),
            obj=booking,
            request=request,
        )
    return booking


def bookings_cancel_for_enrolment(
    *,
    enrolment: Enrolment,
    by: Any,
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


# Waiting list ---------------------------------------------------------------------------------


def waitlist_join(
    *,
    member: Any,
    opening: Opening,
    user: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> WaitingListEntry:
    """Join the waiting list of a full opening."""
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
            member=member, opening=opening, created_by=user if user and user.pk else None
        )
        audit.record(
            member.family,
            user,
            audit.Kind.WAITLIST_JOINED,
            _("Liste d'attente : %(member)s, %(unit)s du %(day)s") % _describe(member, opening),
            obj=entry,
            request=request,
        )
    return entry


def waitlist_leave(
    *,
    entry: WaitingListEntry,
    user: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> WaitingListEntry:
    """Leave a waiting list; a place held for this member goes to the next in line."""
    now = now or timezone.now()
    with transaction.atomic():
        opening = _locked_opening(entry.opening_id)
        entry = (
            WaitingListEntry.objects.select_for_update()
            .select_related("member__family")
            .get(pk=entry.pk)
        )
        if entry.status not in WaitingListEntry.LIVE:
            raise BookingRefused(_("Vous n'êtes plus sur cette liste d'attente."))
        entry.status = WaitingListEntry.Status.LEFT
        entry.save(update_fields=["status"])
        audit.record(
            entry.member.family,
            user,
            audit.Kind.WAITLIST_LEFT,
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
        .select_related("member__family")
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
            )
            entry.status = WaitingListEntry.Status.BOOKED
            _email_on_commit("reservations_waitlist_booked", member, opening, booking=booking)
        else:
            entry.status = WaitingListEntry.Status.OFFERED
            entry.offered_at = now
            entry.save(update_fields=["status", "offered_at"])
            audit.record(
                member.family,
                None,
                audit.Kind.WAITLIST_OFFERED,
                _("Place proposée (liste d'attente) : %(member)s, %(unit)s du %(day)s")
                % _describe(member, opening),
                obj=entry,
            )
            deadline = booking_deadline(activity, opening.date, opening.unit.start_time)
            _email_on_commit("reservations_waitlist_offered", member, opening, deadline=deadline)
        promoted.append(entry)
        free -= 1
    return promoted


def _email_on_commit(name: str, member: Any, opening: Opening, **extra: Any) -> None:
    family = member.family

    def send() -> None:
        context = {"member": member, "opening": opening, **extra}
        send_to_family(name, family=family, context=context)

    transaction.on_commit(send)


# Several changes in one step ------------------------------------------------------------------


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


def _apply_cancel(*, member: Any, opening: Opening, **kwargs: Any) -> None:
    booking = Booking.objects.filter(
        member=member, opening=opening, status__in=Booking.ACTIVE
    ).first()
    if booking is None:
        raise BookingRefused(_("Cette case n'existe pas ou plus."))
    booking_cancel(booking=booking, **kwargs)


def _apply_leave(*, member: Any, opening: Opening, **kwargs: Any) -> None:
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


def _done(action: str) -> str:
    return {
        "cancel": _("Annulé : %(unit)s du %(day)s"),
        "leave": _("Sorti(e) de la liste d'attente : %(unit)s du %(day)s"),
        "book": _("Réservé : %(unit)s du %(day)s"),
        "join": _("Inscrit(e) sur la liste d'attente : %(unit)s du %(day)s"),
    }[action]


_APPLY = {"cancel": _apply_cancel, "leave": _apply_leave, "book": _apply_book, "join": _apply_join}


def bookings_apply(
    *,
    member: Any,
    user: Any,
    book: Iterable[int] = (),
    cancel: Iterable[int] = (),
    join: Iterable[int] = (),
    leave: Iterable[int] = (),
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> ApplyResult:
    """Apply a parent's ticked cells: each change in its own transaction, each one reported.

    Cancellations come first, so that a place freed by one change can serve another; the
    result tells the outcomes in date order (`ApplyResult.in_date_order`).
    """
    now = now or timezone.now()
    result = ApplyResult()
    wanted = {"cancel": cancel, "leave": leave, "book": book, "join": join}
    ids = {action: sorted({int(pk) for pk in pks}) for action, pks in wanted.items()}
    openings = Opening.objects.filter(pk__in=[pk for pks in ids.values() for pk in pks])
    by_pk = {o.pk: o for o in openings.select_related("unit__activity")}
    for action, pks in ids.items():
        for pk in pks:
            opening = by_pk.get(pk)
            where = {"day": opening.date, "unit": opening.unit.name} if opening else {}
            try:
                if opening is None:
                    raise BookingRefused(_("Cette case n'existe pas ou plus."))
                _APPLY[action](member=member, opening=opening, user=user, now=now, request=request)
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


def typical_week_apply(
    *,
    member: Any,
    user: Any,
    pattern: Iterable[tuple[int, int]],
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> TypicalWeekSummary:
    """Book the (unit id, ISO weekday) pairs of `pattern` on every day from `start` to `end`."""
    now = now or timezone.now()
    pattern = set(pattern)
    summary = TypicalWeekSummary()
    unit_ids = {unit_id for unit_id, _weekday in pattern}
    openings = (
        Opening.objects.filter(unit_id__in=unit_ids, date__range=(start, end))
        .select_related("unit__activity")
        .order_by("date", "unit__order", "unit_id")
    )
    mine = set(
        Booking.objects.filter(
            member=member, opening__in=openings, status__in=Booking.ACTIVE
        ).values_list("opening_id", flat=True)
    )
    for opening in openings:
        if (opening.unit_id, opening.date.isoweekday()) not in pattern:
            continue
        if opening.is_closed:
            summary.closed.append(opening)
        elif opening.pk in mine:
            summary.already.append(opening)
        else:
            _typical_book(
                summary, member=member, opening=opening, user=user, now=now, request=request
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


# Openings, capacities and closures (staff) ----------------------------------------------------


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
            days[day] = _("Jour férié")
        day += datetime.timedelta(days=1)
    return days


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
    by: Any,
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


def _cancel_for_closure(opening: Opening, *, by: Any, now: datetime.datetime, request) -> None:
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
            audit.Kind.BOOKING_CANCELLED,
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
    *, closure: Closure, by: Any, now: datetime.datetime | None = None, request=None
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
