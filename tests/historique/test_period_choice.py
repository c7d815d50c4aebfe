"""The period menu says what the page shows: the month by default."""

import datetime
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _selected(html: str) -> list[str]:
    menu = re.search(r'<select name="periode".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\w*)"[^>]*selected', menu)


@pytest.mark.parametrize("url_name", ["historique:index", "historique:paiements"])
def test_default_period_menu_says_month(parent_client, url_name):
    response = parent_client.get(reverse(url_name))
    assert response.context["period"].kind == "mois"
    assert _selected(response.text) == ["mois"]


def test_a_date_alone_still_shows_the_month(parent_client):
    response = parent_client.get(reverse("historique:index") + "?date=2026-03-10")
    assert response.context["period"].kind == "mois"
    assert _selected(response.text) == ["mois"]


def test_the_week_chosen_stays_chosen(parent_client):
    response = parent_client.get(reverse("historique:index") + "?periode=semaine&date=2026-06-03")
    assert response.context["period"].kind == "semaine"
    assert _selected(response.text) == ["semaine"]
    # Monday 1 June 2026: "1er juin" in French.
    assert "Semaine du 1er juin au 7 juin 2026" in response.text
    assert response.context["period"].first == datetime.date(2026, 6, 1)
