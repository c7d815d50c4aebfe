"""The dashboard's "À faire" line of Ma famille: decisions on change requests not seen yet."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from espace_famille.queries import once_per_instance
from espace_famille.registry import TodoLine
from famille.models import ChangeRequest, Family


def _unseen(family: Family) -> dict[str, int]:
    """Decisions not seen yet: all of them, and the refusals (one query for both)."""
    refused = Q(status=ChangeRequest.Status.REFUSED)
    return once_per_instance(
        family,
        "famille:unseen",
        lambda: ChangeRequest.objects.filter(
            family=family,
            status__in=[ChangeRequest.Status.ACCEPTED, ChangeRequest.Status.REFUSED],
            family_seen_at__isnull=True,
        ).aggregate(decided=Count("pk"), refused=Count("pk", filter=refused)),
    )


def badge(family: Family) -> int:
    """The tile's badge: the refusals not seen yet (`selectors.unseen_decisions_count`)."""
    return int(_unseen(family)["refused"])


def todo_lines(family: Family, today: datetime.date) -> list[TodoLine]:
    """Accepted or refused change requests the household has not looked at (the badge's query):
    opening Ma famille marks them seen (`services.decisions_mark_seen`), clearing the line."""
    count = _unseen(family)["decided"]
    if not count:
        return []
    text = ngettext(
        "%(n)s décision sur vos demandes de modification à consulter",
        "%(n)s décisions sur vos demandes de modification à consulter",
        count,
    ) % {"n": count}
    return [TodoLine(text=text, url=reverse("famille:index"))]
