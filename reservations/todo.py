"""What the household has to do about its bookings: the dashboard's next bookings of each child
(the next three days) and the reminder emails (a campaign's request window opening and closing,
opt-in: nothing booked yet for the coming week). Reads only."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from espace_famille.formatting import long_date
from espace_famille.registry import Reminder, TodoLine
from famille.models import Member
from inscriptions.models import Enrolment
from reservations.campaigns.models import Campaign
from reservations.models import Booking, Opening
from reservations.notice import booking_deadline
from reservations.selectors import BOOKED_DAY_COLUMNS, by_household

if TYPE_CHECKING:
    from famille.models import Family

NEXT_DAYS = 3  # today and the next two days
# A campaign's opening is reminded during its first week, its closing in its last two days.
CAMPAIGN_OPENING_DAYS = 7
CAMPAIGN_CLOSING_DAYS = 2


def _booked_unit(booking: Booking) -> str:
    unit = booking.opening.unit
    label = f"{unit.activity.name} — {unit.name}"
    return f"{label} ({unit.hours})" if unit.hours else label


def _booked_days(bookings: list[Booking]) -> str:
    """ "lundi 30 novembre, Périscolaire — Matin (07:30-08:30) et Cantine — Repas ; mardi …" """
    by_day: dict[datetime.date, list[str]] = {}
    for booking in bookings:
        by_day.setdefault(booking.opening.date, []).append(_booked_unit(booking))
    return " ; ".join(
        f"{long_date(day, 'l j F')}, {get_text_list(units, _('et'))}"
        for day, units in by_day.items()
    )


def upcoming_bookings(family: Family, today: datetime.date) -> list[Booking]:
    """The bookings the household made (`by_household`: a shared child's days booked by the
    other household are not its own) active in the next three days, in order (one query)."""
    return list(
        Booking.objects.filter(
            by_household(family),
            status__in=Booking.ACTIVE,
            opening__date__gte=today,
            opening__date__lt=today + datetime.timedelta(days=NEXT_DAYS),
            opening__is_closed=False,
        )
        .select_related("member", "opening__unit__activity")
        .only(*BOOKED_DAY_COLUMNS)
        .order_by("member__first_name", "member_id", "opening__date", "opening__unit__start_time")
    )


def todo_lines(family: Family, today: datetime.date) -> list[TodoLine]:
    """One line per child with a booking in the next three days (one query)."""
    by_child: dict[int, list[Booking]] = {}
    for booking in upcoming_bookings(family, today):
        by_child.setdefault(booking.member_id, []).append(booking)
    lines = []
    for member_id, bookings in by_child.items():
        text = _("Prochaines réservations de %(name)s : %(days)s") % {
            "name": bookings[0].member.first_name,
            "days": _booked_days(bookings),
        }
        lines.append(TodoLine(text=text, url=reverse("reservations:planning", args=[member_id])))
    return lines


def _families_of(campaign_ids: list[int]) -> dict[int, set[int]]:
    """campaign id -> the households with a child enrolled in one of its activities: the
    child's main household and, in shared custody, its second one."""
    rows = (
        Enrolment.objects.filter(
            status=Enrolment.Status.ACCEPTED,
            activity__campaigns__in=campaign_ids,
        )
        .values_list(
            "activity__campaigns", "member__family_id", "member__shared_custody__family_id"
        )
        .distinct()
    )
    found: dict[int, set[int]] = {}
    for campaign_id, family_id, second_id in rows:
        found.setdefault(campaign_id, set()).add(family_id)
        if second_id is not None:
            found[campaign_id].add(second_id)
    return found


def _campaign_reminders(
    campaigns: list[Campaign], key: str, sentence: str, today: datetime.date
) -> Iterator[Reminder]:
    families = _families_of([campaign.pk for campaign in campaigns])
    url = reverse("reservations:index")
    for campaign in campaigns:
        closes = timezone.localtime(campaign.requests_close_at)
        text = sentence % {
            "name": campaign.name,
            "date": long_date(closes, "l j F"),
            "time": closes.strftime("%H:%M"),
        }
        for family_id in sorted(families.get(campaign.pk, ())):
            yield Reminder(family_id=family_id, key=f"{key}:{campaign.pk}", text=text, url=url)


def campaigns_opening(today: datetime.date) -> Iterator[Reminder]:
    """Reminder: a campaign's request window opened (during its first week). Two queries."""
    now = timezone.now()
    campaigns = list(
        Campaign.objects.filter(
            requests_open_at__lte=now,
            requests_open_at__gte=now - datetime.timedelta(days=CAMPAIGN_OPENING_DAYS),
            requests_close_at__gt=now,
        ).order_by("requests_open_at", "pk")
    )
    yield from _campaign_reminders(
        campaigns,
        "campagne-ouverture",
        _("%(name)s : les demandes sont ouvertes jusqu'au %(date)s à %(time)s."),
        today,
    )


def campaigns_closing(today: datetime.date) -> Iterator[Reminder]:
    """Reminder: a campaign's request window closes within two days. Two queries."""
    now = timezone.now()
    campaigns = list(
        Campaign.objects.filter(
            requests_close_at__gt=now,
            requests_close_at__lte=now + datetime.timedelta(days=CAMPAIGN_CLOSING_DAYS),
        ).order_by("requests_close_at", "pk")
    )
    yield from _campaign_reminders(
        campaigns,
        "campagne-cloture",
        _("%(name)s : les demandes ferment le %(date)s à %(time)s."),
        today,
    )


def _booked_by(household: OuterRef, monday: datetime.date, sunday: datetime.date) -> Exists:
    """Whether the enrolment's child has an active booking that week made by `household` (the
    `by_household` rule: a booking left without household is the child's main household's)."""
    return Exists(
        Booking.objects.filter(
            Q(family_id=household) | Q(family__isnull=True, member__family_id=household),
            member_id=OuterRef("member_id"),
            status__in=Booking.ACTIVE,
            opening__date__gte=monday,
            opening__date__lte=sunday,
        )
    )


def week_unbooked(today: datetime.date) -> Iterator[Reminder]:
    """Opt-in reminder: a child enrolled in an activity open next week has nothing booked that
    week yet by one of its households (its main one, and in shared custody its second one: each
    books its own days), and its booking deadline has not passed (one query)."""
    monday = today + datetime.timedelta(days=7 - today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    open_next_week = Opening.objects.filter(
        unit__activity_id=OuterRef("activity_id"),
        date__gte=monday,
        date__lte=sunday,
        is_closed=False,
    )
    enrolments = (
        Enrolment.objects.filter(
            status=Enrolment.Status.ACCEPTED,
            start_date__lte=sunday,
            end_date__gte=monday,
            member__role=Member.Role.CHILD,
        )
        .filter(Exists(open_next_week))
        .annotate(
            second_id=F("member__shared_custody__family_id"),
            main_booked=_booked_by(OuterRef("member__family_id"), monday, sunday),
            second_booked=_booked_by(OuterRef("member__shared_custody__family_id"), monday, sunday),
        )
        .filter(Q(main_booked=False) | Q(second_id__isnull=False, second_booked=False))
        .select_related("member", "activity")
        .order_by("member_id", "activity__name", "pk")
    )
    now = timezone.now()
    seen: set[tuple[int, int]] = set()
    for enrolment in enrolments:
        deadline = booking_deadline(enrolment.activity, monday)
        if deadline <= now:
            continue
        member = enrolment.member
        households = [(member.family_id, enrolment.main_booked)]
        if enrolment.second_id is not None:
            households.append((enrolment.second_id, enrolment.second_booked))
        for family_id, booked in households:
            if booked or (family_id, member.pk) in seen:
                continue
            seen.add((family_id, member.pk))
            yield Reminder(
                family_id=family_id,
                key=f"semaine-sans-reservation:{member.pk}:{monday.isoformat()}",
                text=_(
                    "%(name)s : rien de réservé pour la semaine du %(monday)s (%(activity)s) ; "
                    "réservations possibles jusqu'au %(deadline)s."
                )
                % {
                    "name": member.first_name,
                    "monday": long_date(monday, "l j F"),
                    "activity": enrolment.activity.name,
                    "deadline": long_date(deadline, "l j F à H:i"),
                },
                url=reverse("reservations:planning", args=[member.pk]),
            )
