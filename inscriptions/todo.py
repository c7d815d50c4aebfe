"""The dashboard's "À faire" lines of Mes inscriptions: the structure's recent decisions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille.queries import once_per_instance
from espace_famille.registry import TodoLine
from famille.selectors import household_members
from inscriptions.models import Enrolment

if TYPE_CHECKING:
    from famille.models import Family

# An enrolment has no "seen by the family" mark: a decision stays in the list this many days.
DECISION_DAYS = 7
MAX_LINES = 5


def _recent(family: Family) -> list[Enrolment]:
    """The enrolment requests of the household's children (`household_members`: a shared
    child's too, its enrolments are the child's) waiting for the structure and those decided in
    the last seven days, newest decision first (one query for the badge and the lines)."""
    since = timezone.now() - datetime.timedelta(days=DECISION_DAYS)
    decided = Q(
        status__in=[Enrolment.Status.ACCEPTED, Enrolment.Status.REFUSED], decided_at__gte=since
    )
    return once_per_instance(
        family,
        "inscriptions:recent",
        lambda: list(
            Enrolment.objects.filter(
                decided | Q(status=Enrolment.Status.REQUESTED),
                member__in=household_members(family),
            )
            .select_related("member", "activity")
            .only("status", "decided_at", "member__first_name", "activity__name")
            .order_by(F("decided_at").desc(nulls_last=True), "-pk")
        ),
    )


def badge(family: Family) -> int:
    """The tile's badge: the requests waiting (`selectors.pending_requests_count`)."""
    return sum(1 for e in _recent(family) if e.status == Enrolment.Status.REQUESTED)


def todo_lines(family: Family, today: datetime.date) -> list[TodoLine]:
    """Enrolment requests accepted or refused in the last seven days (the badge's query)."""
    url = reverse("inscriptions:index")
    sentences = {
        Enrolment.Status.ACCEPTED: _("Inscription de %(name)s à %(activity)s acceptée"),
        Enrolment.Status.REFUSED: _("Inscription de %(name)s à %(activity)s refusée"),
    }
    decided = [e for e in _recent(family) if e.status in sentences][:MAX_LINES]
    return [
        TodoLine(
            text=sentences[Enrolment.Status(enrolment.status)]
            % {"name": enrolment.member.first_name, "activity": enrolment.activity.name},
            url=url,
        )
        for enrolment in decided
    ]
