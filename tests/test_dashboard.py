"""The dashboard (tableau de bord): eight tiles from the registry, a bounded number of queries."""

import pytest
from django.urls import reverse
from django.utils.translation import ngettext_lazy

from espace_famille.registry import MenuEntry, menu
from tests.factories import make_family, make_parent
from tests.helpers import PORTAL_URLS

pytestmark = pytest.mark.django_db

TILES = [
    "Ma famille",
    "Mes inscriptions",
    "Mes réservations",
    "Mes factures",
    "Mes documents",
    "Historique",
    "Documentation",
    "Contact",
]
MAX_QUERIES = 12


def test_the_dashboard_shows_the_eight_tiles_and_their_links(parent_client):
    response = parent_client.get(reverse("dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="tile ') == 8
    for title in TILES:
        assert f'<span class="tile__title">{title}</span>' in page
    for url in PORTAL_URLS[1:]:
        assert f'href="{url}"' in page
    assert page.count("<h1") == 1
    assert "Bienvenue, famille TEST" in page


def test_every_portal_page_has_the_menu_button(parent_client):
    for url in PORTAL_URLS:
        page = parent_client.get(url).content.decode()
        assert '<a class="menu-button" href="/">' in page, url


def test_a_badge_appears_when_an_app_provides_one(parent_client):
    others = [entry for entry in menu if entry.key != "factures"]
    with menu.overridden(
        *others,
        MenuEntry(
            key="factures",
            title="Mes factures",
            description="…",
            url_name="factures:index",
            order=40,
            badge=lambda family: 3,
            badge_label=ngettext_lazy("%(n)s facture à payer", "%(n)s factures à payer", "n"),
        ),
    ):
        page = parent_client.get("/").content.decode()
    assert '<span class="tile__badge">3 factures à payer</span>' in page


def test_tiles_are_ordered_as_the_user_guide(db):
    assert [entry.title for entry in menu] == TILES


def _dashboard_queries(client, django_assert_max_num_queries, parent):
    client.force_login(parent)
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_dashboard_queries_are_bounded_and_flat(client, django_assert_max_num_queries, parent):
    with_one = _dashboard_queries(client, django_assert_max_num_queries, parent)
    for i in range(30):
        other = make_family(f"F{i}", f"f{i}@example.org", ("A", "B"))
        make_parent(other, f"p{i}@example.org")
    with_many = _dashboard_queries(client, django_assert_max_num_queries, parent)
    assert with_one == with_many
