"""Every admin page staff open stays within 15 queries, and flat as the town grows.

The pages come from the admin site's registry (benchmarks/admin.py enumerates them for
`make bench`): every changelist, and the change page of each model's most recent row. They are
opened as a superuser on the demo data with one generated household (a year of data), then
again with more households: a page whose query count grows with the data runs one query per
row somewhere (a column, an inline, a filter).
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.admin import admin_pages, finished_job

pytestmark = pytest.mark.django_db

BUDGET = 15


def _demo(**options) -> None:
    with open(os.devnull, "w") as quiet:
        call_command("demo", force=True, verbosity=0, stdout=quiet, **options)


def _count(client: Client, url: str) -> tuple[int, int]:
    status, queries, _options = _read(client, url)
    return status, queries


def _read(client: Client, url: str) -> tuple[int, int, int]:
    """Status, queries and how many <option> the page holds (a select of a whole table)."""
    client.get(url)  # the first request fills the per-process caches (content types...)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    options = response.content.count(b"<option")
    return response.status_code, len(captured.captured_queries), options


OPTIONS: dict[str, int] = {}


def _counts(client: Client) -> dict[str, tuple[str, int]]:
    counts = {}
    for label, url in admin_pages():
        status, queries, options = _read(client, url)
        assert status == 200, (label, url, status)
        counts[label] = (url, queries)
        OPTIONS[f"{label} {url}"] = options
    return counts


def test_admin_pages_have_bounded_and_flat_query_counts(structure, staff):
    _demo()
    _demo(families=1)
    finished_job()  # a job's page (its progress and result) is an admin page too
    client = Client()
    client.force_login(staff)
    small = _counts(client)
    options_small = dict(OPTIONS)
    _demo(families=6)
    large = _counts(client)

    # No page lists a whole table in a select (households, members, bookings): those fields
    # are read-only or searched (autocomplete); a select of activities or statuses stays.
    swollen = {
        page: (options_small[page], options)
        for page, options in OPTIONS.items()
        if page in options_small and options > options_small[page]
    }
    assert swollen == {}, f"selects that grow with the data: {swollen}"

    # Every list of the project and of the libraries it registers is covered.
    assert "reservations.Booking (liste)" in large
    assert "reservations.Booking (fiche)" in large
    assert "inscriptions.Enrolment (liste)" in large
    over = {label: url_count for label, url_count in large.items() if url_count[1] > BUDGET}
    assert over == {}, f"more than {BUDGET} queries: {over}"
    grown = {}
    for label, (url, queries) in large.items():
        if label not in small:
            continue
        before_url, before = small[label]
        if url != before_url:
            # A change page is compared on the same row when it still exists (another row may
            # show other optional fields); the newest row is bounded above in any case.
            status, again = _count(client, before_url)
            if status != 200:
                continue
            queries, url = again, before_url
        if queries > before:
            grown[label] = (before, queries, url)
    assert grown == {}, f"query counts grew with the data: {grown}"


def test_bookings_open_on_the_coming_days(structure, staff):
    """The default booking list shows the coming week; "Toutes" and "Passées" reach the rest."""
    from datetime import timedelta

    from django.utils import timezone

    from reservations.models import Booking

    _demo()
    _demo(families=1)
    today = timezone.localdate()
    assert Booking.objects.filter(opening__date__lt=today).exists()
    assert Booking.objects.filter(
        opening__date__gte=today, opening__date__lt=today + timedelta(days=7)
    ).exists()
    client = Client()
    client.force_login(staff)
    url = "/admin/reservations/booking/"

    shown = client.get(url).context["cl"].result_list
    assert shown and all(today <= b.opening.date < today + timedelta(days=7) for b in shown)
    coming = client.get(url, {"quand": "a_venir"}).context["cl"]
    assert coming.result_count == Booking.objects.filter(opening__date__gte=today).count()
    past = client.get(url, {"quand": "passees"}).context["cl"].result_list
    assert past and all(booking.opening.date < today for booking in past)
    # The past list starts from the most recent day.
    assert past[0].opening.date == max(b.opening.date for b in past)
    everything = client.get(url, {"quand": "toutes"}).context["cl"]
    assert everything.result_count == Booking.objects.count()


def test_enrolments_open_on_the_pending_decisions(structure, staff):
    from inscriptions.models import Enrolment

    _demo()
    _demo(families=1)
    decided = Enrolment.objects.filter(status="accepted").order_by("pk").first()
    pending = Enrolment.objects.filter(status="requested").order_by("pk").first()
    assert decided is not None
    if pending is None:
        pending = Enrolment.objects.create(
            member=decided.member,
            activity=decided.activity,
            status="requested",
            start_date=decided.start_date,
            end_date=decided.end_date,
        )
        Enrolment.objects.filter(pk=decided.pk).update(status="cancelled")
    client = Client()
    client.force_login(staff)
    changelist = client.get("/admin/inscriptions/enrolment/").context["cl"]
    assert {row.status for row in changelist.result_list} == {"requested"}
    everything = client.get("/admin/inscriptions/enrolment/", {"decision": "toutes"}).context["cl"]
    assert everything.result_count == Enrolment.objects.count()
    rows = list(everything.result_list)
    # Places taken / capacity is shown for every row, counted once per page.
    for row in rows:
        expected = Enrolment.objects.filter(activity=row.activity, status="accepted").count()
        assert row._accepted == expected
