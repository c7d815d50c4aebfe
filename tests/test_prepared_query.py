"""PreparedQuery (espace_famille/queries.py): a query built with the ORM once, run with new
values; the same rows as the ORM's own query, whatever the values of each run."""

import datetime

import pytest

from documents.models import DocumentType, Submission
from documents.selectors import _PEOPLE_COUNTS, _people_counts
from espace_famille.queries import PreparedQuery
from famille.models import Member
from tests.factories import child, make_submission, make_type

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)
COUNTS = ["every_member", "every_child", "household", "expiring", "household_expiring"]


def test_the_query_is_built_once_and_run_with_each_run_s_values(family, other_family, lea, zoe):
    lea.birth_date, zoe.birth_date = datetime.date(2019, 5, 1), datetime.date(2021, 5, 1)
    lea.save(), zoe.save()
    built = []

    def children(family_id, born_before):
        built.append((family_id, born_before))
        return Member.objects.filter(family_id=family_id, birth_date__lt=born_before)

    prepared = PreparedQuery(children, family_id=int, born_before=datetime.date)
    runs = [
        (family.pk, datetime.date(2020, 1, 1)),
        (other_family.pk, datetime.date(2020, 1, 1)),
        (other_family.pk, datetime.date(2022, 1, 1)),
        (family.pk, datetime.date(2019, 1, 1)),
    ]
    for family_id, born_before in runs:
        rows = prepared.raw(family_id=family_id, born_before=born_before)
        assert [m.pk for m in rows] == [m.pk for m in children(family_id, born_before)]
    assert len(built) == 1 + len(runs)  # once for the prepared query, then the ORM's each time
    assert built[0][0] < 0 and built[0][1].year == 1900  # the stand-ins, never a real value


def test_a_value_that_never_reaches_the_query_as_a_parameter_is_refused(family):
    prepared = PreparedQuery(
        lambda family_id, day: Member.objects.filter(family_id=family_id),
        family_id=int,
        day=datetime.date,
    )
    with pytest.raises(ValueError, match="day"):
        list(prepared.raw(family_id=family.pk, day=TODAY))


def _counts(rows):
    return [(m.pk, *(getattr(m, name) for name in COUNTS)) for m in rows]


def test_the_dashboard_s_document_counts_match_the_orm_s_for_each_household_and_day(
    family, other_family, lea, zoe
):
    hugo = child(family, "Hugo")
    vaccines = make_type()  # each child's, mandatory
    insurance = make_type("Attestation d'assurance", scope=DocumentType.Scope.FAMILY)
    make_type("Photo", scope=DocumentType.Scope.MEMBER)
    make_submission(
        family, vaccines, lea, status=Submission.Status.ACCEPTED, valid_until=TODAY.replace(day=30)
    )
    make_submission(family, vaccines, hugo)  # waiting for review: nothing to do
    make_submission(
        family,
        insurance,
        status=Submission.Status.ACCEPTED,
        valid_until=datetime.date(2026, 12, 15),
    )
    make_submission(
        other_family, vaccines, zoe, status=Submission.Status.ACCEPTED, valid_until=TODAY
    )
    seen = set()
    for household, today in [
        (family, TODAY),
        (other_family, TODAY),
        (family, datetime.date(2026, 12, 20)),
        (other_family, datetime.date(2026, 10, 1)),
    ]:
        end = today + datetime.timedelta(days=30)
        prepared = _counts(_PEOPLE_COUNTS.raw(family_id=household.pk, today=today, end=end))
        assert prepared == _counts(_people_counts(household.pk, today, end))
        seen.add(tuple(prepared))
    assert len(seen) == 4  # the runs differ: each took its own values
