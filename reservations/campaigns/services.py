"""Writes of the campaigns: a parent asks for a day or withdraws it during the window; the
allocation runs once (staff button or the periodic command) and emails every household."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille import audit
from espace_famille.emails import send_to_family
from espace_famille.formatting import long_date
from inscriptions.models import Enrolment
from reservations.audit_kinds import CampaignEvent
from reservations.campaigns import allocation
from reservations.campaigns.models import Campaign, CampaignRequest
from reservations.campaigns.priorities import priority_rule
from reservations.campaigns.selectors import campaign_of_opening, campaign_results
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.registry import booking_rules
from reservations.services.common import (
    BookingRefused,
    _describe,
    _taken,
    booking_problem,
    openings_recount,
)

# A request made just before the close may commit a moment after it: the allocation waits this
# long after the close, so that it reads every request.
CLOSE_GRACE = datetime.timedelta(minutes=1)


class CampaignError(Exception):
    """A campaign change refused, with a French message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _moment(moment: datetime.datetime) -> str:
    return long_date(timezone.localtime(moment), "l j F à H:i")


def window_text(campaign: Campaign) -> str:
    """The campaign's dates in words, for the refusals and the planning."""
    return _("« %(name)s » : demandes du %(open)s au %(close)s, résultats le %(results)s.") % {
        "name": campaign.name,
        "open": _moment(campaign.requests_open_at),
        "close": _moment(campaign.requests_close_at),
        "results": _moment(campaign.results_at),
    }


def campaign_booking_rule(*, member: Any, opening: Any, user: Any) -> str | None:
    """Registered booking rule: a campaign's openings are asked for, not booked, before results."""
    campaign = campaign_of_opening(opening)
    if campaign is None:
        return None
    # The same words for every day of the campaign: a typical week or a planning refused on
    # several of its days tells it once.
    return _(
        "Ces jours font partie d'une campagne d'inscription : ils se demandent (case "
        "« Demander ») pendant la période prévue, et l'ordre des demandes ne compte pas. "
        "%(window)s"
    ) % {"window": window_text(campaign)}


def _request_campaign(
    *, member: Any, opening: Opening, user: Any, now: datetime.datetime
) -> Campaign:
    """The campaign the member may ask this opening in now; else BookingRefused is raised."""
    campaign = campaign_of_opening(opening)
    info = _describe(member, opening)
    if campaign is None:
        raise BookingRefused(
            _("%(unit)s du %(day)s ne fait partie d'aucune campagne en cours.") % info
        )
    if campaign.phase(now) != Campaign.Phase.OPEN:
        raise BookingRefused(
            _("Les demandes ne sont pas ouvertes. %(window)s") % {"window": window_text(campaign)},
            BookingRefused.DEADLINE,
        )
    # The rules of a booking, but the notice period and the campaign's own rule.
    problem = booking_problem(member=member, opening=opening, user=user, now=now, by_staff=True)
    if problem is None and not opening.unit.activity.portal_booking:
        problem = BookingRefused(
            _("Les réservations de « %(activity)s » se font auprès de la structure.")
            % {"activity": opening.unit.activity.name}
        )
    if problem is None:
        for rule in booking_rules:
            if rule is not campaign_booking_rule:
                message = rule(member=member, opening=opening, user=user)
                if message:
                    problem = BookingRefused(str(message))
                    break
    if problem:
        raise problem
    return campaign


def _opening(pk: int) -> Opening:
    return Opening.objects.select_related("unit__activity").get(pk=pk)


def campaign_request_add(
    *,
    member: Any,
    opening: Opening,
    user: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
    family: Any = None,
) -> CampaignRequest:
    """Ask for a day of a campaign during its window; asking again changes nothing.

    `family`: the household that asks (shared custody); a day granted is booked for it.

    No lock: when a request is made plays no part in the allocation, so concurrent requests
    only insert rows (the unique constraint keeps one per child and day).
    """
    now = now or timezone.now()
    opening = _opening(opening.pk)
    campaign = _request_campaign(member=member, opening=opening, user=user, now=now)
    try:
        with transaction.atomic():
            asked = CampaignRequest.objects.create(
                campaign=campaign,
                member=member,
                opening=opening,
                created_by=user if user is not None and user.pk else None,
                family=family,
            )
            audit.record(
                family or member.family,
                user,
                CampaignEvent.CAMPAIGN_REQUESTED,
                _("Demande : %(member)s, %(unit)s du %(day)s") % _describe(member, opening),
                obj=asked,
                request=request,
            )
    except IntegrityError:
        asked = CampaignRequest.objects.get(member=member, opening=opening)
        if family is not None and (asked.family_id or member.family_id) != family.pk:
            raise BookingRefused(
                _("%(unit)s du %(day)s : déjà demandé par l'autre foyer de %(member)s.")
                % _describe(member, opening),
                BookingRefused.OTHER_HOUSEHOLD,
            ) from None
    return asked


def campaign_request_withdraw(
    *,
    member: Any,
    opening: Opening,
    user: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
    family: Any = None,
) -> None:
    """Withdraw a day asked for, until the window closes (only by the household that asked)."""
    now = now or timezone.now()
    opening = _opening(opening.pk)
    with transaction.atomic():
        asked = (
            CampaignRequest.objects.select_for_update()
            .select_related("campaign")
            .filter(member=member, opening=opening, outcome=CampaignRequest.Outcome.REQUESTED)
            .first()
        )
        if asked is None:
            raise BookingRefused(_("Cette case n'existe pas ou plus."))
        if family is not None and (asked.family_id or member.family_id) != family.pk:
            raise BookingRefused(
                _("%(unit)s du %(day)s : déjà demandé par l'autre foyer de %(member)s.")
                % _describe(member, opening),
                BookingRefused.OTHER_HOUSEHOLD,
            )
        if asked.campaign.phase(now) != Campaign.Phase.OPEN:
            raise BookingRefused(
                _("Les demandes sont closes : elles ne peuvent plus être changées. %(window)s")
                % {"window": window_text(asked.campaign)},
                BookingRefused.DEADLINE,
            )
        audit.record(
            family or member.family,
            user,
            CampaignEvent.CAMPAIGN_WITHDRAWN,
            _("Demande retirée : %(member)s, %(unit)s du %(day)s") % _describe(member, opening),
            obj=asked,
            request=request,
        )
        asked.delete()


# The allocation ---------------------------------------------------------------------------


def campaign_openings(campaign: Campaign) -> list[Opening]:
    return list(
        Opening.objects.filter(
            unit__activity__in=campaign.activities.all(),
            date__range=(campaign.start_date, campaign.end_date),
        ).select_related("unit")
    )


def _still_enrolled(asked: list[CampaignRequest], openings: dict[int, Opening]) -> set[int]:
    """The requests whose child is still enrolled on the day (an enrolment may have ended)."""
    spans: dict[tuple[int, int], list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    rows = Enrolment.objects.filter(
        member_id__in={r.member_id for r in asked}, status=Enrolment.Status.ACCEPTED
    ).values_list("member_id", "activity_id", "start_date", "end_date")
    for member_id, activity_id, start, end in rows:
        spans[(member_id, activity_id)].append((start, end))
    found = set()
    for r in asked:
        opening = openings.get(r.opening_id)
        if opening is None:
            continue
        for start, end in spans.get((r.member_id, opening.unit.activity_id), ()):
            if start <= opening.date <= end:
                found.add(r.pk)
    return found


def _explain(decision: allocation.Decision, labels: dict[str, str], children: int) -> str:
    met = ", ".join(labels[key] for key in decision.met) or _("aucune")
    parts = [
        _("Priorités remplies : %(met)s.") % {"met": met},
        _("N° de tirage du foyer : %(draw)s.") % {"draw": decision.draw},
        _("Servi(e) en position %(position)s sur %(children)s enfants.")
        % {"position": decision.position, "children": children},
    ]
    whole = len(decision.block) > 1
    if decision.outcome == allocation.GRANTED:
        parts.insert(0, _("Place attribuée."))
        if whole:
            parts.append(_("Semaine entière demandée : attribuée en entier."))
    elif decision.outcome == allocation.NOT_GIVEN:
        parts.insert(
            0,
            _(
                "Non attribué : la semaine entière était demandée et un autre de ses jours était "
                "complet ; ce jour reste libre à la réservation après les résultats."
            ),
        )
    else:
        parts.insert(
            0,
            _("Plus de place quand son tour est venu : n° %(rank)s sur la liste d'attente.")
            % {"rank": decision.waiting_rank},
        )
        if whole:
            parts.append(_("Semaine entière demandée : un de ses jours était complet."))
    return " ".join(parts)


def campaign_allocate(
    *,
    campaign: Campaign,
    by: Any,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> allocation.Allocation:
    """Run the allocation of a closed campaign, once: places booked, the rest on the waiting
    lists in order, each request explained, each household emailed once (after commit)."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.allocated_at is not None:
            raise CampaignError(_("« %(name)s » a déjà été attribuée.") % {"name": campaign.name})
        if now < campaign.requests_close_at + CLOSE_GRACE:
            raise CampaignError(
                _("Les demandes de « %(name)s » sont encore ouvertes jusqu'au %(close)s.")
                % {"name": campaign.name, "close": _moment(campaign.requests_close_at)}
            )
        openings = {
            o.pk: o
            for o in Opening.objects.select_for_update(of=("self",))
            .filter(pk__in=[o.pk for o in campaign_openings(campaign)])
            .select_related("unit__activity")
            .order_by("pk")
        }
        asked = list(campaign_results(campaign).select_for_update(of=("self",)))
        already = set(
            Booking.objects.filter(
                opening__in=list(openings), status__in=Booking.ACTIVE
            ).values_list("member_id", "opening_id")
        )
        enrolled = _still_enrolled(asked, openings)
        to_allocate = [
            r
            for r in asked
            if (r.member_id, r.opening_id) not in already
            and r.opening_id in openings
            and r.pk in enrolled
        ]
        capacities = {
            pk: 0 if o.is_closed else max(o.capacity - _taken(o), 0) for pk, o in openings.items()
        }
        rules = list(campaign.rules.order_by("order", "pk").values_list("rule", flat=True))
        children = list({r.member_id: r.member for r in to_allocate}.values())
        meets: dict[int, set[str]] = defaultdict(set)
        labels: dict[str, str] = {}
        for key in rules:
            rule = priority_rule(key)
            if rule is None:
                continue
            labels[key] = str(rule.label)
            for member_id in rule.members_meeting(children, campaign):
                meets[member_id].add(key)
        weeks = None
        if campaign.keep_whole_weeks:
            weeks = {
                pk: (o.unit_id, *o.date.isocalendar()[:2])
                for pk, o in openings.items()
                if not o.is_closed
            }
        result = allocation.allocate(
            requests=[
                allocation.Request(r.member_id, r.member.family_id, r.opening_id)
                for r in to_allocate
            ],
            capacities=capacities,
            rules=rules,
            meets={k: frozenset(v) for k, v in meets.items()},
            seed=campaign.seed,
            weeks=weeks,
        )
        _apply(campaign, asked, already, result, labels, openings, by)
        campaign.allocated_at = now
        campaign.save(update_fields=["allocated_at"])
        audit.record(
            None,
            by,
            CampaignEvent.CAMPAIGN_ALLOCATED,
            ngettext(
                "Attribution de « %(name)s » : %(granted)d place attribuée sur %(asked)d "
                "demandes (graine %(seed)s)",
                "Attribution de « %(name)s » : %(granted)d places attribuées sur %(asked)d "
                "demandes (graine %(seed)s)",
                len(result.granted()),
            )
            % {
                "name": campaign.name,
                "granted": len(result.granted()),
                "asked": len(asked),
                "seed": campaign.seed,
            },
            obj=campaign,
            request=request,
        )
        _email_results_on_commit(campaign)
    return result


def _apply(
    campaign: Campaign,
    asked: list[CampaignRequest],
    already: set[tuple[int, int]],
    result: allocation.Allocation,
    labels: dict[str, str],
    openings: dict[int, Opening],
    by: Any,
) -> None:
    """Write the allocation: bookings, waiting-list entries in order, each request explained."""
    user = by if by is not None and by.pk else None
    children = len(result.order)
    bookings: list[Booking] = []
    by_request = {(r.member_id, r.opening_id): r for r in asked}
    for r in asked:
        opening = openings.get(r.opening_id)
        decision = result.decisions.get(
            allocation.Request(r.member_id, r.member.family_id, r.opening_id)
        )
        if (r.member_id, r.opening_id) in already:
            r.outcome = CampaignRequest.Outcome.GRANTED
            r.explanation = _("Déjà réservé par la structure avant l'attribution.")
        elif opening is None:
            r.outcome = CampaignRequest.Outcome.REFUSED
            r.explanation = _("Ce jour ne fait plus partie de la campagne.")
        elif decision is None:
            r.outcome = CampaignRequest.Outcome.REFUSED
            r.explanation = _("L'enfant n'est plus inscrit(e) à l'activité ce jour-là.")
        else:
            r.priority = ", ".join(labels[key] for key in decision.met)
            r.draw = decision.draw
            r.waiting_rank = decision.waiting_rank
            r.explanation = _explain(decision, labels, children)
            if decision.outcome == allocation.GRANTED:
                r.outcome = CampaignRequest.Outcome.GRANTED
                bookings.append(
                    Booking(
                        member_id=r.member_id,
                        opening_id=r.opening_id,
                        created_by=user,
                        family_id=r.family_id,
                    )
                )
            elif decision.outcome == allocation.NOT_GIVEN:
                r.outcome = CampaignRequest.Outcome.REFUSED
            elif opening.is_closed:
                r.outcome = CampaignRequest.Outcome.REFUSED
                r.waiting_rank = None
                r.explanation = _("Jour fermé : aucune place à attribuer.")
            else:
                r.outcome = CampaignRequest.Outcome.WAITING
    Booking.objects.bulk_create(bookings)
    # The waiting lists, in the allocation's order, after anyone already waiting.
    base = timezone.now()
    entries: list[WaitingListEntry] = []
    for opening_id, queue in sorted(result.waiting_lists.items()):
        if openings[opening_id].is_closed:
            continue
        for request in queue:
            asker = by_request.get((request.member, opening_id))
            entries.append(
                WaitingListEntry(
                    member_id=request.member,
                    opening_id=opening_id,
                    created_by=user,
                    family_id=asker.family_id if asker is not None else None,
                )
            )
    created = WaitingListEntry.objects.bulk_create(entries)
    # created_at is set on save: spread it so that the list's order (created_at, pk) is the draw's.
    for i, entry in enumerate(created):
        entry.created_at = base + datetime.timedelta(microseconds=i)
    if created and all(entry.pk for entry in created):
        WaitingListEntry.objects.bulk_update(created, ["created_at"])
    CampaignRequest.objects.bulk_update(
        list(by_request.values()), ["outcome", "priority", "draw", "waiting_rank", "explanation"]
    )
    openings_recount(opening_ids=list(openings))
    for family, members in _families(asked).items():
        audit.record(
            family,
            by,
            CampaignEvent.CAMPAIGN_ALLOCATED,
            _("Résultat de « %(name)s » : %(members)s")
            % {"name": campaign.name, "members": members},
            obj=campaign,
        )


def _families(asked: list[CampaignRequest]) -> dict[Any, str]:
    households: dict[Any, dict[int, str]] = {}
    for r in asked:
        households.setdefault(r.family or r.member.family, {})[r.member_id] = str(r.member)
    return {family: ", ".join(names.values()) for family, names in households.items()}


def _email_results_on_commit(campaign: Campaign) -> None:
    def send() -> None:
        households: dict[Any, list[CampaignRequest]] = {}
        for r in campaign_results(campaign):
            households.setdefault(r.family or r.member.family, []).append(r)
        for family, results in households.items():
            send_to_family(
                "reservations_campaign_result",
                family=family,
                context={
                    "campaign": campaign,
                    "granted": [r for r in results if r.outcome == CampaignRequest.Outcome.GRANTED],
                    "waiting": [r for r in results if r.outcome == CampaignRequest.Outcome.WAITING],
                    "refused": [r for r in results if r.outcome == CampaignRequest.Outcome.REFUSED],
                },
            )

    transaction.on_commit(send)


def campaigns_allocate_due(*, now: datetime.datetime | None = None) -> list[Campaign]:
    """The periodic task: allocate every campaign whose results date has come (once each)."""
    now = now or timezone.now()
    done = []
    for campaign in Campaign.objects.filter(
        allocated_at__isnull=True, results_at__lte=now
    ).order_by("pk"):
        try:
            campaign_allocate(campaign=campaign, by=None, now=now)
        except CampaignError:
            continue  # allocated meanwhile by staff
        done.append(campaign)
    return done
