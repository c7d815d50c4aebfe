"""The household's private calendar feed (iCal): content, privacy, revocation, isolation."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from espace_famille.models import AuditEvent
from inscriptions.models import Activity, Unit
from reservations.audit_kinds import BookingEvent
from reservations.models import CalendarFeed
from tests.factories import book, child, share_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Accueil de loisirs",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=200),
    )
    return Unit.objects.create(
        activity=activity,
        name="Matin",
        weekdays="1234567",
        start_time=datetime.time(7, 30),
        end_time=datetime.time(8, 45),
    )


def feed_url(client) -> str:
    page = client.get("/reservations/").content.decode()
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page)
    assert match, "no feed link on Mes réservations"
    return urlsplit(match.group(1)).path


def create_feed(client) -> str:
    response = client.post("/reservations/agenda/renouveler/")
    assert response.status_code == 302
    assert response["Location"] == "/reservations/#agenda"
    return feed_url(client)


def events(content: bytes):
    return Calendar.from_ical(content).walk("VEVENT")


def test_the_page_offers_to_create_the_link(parent_client):
    page = parent_client.get("/reservations/").content.decode()
    assert '<h2 id="agenda">Les réservations dans votre agenda</h2>' in page
    assert "Créer le lien de l'agenda" in page
    assert 'id="feed-url"' not in page


def test_the_feed_lists_the_booked_days_with_times_in_paris(client, parent_client, family, unit):
    today = timezone.localdate()
    lea = child(family, "Léa")
    book(lea, unit, today + datetime.timedelta(days=2))
    book(lea, unit, today + datetime.timedelta(days=3), status="cancelled")
    url = create_feed(parent_client)
    client.logout()  # a calendar app has no session
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = events(response.content)
    assert str(event["summary"]) == "Léa — Accueil de loisirs (Matin)"
    start = event.decoded("dtstart")
    end = event.decoded("dtend")
    day = today + datetime.timedelta(days=2)
    assert (start.date(), start.hour, start.minute) == (day, 7, 30)
    assert (end.hour, end.minute) == (8, 45)
    assert str(start.tzinfo) == "Europe/Paris"
    assert b"TZID=Europe/Paris" in response.content
    assert b"BEGIN:VTIMEZONE" in response.content


def test_the_feed_shows_no_other_personal_data(client, parent_client, family, unit):
    family.address = "12 rue des Lilas"
    family.phone = "0612345678"
    family.save()
    book(child(family, "Léa"), unit, timezone.localdate() + datetime.timedelta(days=1))
    url = create_feed(parent_client)
    client.logout()
    content = client.get(url).content.decode()
    for private in ("TEST", "Lilas", "0612345678", "parent@example.org", "famille-test"):
        assert private not in content
    fields = {line.split(":", 1)[0].split(";", 1)[0] for line in content.splitlines()}
    assert "DESCRIPTION" not in fields
    assert "LOCATION" not in fields
    assert "ATTENDEE" not in fields


def test_renewing_revokes_the_old_link_and_is_audited(client, parent_client, parent, family, unit):
    first = create_feed(parent_client)
    second = create_feed(parent_client)
    assert first != second
    assert CalendarFeed.objects.count() == 1
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert (
        AuditEvent.objects.filter(family=family, kind=BookingEvent.CALENDAR_FEED_RENEWED).count()
        == 2
    )
    client.force_login(parent)
    page = client.get("/reservations/").content.decode()
    assert "Renouveler le lien de l'agenda" in page


def test_an_unknown_or_forged_link_is_a_404(client, parent_client, family):
    url = create_feed(parent_client)
    pk = CalendarFeed.objects.get().pk
    client.logout()
    assert client.get(f"/reservations/agenda/{pk}/faux.ics").status_code == 404
    assert client.get(f"/reservations/agenda/{pk + 1}/faux.ics").status_code == 404
    assert client.get(url[:-5] + "x.ics").status_code == 404


def test_another_households_link_never_shows_this_ones_bookings(
    client, family, other_family, parent, other_parent, unit
):
    today = timezone.localdate()
    book(child(family, "Léa"), unit, today + datetime.timedelta(days=1))
    book(child(other_family, "Zoé"), unit, today + datetime.timedelta(days=1))
    client.force_login(other_parent)
    other_url = create_feed(client)
    client.force_login(parent)
    mine = create_feed(client)
    client.logout()
    theirs = client.get(other_url).content.decode()
    assert "Zoé" in theirs
    assert "Léa" not in theirs
    assert "Zoé" not in client.get(mine).content.decode()
    # The other household's id with this one's secret (or the reverse) opens nothing.
    other_pk = CalendarFeed.objects.get(family=other_family).pk
    my_secret = CalendarFeed.objects.get(family=family).secret
    assert client.get(f"/reservations/agenda/{other_pk}/{my_secret}.ics").status_code == 404


def test_a_shared_childs_days_are_in_the_feed_of_the_household_that_booked_them(
    client, family, other_family, parent, other_parent, unit
):
    today = timezone.localdate()
    lea = child(family, "Léa")
    share_child(lea, other_family)
    mine = [
        book(lea, unit, today + datetime.timedelta(days=1)),  # before shared custody: the main's
        book(lea, unit, today + datetime.timedelta(days=2), family=family),
    ]
    theirs = [book(lea, unit, today + datetime.timedelta(days=3), family=other_family)]
    urls = {}
    for household, login in ((family, parent), (other_family, other_parent)):
        client.force_login(login)
        urls[household] = create_feed(client)
    client.logout()
    for household, booked in ((family, mine), (other_family, theirs)):
        found = events(client.get(urls[household]).content)
        assert sorted(event.decoded("dtstart").date() for event in found) == [
            booking.opening.date for booking in booked
        ]
        assert {str(event["summary"]) for event in found} == {"Léa — Accueil de loisirs (Matin)"}


def test_the_feed_is_rate_limited(client, parent_client, family, monkeypatch):
    from reservations import views

    monkeypatch.setattr(views, "CALENDAR_FEED_PER_HOUR", 2)
    cache.clear()
    url = create_feed(parent_client)
    client.logout()
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_renewing_needs_a_post_and_a_login(client):
    assert client.get("/reservations/agenda/renouveler/").status_code == 405
    response = client.post("/reservations/agenda/renouveler/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert CalendarFeed.objects.count() == 0


def test_a_household_that_left_has_no_feed_any_more(client, parent_client, family):
    url = create_feed(parent_client)
    family.is_active = False
    family.save()
    client.logout()
    assert client.get(url).status_code == 404
