"""Reads of the history pages: the family's logins (audit log) and online payments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from espace_famille.audit import Kind
from espace_famille.formatting import long_date
from espace_famille.models import AuditEvent

if TYPE_CHECKING:
    from famille.models import Family

WEEK, MONTH = "semaine", "mois"


@dataclass(frozen=True)
class Period:
    kind: str
    first: datetime.date
    last: datetime.date
    previous: datetime.date
    next: datetime.date

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.first, datetime.time.min))

    @property
    def end(self) -> datetime.datetime:
        following = self.last + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return formats.date_format(self.first, "F Y")
        return _("semaine du %(first)s au %(last)s") % {
            "first": long_date(self.first, "j F"),
            "last": long_date(self.last, "j F Y"),
        }


def period_for(kind: str, day: datetime.date) -> Period:
    """The week (Monday to Sunday) or the month containing `day`, with its neighbours."""
    if kind == MONTH:
        first = day.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        return Period(MONTH, first, last, previous, last + datetime.timedelta(days=1))
    first = day - datetime.timedelta(days=day.weekday())
    last = first + datetime.timedelta(days=6)
    return Period(
        WEEK, first, last, first - datetime.timedelta(days=7), first + datetime.timedelta(days=7)
    )


def logins_for_family(family: Family, period: Period) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(
            family=family, kind=Kind.LOGIN, created_at__gte=period.start, created_at__lt=period.end
        )
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
