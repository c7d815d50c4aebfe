"""The period filter: extreme or out-of-range dates fall back to today, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
ERROR = "Choisissez une date entre le 01/01/2000 et le 31/12/2100."


@pytest.mark.parametrize("name", ["historique:index", "historique:paiements"])
@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"periode": "mois", "date": "9999-12-31"}, "mois"),
        ({"periode": "semaine", "date": "0001-01-01"}, "semaine"),
        ({"date": "9999-12-31"}, "mois"),
        ({"periode": "semaine", "date": "1999-12-31"}, "semaine"),
        ({"periode": "mois", "date": "2101-01-01"}, "mois"),
    ],
)
def test_out_of_range_dates_fall_back_to_today(parent_client, name, params, kind):
    response = parent_client.get(reverse(name), params)
    assert response.status_code == 200
    period = response.context["period"]
    assert period.kind == kind
    assert period.first <= timezone.localdate() <= period.last
    assert response.context["form"].errors["date"] == [ERROR]
    assert ERROR in response.content.decode()


@pytest.mark.parametrize(
    ("params", "first", "last"),
    [
        ({"periode": "mois", "date": "2100-12-31"}, (2100, 12, 1), (2100, 12, 31)),
        ({"periode": "semaine", "date": "2000-01-01"}, (1999, 12, 27), (2000, 1, 2)),
    ],
)
def test_range_bounds_are_shown(parent_client, params, first, last):
    response = parent_client.get(reverse("historique:index"), params)
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.first, period.last) == (datetime.date(*first), datetime.date(*last))
    assert not response.context["form"].errors
