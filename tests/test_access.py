"""The access layer: anonymous → login, staff without family → 403, other family → 404."""

import pytest
from django.http import Http404

from espace_famille.access import get_for_family
from famille.models import Member
from tests.helpers import PORTAL_URLS

pytestmark = pytest.mark.django_db
# The menus' pages, and those reached from Ma famille (Mes données, the deletion request).
PORTAL_URLS = [*PORTAL_URLS, "/mes-donnees/", "/famille/supprimer-le-compte/"]


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_staff_without_family_get_403_pointing_to_admin(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 403
    assert b'href="/admin/"' in response.content


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_parents_reach_every_portal_page(parent_client, url):
    assert parent_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_portal_pages_refuse_unexpected_methods(parent_client, url):
    assert parent_client.delete(url).status_code == 405


def test_objects_are_fetched_through_the_family(family, other_family):
    ours = family.members.first()
    theirs = other_family.members.first()
    assert get_for_family(Member, family, pk=ours.pk) == ours
    with pytest.raises(Http404):
        get_for_family(Member, family, pk=theirs.pk)


def test_the_family_page_shows_only_our_members(parent_client, family, other_family):
    page = parent_client.get("/famille/").content.decode()
    assert "Hugo" in page
    assert "Zoé" not in page


def test_unknown_url_answers_a_french_404(parent_client):
    response = parent_client.get("/nulle-part/")
    assert response.status_code == 404


def test_a_family_that_left_cannot_use_the_portal(parent_client, family):
    family.is_active = False
    family.save()
    response = parent_client.get("/")
    assert response.status_code == 403
    assert "Votre Espace famille est fermé" in response.content.decode()


# Shared custody (garde alternée) --------------------------------------------------------------


def test_shared_custody_shows_the_child_and_nothing_else_of_the_other_household(
    client, family, parent, other_family, other_parent, lea, staff
):
    """Léa lives in TEST and in AUTRE: each household's pages, dashboard and calendar feed show
    her, and nothing of the other household (address, phone, members, bookings, invoices,
    journal, messages, its parent)."""
    import datetime
    import re

    from django.urls import reverse
    from django.utils import timezone
    from icalendar import Calendar

    from contact.services import thread_create
    from espace_famille.formatting import long_date
    from inscriptions.models import Activity, Unit
    from reservations.models import CalendarFeed
    from tests.factories import book, issue, local, login_at, share_child

    share_child(lea, other_family)
    households = {
        family: (parent, "3 allée des Tilleuls", "04 11 22 33 44", "Loyer de mars"),
        other_family: (other_parent, "8 rue des Acacias", "04 99 88 77 66", "Vacances au ski"),
    }
    secrets = {}
    for household, (login, street, phone, subject) in households.items():
        household.address, household.phone = street, phone
        household.save()
        invoice = issue(household, "17.00" if household == family else "23.00")
        login_at(household, login, local(2026, 11, 20, 9, 0))
        thread_create(family=household, user=login, subject=subject, body="Message privé")
        secrets[household] = [street, phone, invoice.number, subject, login.email]
    secrets[family].append("Hugo")  # Léa's brother: the main household's only
    secrets[other_family].append("Zoé")
    # Each household books Léa one day of the next three (the dashboard's and the feed's span).
    today = timezone.localdate()
    evening = Unit.objects.create(
        activity=Activity.objects.create(
            name="Accueil du soir",
            start_date=today - datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=30),
        ),
        name="Soir",
        weekdays="1234567",
        start_time=datetime.time(16, 30),
        end_time=datetime.time(18, 30),
    )
    booked = {
        family: today + datetime.timedelta(days=1),
        other_family: today + datetime.timedelta(days=2),
    }
    for household, day in booked.items():
        book(lea, evening, day, family=household)
    for household, (login, _street, _phone, _subject) in households.items():
        other = other_family if household == family else family
        client.force_login(login)
        # The dashboard's À faire: Léa's days booked by this household, not the other's.
        todo = re.search(
            r'<section class="todo".*?</section>', client.get("/").content.decode(), re.S
        )
        assert todo, household.name
        assert long_date(booked[household], "l j F") in todo.group(0)
        assert long_date(booked[other], "l j F") not in todo.group(0)
        # The iCal feed: the same, and nothing else of the other household.
        client.post(reverse("reservations:calendar_feed_renew"))
        feed = CalendarFeed.objects.get(family=household)
        response = client.get(reverse("reservations:calendar_feed", args=[feed.pk, feed.secret]))
        assert response.status_code == 200
        days = [
            event.decoded("dtstart").date()
            for event in Calendar.from_ical(response.content).walk("VEVENT")
        ]
        assert days == [booked[household]]
        for secret in secrets[other]:
            assert secret not in response.content.decode(), (household.name, "agenda", secret)
        pages = [*PORTAL_URLS, "/historique/paiements/"]
        pages += [
            reverse(name, args=[lea.pk])
            for name in ("famille:member", "inscriptions:member", "reservations:planning")
        ]
        for url in pages:
            response = client.get(url, {"date": datetime.date(2026, 11, 20).isoformat()})
            assert response.status_code == 200, url
            text = response.content.decode()
            for secret in secrets[other]:
                assert secret not in text, (household.name, url, secret)
        assert "Léa" in client.get(reverse("famille:index")).content.decode()
