"""Reads of the campaigns: the campaign an opening belongs to, what the planning shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from reservations.campaigns.models import Campaign, CampaignRequest


def pending_campaigns() -> QuerySet[Campaign]:
    """Campaigns whose results are not out yet: their openings are not booked first-come."""
    return Campaign.objects.filter(allocated_at__isnull=True)


def campaign_of_opening(opening: Any) -> Campaign | None:
    """The campaign, results not yet out, that allocates this opening (1 query), or None."""
    return (
        pending_campaigns()
        .filter(
            activities=opening.unit.activity_id,
            start_date__lte=opening.date,
            end_date__gte=opening.date,
        )
        .order_by("pk")
        .first()
    )


@dataclass
class PlanningCampaigns:
    """The pending campaigns of the member's activities: those the period meets (their days
    are asked for) and those still to come (told above the grid), with the member's requests."""

    campaigns: list[Campaign] = field(default_factory=list)  # meeting the period
    coming: list[Campaign] = field(default_factory=list)  # every pending one not over
    # The openings the member was asked for: opening id -> the household that asked (shared
    # custody; the child's main household when the request names none).
    requested: dict[int, int] = field(default_factory=dict)

    def campaign_for(self, activity_id: int, day: datetime.date) -> Campaign | None:
        for campaign in self.campaigns:
            if activity_id in campaign.activity_ids and (
                campaign.start_date <= day <= campaign.end_date
            ):
                return campaign
        return None


def planning_campaigns(
    member: Any,
    activity_ids: set[int],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> PlanningCampaigns:
    """Pending campaigns of these activities, not over, and those meeting the period
    (1 query, 2 when the period meets some)."""
    result = PlanningCampaigns()
    if not activity_ids:
        return result
    today = today or timezone.localdate()
    links = Campaign.activities.through.objects.filter(
        activity_id__in=activity_ids,
        campaign__allocated_at__isnull=True,
        campaign__end_date__gte=min(start, today),
    ).select_related("campaign")
    by_pk: dict[int, Campaign] = {}
    for link in links.order_by("campaign_id"):
        campaign = by_pk.setdefault(link.campaign_id, link.campaign)
        if not hasattr(campaign, "activity_ids"):
            campaign.activity_ids = set()
        campaign.activity_ids.add(link.activity_id)
    result.coming = list(by_pk.values())
    result.campaigns = [c for c in result.coming if c.start_date <= end and c.end_date >= start]
    if result.campaigns:
        result.requested = {
            opening_id: family_id or member.family_id
            for opening_id, family_id in CampaignRequest.objects.filter(
                member=member,
                campaign__in=result.campaigns,
                opening__date__range=(start, end),
            ).values_list("opening_id", "family_id")
        }
    return result


def campaign_results(campaign: Campaign) -> QuerySet[CampaignRequest]:
    """Every request of a campaign with its child, household and opening (admin, emails)."""
    return campaign.requests.select_related(
        "member__family", "family", "opening__unit__activity"
    ).order_by(
        "member__family__name", "member__first_name", "opening__date", "opening__unit__order"
    )
