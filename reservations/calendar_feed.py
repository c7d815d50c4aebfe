"""The household's private calendar feed (iCal, RFC 5545) of its bookings, built with icalendar.

A calendar app subscribes to `/reservations/agenda/<id>/<secret>.ics` without a login session:
the secret is random (`services.calendar_feed_renew`), compared in constant time, and renewing
it revokes the former link. The feed holds nothing but the children's first names, the
activities and the times: no surname, address, household name or notes.
"""

from __future__ import annotations

import datetime
import hmac
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from reservations.models import Booking, CalendarFeed
from reservations.selectors import BOOKED_DAY_COLUMNS, by_household

PAST_DAYS = 31  # the bookings of the last month stay in the calendar
FUTURE_DAYS = 366
# Calendar apps refresh a feed every few minutes to every few hours: more than this per hour
# from one link is a runaway client (espace_famille.ratelimit, per feed).
CALENDAR_FEED_PER_HOUR = 120


def feed_for(pk: int, secret: str) -> CalendarFeed | None:
    """The feed of that id when `secret` is its secret (constant-time comparison), else None;
    a household that left the structure (inactive) has no feed any more."""
    feed = CalendarFeed.objects.filter(pk=pk, family__is_active=True).first()
    if feed is None or not hmac.compare_digest(feed.secret.encode(), secret.encode()):
        return None
    return feed


def feed_bookings(feed: CalendarFeed, today: datetime.date) -> list[Booking]:
    """The days the household booked (`by_household`: a shared child's days booked by its other
    household are not in this feed) from a month ago to a year ahead (one query)."""
    return list(
        Booking.objects.filter(
            by_household(feed.family_id),
            status=Booking.Status.BOOKED,
            opening__is_closed=False,
            opening__date__gte=today - datetime.timedelta(days=PAST_DAYS),
            opening__date__lte=today + datetime.timedelta(days=FUTURE_DAYS),
        )
        .select_related("member", "opening__unit__activity")
        .only("pk", *BOOKED_DAY_COLUMNS)
        .order_by("opening__date", "opening__unit__start_time", "member__first_name", "pk")
    )


def feed_ics(feed: CalendarFeed, *, today: datetime.date | None = None) -> bytes:
    """The calendar's bytes: one event per booked day, in the structure's time zone."""
    today = today or timezone.localdate()
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Espace Famille//Réservations//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Réservations")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1]
    for booking in feed_bookings(feed, today):
        unit = booking.opening.unit
        day = booking.opening.date
        event = Event()
        event.add("uid", f"reservation-{booking.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{booking.member.first_name} — {unit.activity.name} ({unit.name})")
        if unit.start_time and unit.end_time:
            event.add("dtstart", datetime.datetime.combine(day, unit.start_time, tzinfo=zone))
            event.add("dtend", datetime.datetime.combine(day, unit.end_time, tzinfo=zone))
        else:
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
