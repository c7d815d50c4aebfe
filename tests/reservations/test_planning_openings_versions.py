"""The planning's openings are read by hand-written SQL (`grid.planning_openings`), kept for a
measured reason against its ORM version in `benchmarks/planning.py`: both must give every
opening the same attributes, or the benchmark compares two different things (and `make bench`
fails on the planning page)."""

import datetime

import pytest

from benchmarks.planning import planning_openings_orm
from reservations.models import Opening, WaitingListEntry
from reservations.selectors.grid import planning_openings
from tests.factories import book, share_child

pytestmark = pytest.mark.django_db

ATTRIBUTES = ("booked", "offers", "my_booking", "my_wait", "my_rank", "booked_by", "waited_by")


def test_the_sql_and_orm_versions_set_the_same_attributes(
    lea, family, other_family, unit, enrolled, opening
):
    share_child(lea, other_family)
    mine = book(lea, unit, opening.date + datetime.timedelta(days=1))
    theirs = book(lea, unit, opening.date + datetime.timedelta(days=2), family=other_family)
    full = Opening.objects.create(
        unit=unit, date=opening.date + datetime.timedelta(days=7), capacity=0
    )
    WaitingListEntry.objects.create(member=lea, opening=full)
    theirs_too = Opening.objects.create(
        unit=unit, date=opening.date + datetime.timedelta(days=8), capacity=0
    )
    WaitingListEntry.objects.create(member=lea, opening=theirs_too, family=other_family)
    start, end = opening.date, opening.date + datetime.timedelta(days=14)

    def seen(version):
        return {
            o.pk: tuple(getattr(o, name) for name in ATTRIBUTES)
            for o in version(lea, [unit.pk], start, end)
        }

    sql, orm = seen(planning_openings), seen(planning_openings_orm)
    assert sql == orm
    booked_by, waited_by = ATTRIBUTES.index("booked_by"), ATTRIBUTES.index("waited_by")
    assert sql[mine.opening_id][booked_by] == family.pk
    assert sql[theirs.opening_id][booked_by] == other_family.pk
    assert sql[opening.pk][booked_by] is None
    assert sql[full.pk][waited_by] == family.pk  # no household named: the main one
    assert sql[theirs_too.pk][waited_by] == other_family.pk
    assert sql[opening.pk][waited_by] is None
