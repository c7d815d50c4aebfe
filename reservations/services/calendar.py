"""The household's private calendar feed: created, or renewed (the former link revoked)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from reservations.audit_kinds import BookingEvent
from reservations.models import CalendarFeed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User
    from famille.models import Family


@transaction.atomic
def calendar_feed_renew(
    *, family: Family, user: User, request: HttpRequest | None = None
) -> CalendarFeed:
    """A new random secret for the household's feed: the former link answers 404 from now."""
    feed = CalendarFeed.objects.select_for_update().filter(family=family).first()
    renewed = feed is not None
    if feed is None:
        feed = CalendarFeed(family=family)
    feed.secret = secrets.token_urlsafe(32)
    feed.renewed_at = timezone.now()
    feed.save()
    audit.record(
        family,
        user,
        BookingEvent.CALENDAR_FEED_RENEWED,
        _("Lien d'agenda des réservations renouvelé (l'ancien ne fonctionne plus)")
        if renewed
        else _("Lien d'agenda des réservations créé"),
        obj=feed,
        request=request,
    )
    return feed
