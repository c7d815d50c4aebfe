"""Planning openings: the hand-written SQL of `reservations.selectors.grid.planning_openings`
against the same query built with the ORM (kept here only to be measured).

Run by `python -m benchmarks --families 2000` on its data set, after the page table: the month's
planning page of the timed household with either version, and the function alone, in CPU time
of the process (`time.process_time`: Python and SQLite's work, steadier than the wall clock on a
shared machine; on PostgreSQL the server's share is left out). The SQL stays in
`reservations/selectors/grid.py` while the ORM version misses the page budget (median < 10 ms).
"""

from __future__ import annotations

import datetime
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

COMMAND = "python -m benchmarks --families 2000"


def planning_openings_orm(
    member: Any, unit_ids: list[int], start: datetime.date, end: datetime.date
) -> list[Any]:
    """`reservations.selectors.grid.planning_openings` with the ORM: the same columns, one query."""
    from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce

    from espace_famille.queries import count_of
    from reservations.models import Booking, Opening, WaitingListEntry

    if not unit_ids:
        return []
    entries = WaitingListEntry.objects.filter(opening=OuterRef("pk"))
    mine = entries.filter(member_id=member.pk, status__in=WaitingListEntry.LIVE)
    live_booking = Booking.objects.filter(member_id=member.pk, opening=OuterRef("pk")).exclude(
        status=Booking.Status.CANCELLED
    )
    my_booking = live_booking.values("status")[:1]
    # The member's own entry, seen from inside `ahead` (whose OuterRef is the entry, not the
    # opening): the opening is two levels up.
    mine_from_ahead = WaitingListEntry.objects.filter(
        opening=OuterRef(OuterRef("pk")), member_id=member.pk, status__in=WaitingListEntry.LIVE
    )
    ahead = entries.filter(
        status=WaitingListEntry.Status.WAITING,
        created_at__lte=Subquery(mine_from_ahead.values("created_at")[:1]),
    )
    openings = list(
        Opening.objects.filter(unit_id__in=unit_ids, date__range=(start, end))
        .annotate(  # type: ignore[no-redef]  # the attributes the SQL version sets
            offers=count_of(entries.filter(status=WaitingListEntry.Status.OFFERED)),
            my_booking=Subquery(my_booking),
            booked_by=Case(
                When(
                    Exists(live_booking),
                    then=Coalesce(
                        Subquery(live_booking.values("family_id")[:1]),
                        Value(member.family_id),
                        output_field=IntegerField(),
                    ),
                ),
                default=None,
            ),
            my_wait=Subquery(mine.values("status")[:1]),
            waited_by=Case(
                When(
                    Exists(mine),
                    then=Coalesce(
                        Subquery(mine.values("family_id")[:1]),
                        Value(member.family_id),
                        output_field=IntegerField(),
                    ),
                ),
                default=None,
            ),
            my_rank=count_of(ahead),
        )
        .order_by()
    )
    for opening in openings:
        opening.booked = opening.booked_count
    return openings


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    for _warm_up in range(3):
        fn()
    times = []
    for _run in range(repeat):
        started = time.process_time()
        fn()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def run(repeat: int = 100) -> list[dict[str, str]]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from espace_famille.models import User
    from reservations.selectors import grid

    logins = User.objects.select_related("family").filter(family__name__startswith="GEN-")
    count = logins.count()
    if not count:
        return []
    parent = logins.order_by("family__name")[count // 2]
    if parent.family is None:  # the GEN- logins all have a household
        return []
    child = parent.family.members.filter(role="child").order_by("pk").first()
    if child is None:
        return []
    client = Client()
    client.force_login(parent)
    url = reverse("reservations:planning", args=[child.pk]) + "?vue=mois"
    start = timezone.localdate().replace(day=1)
    end = start + datetime.timedelta(days=41)
    units, _accepted, _requested = grid.enrolled_units(child, start, end)
    unit_ids = [unit.pk for unit in units]
    sql_version = grid.planning_openings
    rows = []
    for label, version in (
        ("hand-written SQL (kept)", sql_version),
        ("ORM", planning_openings_orm),
    ):
        grid.planning_openings = version
        try:
            page = _median_ms(lambda: client.get(url), repeat)
            alone = _median_ms(functools.partial(version, child, unit_ids, start, end), repeat)
        finally:
            grid.planning_openings = sql_version
        rows.append(
            {
                "benchmark": f"Planning du mois, openings in {label}",
                "result": f"page median {page:.1f} ms CPU; "
                f"planning_openings() alone {alone:.2f} ms CPU",
                "command": COMMAND,
            }
        )
    return rows
