"""The planning's date jump: extreme or out-of-range dates fall back to today, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def planning_url(member):
    return reverse("reservations:planning", args=[member.pk])


@pytest.mark.parametrize(
    "params",
    [
        {"date": "9999-12-31"},
        {"date": "9999-12-31", "vue": "mois"},
        {"date": "0001-01-01"},
        {"date": "0001-01-01", "vue": "mois"},
        {"date": "1999-12-31"},
        {"date": "2101-01-01", "vue": "mois"},
    ],
)
def test_out_of_range_dates_fall_back_to_today(parent_client, lea, params):
    response = parent_client.get(planning_url(lea), params)
    assert response.status_code == 200
    today = timezone.localdate()
    planning = response.context["planning"]
    assert planning.start <= today <= planning.end
    jump = response.context["jump"]
    assert jump.errors["date"] == ["Choisissez une date entre le 01/01/2000 et le 31/12/2100."]
    assert "Choisissez une date entre le 01/01/2000 et le 31/12/2100." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "first"),
    [
        ({"date": "2100-12-31", "vue": "mois"}, datetime.date(2100, 12, 1)),
        ({"date": "2100-12-31"}, datetime.date(2100, 12, 27)),
        ({"date": "2000-01-01"}, datetime.date(1999, 12, 27)),  # its Monday
        ({"date": "2000-01-01", "vue": "mois"}, datetime.date(2000, 1, 1)),
    ],
)
def test_range_bounds_are_shown(parent_client, lea, params, first):
    response = parent_client.get(planning_url(lea), params)
    assert response.status_code == 200
    assert response.context["planning"].start == first
    assert not response.context["jump"].is_bound
