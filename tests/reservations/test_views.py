"""Mes réservations pages: access, planning states, changes with and without JS, query counts."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inscriptions.models import Activity, Enrolment, Unit
from reservations.models import Booking, Opening, WaitingListEntry
from tests.factories import enrol, insert_booking, make_family


def monday_in(weeks: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


@pytest.fixture
def live(structure):
    """An activity running now, with one unit open Monday to Friday."""
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Périscolaire du soir",
        service="periscolaire",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=300),
    )
    unit = Unit.objects.create(activity=activity, name="Soir", weekdays="12345", capacity=10)
    return unit


def week_openings(unit, monday, capacity=10):
    return [
        Opening.objects.get_or_create(
            unit=unit, date=monday + datetime.timedelta(days=i), defaults={"capacity": capacity}
        )[0]
        for i in range(5)
    ]


@pytest.fixture
def week(live, lea):
    enrol(lea, live.activity)
    return week_openings(live, monday_in(2))


def planning_url(member, **params):
    url = reverse("reservations:planning", args=[member.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_anonymous_goes_to_login(client, lea):
    for url in (
        reverse("reservations:index"),
        planning_url(lea),
        reverse("reservations:typical_week", args=[lea.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_other_family_member_is_404(client, other_parent, lea, week):
    client.force_login(other_parent)
    assert client.get(planning_url(lea)).status_code == 404
    assert client.post(planning_url(lea), {"book": week[0].pk}).status_code == 404
    assert client.get(reverse("reservations:typical_week", args=[lea.pk])).status_code == 404
    assert not Booking.objects.exists()


def test_wrong_method_is_405(parent_client, lea):
    assert parent_client.post(reverse("reservations:index")).status_code == 405
    assert parent_client.put(planning_url(lea)).status_code == 405
    assert (
        parent_client.delete(reverse("reservations:typical_week", args=[lea.pk])).status_code == 405
    )


def test_index_lists_members_taking_part(parent_client, week):
    response = parent_client.get(reverse("reservations:index"))
    assert response.status_code == 200
    assert "Léa TEST" in response.text
    assert "Hugo TEST" not in response.text  # not enrolled


def test_planning_shows_every_state_in_words(parent_client, lea, hugo, live, week):
    enrol(hugo, live.activity)
    Opening.objects.filter(pk=week[1].pk).update(capacity=1)
    insert_booking(hugo, week[1])
    Opening.objects.filter(pk=week[2].pk).update(is_closed=True)
    insert_booking(lea, week[3])
    response = parent_client.get(planning_url(lea, date=week[0].date.isoformat()))
    assert response.status_code == 200
    cells = response.context["planning"].weeks[0].rows[0].cells
    assert [c.state for c in cells] == ["available", "full", "closed", "booked", "available"]
    html = response.text
    for word in ("Libre", "Réservé", "Complet", "Fermé", "Délai dépassé", "Non inscrit"):
        assert word in html
    assert "10 places" in html
    assert 'name="join"' in html and 'name="cancel"' in html


def test_book_two_cells_without_js(parent_client, parent, lea, week):
    url = planning_url(lea, date=week[0].date.isoformat())
    response = parent_client.post(url, {"book": [week[0].pk, week[4].pk]})
    assert response.status_code == 302
    assert response.url == url
    booked = Booking.objects.filter(member=lea, status="booked")
    assert {b.opening_id for b in booked} == {week[0].pk, week[4].pk}
    assert all(b.created_by == parent for b in booked)
    assert list(get_messages(response.wsgi_request)) == []
    page = parent_client.get(url)
    assert "2 réservations enregistrées" in page.text
    assert "Réservé : Soir du lundi" in page.text
    states = [c.state for c in page.context["planning"].weeks[0].rows[0].cells]
    assert states == ["booked", "available", "available", "available", "booked"]


def test_changes_with_htmx_render_the_page_in_place(parent_client, lea, week):
    insert_booking(lea, week[1])
    response = parent_client.post(
        planning_url(lea, date=week[0].date.isoformat()),
        {"book": [week[0].pk], "cancel": [week[1].pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="planning-page"' in response.text
    assert "Réservé : Soir du lundi" in response.text
    assert "Annulé : Soir du mardi" in response.text
    states = [c.state for c in response.context["planning"].weeks[0].rows[0].cells]
    assert states[:2] == ["booked", "available"]


def test_nothing_ticked(parent_client, lea, week):
    response = parent_client.post(planning_url(lea), {}, HTTP_HX_REQUEST="true")
    assert "Cochez au moins une case avant de valider." in response.text


def test_forged_post_for_an_activity_not_enrolled(parent_client, lea, week):
    other = Activity.objects.create(
        name="Club théâtre", service="autre", start_date=week[0].date, end_date=week[4].date
    )
    unit = Unit.objects.create(activity=other, name="Atelier", capacity=5)
    forged = Opening.objects.create(unit=unit, date=week[0].date, capacity=5)
    response = parent_client.post(planning_url(lea), {"book": [forged.pk]}, follow=True)
    assert not Booking.objects.exists()
    assert "n&#x27;est pas inscrit(e) à « Club théâtre »" in response.text


def test_cannot_cancel_another_familys_booking(parent_client, lea, other_family, live, week):
    zoe = other_family.members.get(first_name="Zoé")
    enrol(zoe, live.activity)
    theirs = insert_booking(zoe, week[0])
    response = parent_client.post(planning_url(lea), {"cancel": [week[0].pk]}, follow=True)
    theirs.refresh_from_db()
    assert theirs.status == "booked"
    assert "Cette case n&#x27;existe pas ou plus." in response.text


def test_join_the_waiting_list_from_the_planning(parent_client, lea, week):
    Opening.objects.filter(pk=week[0].pk).update(capacity=0)
    parent_client.post(planning_url(lea), {"join": [week[0].pk]})
    assert WaitingListEntry.objects.get(member=lea).status == "waiting"
    page = parent_client.get(planning_url(lea, date=week[0].date.isoformat()))
    cell = page.context["planning"].weeks[0].rows[0].cells[0]
    assert (cell.state, cell.rank, cell.action) == ("waiting", 1, "leave")


def test_month_view_and_navigation(parent_client, lea, week):
    response = parent_client.get(planning_url(lea, date=week[0].date.isoformat(), vue="mois"))
    planning = response.context["planning"]
    assert planning.view == "month"
    assert planning.start.day == 1
    assert len(planning.weeks) >= 4
    nav = response.context["nav"]
    assert "vue=mois" in nav["next"]
    following = parent_client.get(planning_url(lea, date=week[0].date.isoformat()))
    assert following.context["planning"].start == week[0].date
    assert (
        f"date={(week[0].date + datetime.timedelta(7)).isoformat()}"
        in following.context["nav"]["next"]
    )


def _household_with_bookings(name, unit, weeks):
    family = make_family(name, f"{name.lower()}@example.org", ("Enfant",))
    child = family.members.get(first_name="Enfant")
    enrol(child, unit.activity)
    for w in range(weeks):
        for opening in week_openings(unit, monday_in(w - weeks // 2)):
            insert_booking(child, opening)
    return child


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("view", ["semaine", "mois"])
def test_planning_query_count_is_bounded_and_flat(
    parent_client, lea, live, week, view, django_assert_max_num_queries
):
    url = planning_url(lea, date=week[0].date.isoformat(), vue=view)
    insert_booking(lea, week[0])
    with django_assert_max_num_queries(12):
        few = _count(parent_client, url)

    for w in range(-10, 10):  # Léa booked on 20 weeks, others too
        for opening in week_openings(live, monday_in(w)):
            Booking.objects.get_or_create(member=lea, opening=opening)
    for i in range(15):
        _household_with_bookings(f"FOYER{i}", live, 12)
    second = Activity.objects.create(
        name="Cantine",
        service="restauration",
        start_date=live.activity.start_date,
        end_date=live.activity.end_date,
    )
    Unit.objects.create(activity=second, name="Repas", capacity=50)
    enrol(lea, second)
    WaitingListEntry.objects.create(member=lea, opening=week[2])
    with django_assert_max_num_queries(12):
        many = _count(parent_client, url)
    assert many == few, (few, many)


def test_typical_week_page(parent_client, lea, live, week):
    url = reverse("reservations:typical_week", args=[lea.pk])
    page = parent_client.get(url)
    assert page.status_code == 200
    assert "Soir : lundi" in page.text
    response = parent_client.post(
        url,
        {
            "cells": [f"{live.pk}-1", f"{live.pk}-5"],
            "start": week[0].date.isoformat(),
            "end": week[4].date.isoformat(),
        },
    )
    assert response.status_code == 302
    booked = Booking.objects.filter(member=lea).order_by("opening__date")
    assert [b.opening_id for b in booked] == [week[0].pk, week[4].pk]
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts[0] == "2 réservations faites."


def test_typical_week_refuses_a_past_start(parent_client, lea, live, week):
    url = reverse("reservations:typical_week", args=[lea.pk])
    response = parent_client.post(
        url,
        {"cells": [f"{live.pk}-1"], "start": "2020-01-06", "end": "2020-01-31"},
    )
    assert response.status_code == 200
    assert "Choisissez une date à venir." in response.text
    assert not Booking.objects.exists()


def test_days_outside_the_enrolment_are_not_enrolled(parent_client, lea, live, week):
    enrolment = Enrolment.objects.get(member=lea)
    Enrolment.objects.filter(pk=enrolment.pk).update(end_date=week[1].date)
    response = parent_client.get(planning_url(lea, date=week[0].date.isoformat()))
    states = [c.state for c in response.context["planning"].weeks[0].rows[0].cells]
    assert states == ["available", "available", "not_enrolled", "not_enrolled", "not_enrolled"]


def test_missing_documents_warned_with_upload_links(parent_client, lea, live, week):
    from documents.models import DocumentType

    home = DocumentType.objects.create(name="Justificatif de domicile", scope="family")
    response = parent_client.get(planning_url(lea, date=week[0].date.isoformat()))
    assert "Des documents obligatoires manquent pour Léa" in response.text
    assert f'href="{reverse("documents:upload", args=[home.pk])}"' in response.text
    refused = parent_client.post(planning_url(lea), {"book": [week[0].pk]}, follow=True)
    assert "Documents obligatoires manquants pour Léa TEST : Justificatif de domicile." in (
        refused.text
    )
    assert not Booking.objects.exists()


def test_typical_week_tells_a_repeated_refusal_once(parent_client, lea, live, week):
    from documents.models import DocumentType

    DocumentType.objects.create(name="Justificatif de domicile", scope="family")
    response = parent_client.post(
        reverse("reservations:typical_week", args=[lea.pk]),
        {
            "cells": [f"{live.pk}-{day}" for day in range(1, 6)],
            "start": week[0].date.isoformat(),
            "end": week[4].date.isoformat(),
        },
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "0 réservation faite.",
        "Documents obligatoires manquants pour Léa TEST : Justificatif de domicile.",
    ]


def test_a_booking_post_reads_the_opening_and_its_places_once(parent_client, lea, week):
    """The rush's hot path: the counters read in two aggregates under the lock, no re-read of
    the family for the audit row, no recount subquery: 15 statements (18 before), one of them
    the campaigns' booking rule, leaving out the savepoints and the content type that
    production caches per process."""
    url = planning_url(lea, date=week[0].date.isoformat())
    parent_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert parent_client.post(url, {"book": [week[1].pk]}).status_code == 302
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
        and "django_content_type" not in q["sql"]
    ]
    assert len(statements) <= 15, "\n".join(statements)
    assert not any("COUNT" in sql and "UPDATE" in sql for sql in statements)
    assert sum(sql.startswith('SELECT "famille_family"') for sql in statements) == 0
    week[1].refresh_from_db()
    assert week[1].booked_count == 1
