"""The booking planning of a member: the grid of units and days, each cell's state, the legend,
and the openings read for it (hand-written SQL, measured in benchmarks/planning.py)."""

from __future__ import annotations

import datetime
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType
from documents.selectors import missing_documents, scope_covers
from famille.models import Member
from inscriptions.models import Enrolment, Unit
from reservations.absences.models import AbsenceDeclaration
from reservations.absences.selectors import BookedDay, planning_booked_days
from reservations.campaigns.models import Campaign
from reservations.campaigns.selectors import PlanningCampaigns, planning_campaigns
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.notice import booking_deadline, cancel_deadline

if TYPE_CHECKING:
    from famille.models import Family


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
    BLOCKED = "blocked"  # bookable but for the mandatory documents still missing
    REQUESTABLE = "requestable"  # a day of a registration campaign, asked for, not booked
    REQUESTED = "requested"  # a day asked for in a campaign, before its results
    OTHER_HOUSEHOLD = "other_household"  # shared custody: booked by the child's other household
    OTHER_WAITING = "other_waiting"  # shared custody: on the waiting list for the other household
    OTHER_REQUESTED = "other_requested"  # shared custody: asked for by the other household
    NONE = "none"  # the unit does not run on that weekday
    ABSENCE_PENDING = "absence_pending"  # a booked day declared absent, not reviewed yet
    ABSENCE_ACCEPTED = "absence_accepted"  # a justified absence accepted by the staff

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
        BLOCKED: (_("Documents manquants"), "⚠"),
        REQUESTABLE: (_("Sur demande (campagne)"), "◇"),
        REQUESTED: (_("Demandé"), "◆"),
        OTHER_HOUSEHOLD: (_("Réservé par l'autre foyer"), "⇄"),
        OTHER_WAITING: (_("Liste d'attente de l'autre foyer"), "⇄"),
        OTHER_REQUESTED: (_("Demandé par l'autre foyer"), "⇄"),
        NONE: (_("Pas d'activité ce jour"), ""),
        ABSENCE_PENDING: (_("Absence en cours d'examen"), "◐"),
        ABSENCE_ACCEPTED: (_("Absence justifiée"), "✚"),
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
    absence_url: str = ""  # a booked day past its deadline whose absence can be declared

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
    # Registration campaigns of the member's activities, results not out: (campaign, its
    # phase), told above the grid; `in_period`: some of their days are shown.
    campaigns: list[tuple[Campaign, str]] = field(default_factory=list)
    in_period: bool = False
    # Some booked day of the period can be declared absent, or was.
    absences: bool = False
    shared: bool = False  # shared custody: the child has another household

    @property
    def legend(self) -> list[tuple[str, str, str]]:
        states = (*State.LEGEND, State.BLOCKED) if self.missing else State.LEGEND
        if self.in_period:
            states = (*states, State.REQUESTABLE, State.REQUESTED)
            if self.shared:
                states = (*states, State.OTHER_REQUESTED)
        if self.absences:
            states = (*states, State.ABSENCE_PENDING, State.ABSENCE_ACCEPTED)
        if self.shared:
            states = (*states, State.OTHER_HOUSEHOLD, State.OTHER_WAITING)
        return [(s, str(State.LABELS[s][0]), State.LABELS[s][1]) for s in states]

    @property
    def has_actions(self) -> bool:
        return any(cell.action for week in self.weeks for row in week.rows for cell in row.cells)


_OPENINGS_SQL = """
SELECT o.id, o.unit_id, o.date, o.capacity, o.is_closed, o.closed_reason, o.booked_count,
  (SELECT COUNT(*) FROM {entry} w WHERE w.opening_id = o.id AND w.status = %s),
  (SELECT b.status FROM {booking} b
    WHERE b.member_id = %s AND b.opening_id = o.id AND NOT (b.status = %s) LIMIT 1),
  (SELECT COALESCE(b.family_id, %s) FROM {booking} b
    WHERE b.member_id = %s AND b.opening_id = o.id AND NOT (b.status = %s) LIMIT 1),
  mine.status,
  CASE WHEN mine.id IS NULL THEN NULL ELSE COALESCE(mine.family_id, %s) END,
  (SELECT COUNT(*) FROM {entry} w
    WHERE w.opening_id = o.id AND w.status = %s AND w.created_at <= mine.created_at)
FROM {opening} o
LEFT JOIN {entry} mine
  ON mine.opening_id = o.id AND mine.member_id = %s AND mine.status IN ({live})
WHERE o.unit_id IN ({units}) AND o.date BETWEEN %s AND %s
"""
_OPENING_FIELDS = [
    "id",
    "unit_id",
    "date",
    "capacity",
    "is_closed",
    "closed_reason",
    "booked_count",
]


def planning_openings(
    member: Member, unit_ids: list[int], start: datetime.date, end: datetime.date
) -> list[Opening]:
    """Openings with their use and the member's own booking and waiting-list place (1 query).

    Each opening gets `booked` (its `booked_count`: active bookings, kept by the services, so
    the cost does not grow with the bookings of an opening), `offers` (places offered from the
    waiting list), `my_booking` (the member's active booking status or None), `my_wait` (the
    member's live waiting-list status or None), `my_rank` (their rank on the waiting list,
    else 0), `booked_by` (the household that made the member's active booking, or None) and
    `waited_by` (the household of the member's live waiting-list entry, or None).
    Hand-written SQL, kept for a measured reason: built with the ORM (the same five correlated
    subqueries; `benchmarks/planning.py` keeps that version), the query costs far more to
    compile than to run. On the 2,000-household data set (SQLite, 2026-11-28, CPU time):
    planning_openings() 4.5-4.7 ms with the ORM against 0.55-0.60 ms, the month's planning page
    20.6-22.2 ms against 17.2-17.9 ms, on a shared machine whose CPU times run about 1.75 times
    the quiet wall-clock figures of docs/benchmarks.md: about 12 ms with the ORM, over the 10 ms
    budget, against 10 ms. Reproduce: `python -m benchmarks --families 2000` (section
    "Planning openings"). A member has at most one live entry per opening (a unique constraint).
    The member's booking is looked up with the very condition of the partial unique index
    `reservations_one_live_booking` (NOT status = 'cancelled', the same as booked or pending):
    with `status IN (...)` SQLite reads every booking of the opening instead.
    """
    if not unit_ids:
        return []
    quote = connection.ops.quote_name
    live = list(WaitingListEntry.LIVE)
    sql = _OPENINGS_SQL.format(
        live=", ".join(["%s"] * len(live)),
        booking=quote(Booking._meta.db_table),
        entry=quote(WaitingListEntry._meta.db_table),
        opening=quote(Opening._meta.db_table),
        units=", ".join(["%s"] * len(unit_ids)),
    )
    waiting, offered = WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED
    params = [
        offered,
        member.pk,
        Booking.Status.CANCELLED,
        member.family_id,
        member.pk,
        Booking.Status.CANCELLED,
        member.family_id,
        waiting,
        member.pk,
        *live,
        *unit_ids,
        connection.ops.adapt_datefield_value(start),
        connection.ops.adapt_datefield_value(end),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    openings = []
    for row in rows:
        pk, unit_id, day, capacity, closed, reason, booked, offers, *mine = row
        booking, by, wait, waited, rank = mine
        if isinstance(day, str):  # SQLite
            day = datetime.date.fromisoformat(day)
        opening = Opening.from_db(
            connection.alias,
            _OPENING_FIELDS,
            (pk, unit_id, day, capacity, bool(closed), reason, booked),
        )
        opening.booked, opening.offers, opening.my_rank = booked or 0, offers or 0, rank or 0
        opening.my_booking, opening.my_wait, opening.booked_by = booking, wait, by
        opening.waited_by = waited
        openings.append(opening)
    return openings


@dataclass
class MemberEnrolments:
    """A member's accepted and requested enrolments meeting a period, and the units of the
    accepted ones' activities: read once (`member_enrolments`), then cut to any shorter period
    in Python (`enrolled_units`), so that the week planning opened without a date reads them
    once for `first_bookable_day` and the grid."""

    start: datetime.date
    end: datetime.date
    enrolments: list[Enrolment]  # in the model's order
    units: dict[int, list[Unit]]  # activity id -> its units, in their order

    def covers(self, start: datetime.date, end: datetime.date) -> bool:
        return self.start <= start and end <= self.end


def member_enrolments(member: Member, start: datetime.date, end: datetime.date) -> MemberEnrolments:
    """The member's live enrolments from start to end with their units (2 queries, 1 when none
    is accepted)."""
    enrolments = list(
        Enrolment.objects.filter(
            member=member,
            status__in=(Enrolment.Status.ACCEPTED, Enrolment.Status.REQUESTED),
            start_date__lte=end,
            end_date__gte=start,
        ).select_related("activity")
    )
    activity_ids = {e.activity_id for e in enrolments if e.status == Enrolment.Status.ACCEPTED}
    units: dict[int, list[Unit]] = {}
    if activity_ids:
        # An activity's units in their order (the model's is the activity's first, which would
        # join the activities only to sort units already grouped by activity).
        for unit in Unit.objects.filter(activity_id__in=activity_ids).order_by(
            "order", "start_time", "pk"
        ):
            units.setdefault(unit.activity_id, []).append(unit)
    return MemberEnrolments(start, end, enrolments, units)


def enrolled_units(
    member: Member,
    start: datetime.date,
    end: datetime.date,
    *,
    enrolments: MemberEnrolments | None = None,
) -> tuple[list[Unit], list[Enrolment], list[Enrolment]]:
    """(units, accepted enrolments, requested enrolments) over a period (2 queries, none when
    `enrolments` read from `member_enrolments` cover the period)."""
    if enrolments is None or not enrolments.covers(start, end):
        enrolments = member_enrolments(member, start, end)
    live = [e for e in enrolments.enrolments if e.start_date <= end and e.end_date >= start]
    accepted = [e for e in live if e.status == Enrolment.Status.ACCEPTED]
    requested = [e for e in live if e.status == Enrolment.Status.REQUESTED]
    units: list[Unit] = []
    seen: set[int] = set()
    for enrolment in sorted(accepted, key=lambda e: e.activity.name):
        for unit in enrolments.units.get(enrolment.activity_id, []):
            if unit.pk not in seen:
                seen.add(unit.pk)
                unit.activity = enrolment.activity
                units.append(unit)
    return units, accepted, requested


def first_bookable_span(
    today: datetime.date, *, weeks: int = 8
) -> tuple[datetime.date, datetime.date]:
    """The days of every week the week planning may open on without a date: from the Monday of
    today's week to the Sunday of the week of `first_bookable_day`'s horizon."""
    horizon = today + datetime.timedelta(weeks=weeks)
    return (
        today - datetime.timedelta(days=today.weekday()),
        horizon + datetime.timedelta(days=6 - horizon.weekday()),
    )


def first_bookable_day(
    member: Member,
    now: datetime.datetime,
    *,
    weeks: int = 8,
    enrolments: MemberEnrolments | None = None,
) -> datetime.date | None:
    """The first day, from today on, that the member could still book on the portal (2 queries,
    none with `enrolments` covering `first_bookable_span`).

    Only the calendar is read (the units' weekdays, the enrolments, the notice periods), not
    the openings: None when nothing can be booked in the coming `weeks`.
    """
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(weeks=weeks)
    units, accepted, _requested = enrolled_units(member, today, horizon, enrolments=enrolments)
    found: datetime.date | None = None
    for unit in units:
        activity = unit.activity
        if not activity.portal_booking:
            continue
        for enrolment in accepted:
            if enrolment.activity_id != activity.pk:
                continue
            day = max(today, enrolment.start_date)
            last = min(horizon, enrolment.end_date, found or horizon)
            while day <= last:
                if day.isoweekday() in unit.weekday_numbers and now < booking_deadline(
                    activity, day, unit.start_time
                ):
                    found = day
                    break
                day += datetime.timedelta(days=1)
    return found


def planning(
    member: Member,
    *,
    start: datetime.date,
    end: datetime.date,
    view: str = "week",
    now: datetime.datetime | None = None,
    family: Family | None = None,
    enrolments: MemberEnrolments | None = None,
) -> Planning:
    """The member's planning from start to end (a week or a month): 8 queries at most; 2 fewer
    with `enrolments` covering the period (read for `first_bookable_day`), 1 fewer when no
    booked day past its cancellation deadline is shown (the absences are not read).

    `family`: the household looking (shared custody: the child has two); a day the other
    household booked shows as such, without its details, and offers nothing to tick.
    """
    now = now or timezone.now()
    household = member.family_id if family is None else family.pk
    result = Planning(member=member, view=view, start=start, end=end)
    result.shared = household != member.family_id or (
        Member.shared_custody.is_cached(member)
        and getattr(member, "shared_custody", None) is not None
    )
    result.units, accepted, result.requested = enrolled_units(
        member, start, end, enrolments=enrolments
    )
    if not result.units:
        return result
    activity_ids = {e.activity_id for e in accepted}
    result.missing = missing_documents(
        member=member, activity_types=DocumentType.objects.filter(activities__in=activity_ids)
    )
    blocked = _blocked_activities(member, result.missing, activity_ids)
    openings = {
        (o.unit_id, o.date): o
        for o in planning_openings(member, [u.pk for u in result.units], start, end)
    }
    campaigns = planning_campaigns(
        member, {u.activity_id for u in result.units}, start, end, timezone.localdate(now)
    )
    result.campaigns = [(c, c.phase(now)) for c in campaigns.coming]
    result.in_period = bool(campaigns.campaigns)
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
                [
                    _campaign_cell(
                        unit,
                        day,
                        openings.get((unit.pk, day)),
                        accepted,
                        now,
                        blocked,
                        campaigns,
                        household,
                    )
                    or _cell(
                        unit, day, openings.get((unit.pk, day)), accepted, now, blocked, household
                    )
                    for day in days
                ],
            )
            for unit in result.units
        ]
        result.weeks.append(Week(monday, days, rows))
        monday += datetime.timedelta(days=7)
    cells = (cell for week in result.weeks for row in week.rows for cell in row.cells)
    # The absences are read only when a booked day past its cancellation deadline is shown:
    # the coming weeks, where the planning opens, have none (one query and 0.4 ms fewer).
    if any(_past_cancel_deadline(cell) for cell in cells):
        booked_days = planning_booked_days(member, start, end)
        for week in result.weeks:
            for row in week.rows:
                row.cells = [_absence_cell(cell, booked_days, now) for cell in row.cells]
        result.absences = any(
            cell.absence_url or cell.state in (State.ABSENCE_PENDING, State.ABSENCE_ACCEPTED)
            for week in result.weeks
            for row in week.rows
            for cell in row.cells
        )
    return result


def _blocked_activities(member: Member, missing: list[DocumentType], activity_ids: set[int]) -> set:
    """The activities a member cannot book for want of documents (1 query when some miss).

    A mandatory type asked of every household, member or child blocks every activity, as
    `services.booking_problem` does; a type an activity requires blocks that activity.
    """
    if not missing:
        return set()
    if any(t.mandatory and scope_covers(t.scope, member.role) for t in missing):
        return set(activity_ids)
    required = DocumentType.activities.through.objects.filter(
        activity_id__in=activity_ids, documenttype_id__in=[t.pk for t in missing]
    )
    return set(required.values_list("activity_id", flat=True))


def _cell(
    unit: Unit,
    day: datetime.date,
    opening: Opening | None,
    enrolments: list[Enrolment],
    now: datetime.datetime,
    blocked: AbstractSet[int] = frozenset(),
    household: int | None = None,
) -> Cell:
    cell = _plain_cell(unit, day, opening, enrolments, now, household)
    if cell.action in ("book", "join") and unit.activity_id in blocked:
        # Nothing to tick: the cell says why instead.
        return Cell(day, State.BLOCKED, opening, deadline=cell.deadline)
    return cell


def _past_cancel_deadline(cell: Cell) -> bool:
    """A booked day that can no longer be cancelled: an absence may be declared for it."""
    return cell.state == State.BOOKED and cell.locked and cell.opening is not None


def _absence_cell(cell: Cell, booked_days: dict[int, BookedDay], now: datetime.datetime) -> Cell:
    """A booked day past its cancellation deadline: its justified absence's state, or the link
    to declare one while the declaration window is open. A refused absence stays "Réservé"."""
    if not _past_cancel_deadline(cell) or cell.opening is None:
        return cell
    booked = booked_days.get(cell.opening.pk)
    if booked is None:
        return cell
    if booked.absence == AbsenceDeclaration.Status.PENDING:
        return Cell(cell.day, State.ABSENCE_PENDING, cell.opening, deadline=cell.deadline)
    if booked.absence == AbsenceDeclaration.Status.ACCEPTED:
        return Cell(cell.day, State.ABSENCE_ACCEPTED, cell.opening, deadline=cell.deadline)
    last = cell.day + datetime.timedelta(days=settings.ABSENCE_DECLARATION_DAYS)
    declarable = cell.deadline and now >= cell.deadline and timezone.localdate(now) <= last
    if booked.absence is None and declarable:
        cell.absence_url = reverse("reservations:absence", args=[booked.booking_id])
    return cell


def _campaign_cell(
    unit: Unit,
    day: datetime.date,
    opening: Opening | None,
    enrolments: list[Enrolment],
    now: datetime.datetime,
    blocked: AbstractSet[int],
    campaigns: PlanningCampaigns,
    household: int | None = None,
) -> Cell | None:
    """A day of a campaign whose results are not out: asked for, not booked (else None)."""
    if opening is None or opening.is_closed or opening.my_booking or not campaigns.campaigns:
        return None
    campaign = campaigns.campaign_for(unit.activity_id, day)
    if campaign is None:
        return None
    if not any(
        e.activity_id == unit.activity_id and e.start_date <= day <= e.end_date for e in enrolments
    ):
        return None
    is_open = campaign.phase(now) == Campaign.Phase.OPEN and unit.activity.portal_booking
    if opening.pk in campaigns.requested:
        if household is not None and campaigns.requested[opening.pk] != household:
            # Shared custody: the other household's request, withdrawn by it only.
            return Cell(day, State.OTHER_REQUESTED, opening)
        return Cell(day, State.REQUESTED, opening, "unask" if is_open else "")
    if is_open and unit.activity_id in blocked:
        return Cell(day, State.BLOCKED, opening)
    return Cell(day, State.REQUESTABLE, opening, "ask" if is_open else "")


def _plain_cell(
    unit: Unit,
    day: datetime.date,
    opening: Opening | None,
    enrolments: list[Enrolment],
    now: datetime.datetime,
    household: int | None = None,
) -> Cell:
    activity = unit.activity
    if opening is None and day.isoweekday() not in unit.weekday_numbers:
        return Cell(day, State.NONE)
    if opening is None or opening.is_closed:
        return Cell(day, State.CLOSED, opening)
    enrolled = any(
        e.activity_id == activity.pk and e.start_date <= day <= e.end_date for e in enrolments
    )
    if opening.my_booking and household is not None and opening.booked_by != household:
        # Shared custody: the other household's day. No state, no deadline, nothing to tick.
        return Cell(day, State.OTHER_HOUSEHOLD, opening)
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
    if opening.my_wait and household is not None and opening.waited_by != household:
        # Shared custody: the other household asked for this place (and decides on it when
        # offered); this one has nothing to tick.
        return Cell(day, State.OTHER_WAITING, opening, deadline=deadline)
    if opening.my_wait == WaitingListEntry.Status.OFFERED:
        return Cell(day, State.OFFERED, opening, "book", deadline=deadline)
    if opening.my_wait == WaitingListEntry.Status.WAITING:
        return Cell(day, State.WAITING, opening, "leave", rank=opening.my_rank, deadline=deadline)
    if remaining <= 0:
        return Cell(day, State.FULL, opening, "join", remaining=0, deadline=deadline)
    return Cell(day, State.AVAILABLE, opening, "book", remaining=remaining, deadline=deadline)
