"""Anonymisation of a departed household: its calendar feed (the link's secret opens the
household's booked days) is erased."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from espace_famille.anonymisation import Item
from reservations.models import CalendarFeed


def calendar_feed_erase(family: Any, *, apply: bool) -> list[Item]:
    feeds = CalendarFeed.objects.filter(family=family)
    count = feeds.count()
    if apply and count:
        feeds.delete()
    if not count:
        return []
    return [Item(_("Lien d'agenda des réservations effacé"), count)]
