"""Accessibilité: the RGAA statement, public, linked in the footer, pointing to Contact."""

from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PAGE = reverse("accessibility")


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_statement_has_the_rgaa_sections(client, structure):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert "<title>Accessibilité — Accueil de loisirs Les Tests</title>" in page
    for expected in (
        "Déclaration d'accessibilité",
        "Accueil de loisirs Les Tests s'engage",
        "article 47 de la loi n° 2005-102",
        "État de conformité",
        "RGAA",
        "Ce qui est vérifié",
        "360, 768 et 1280 pixels",
        "planning des réservations",
        "paiement des factures",
        "Contenus non accessibles",
        "Signaler un problème",
        "contact@example.org",
        "Voies de recours",
        "Défenseur des droits",
    ):
        assert expected in page, expected


def test_a_parent_reports_a_problem_through_contact(parent_client):
    page = text(parent_client.get(PAGE))
    assert f'<a href="{reverse("contact:index")}">Contact</a>' in page


def test_footer_links_on_every_portal_page(parent_client):
    page = text(parent_client.get(reverse("dashboard")))
    assert f'<a href="{PAGE}">Accessibilité</a>' in page
    assert f'<a href="{reverse("personal_data")}">Données personnelles</a>' in page


def test_the_legal_pages_take_few_queries(client, parent_client, django_assert_max_num_queries):
    for url in (PAGE, reverse("personal_data")):
        with django_assert_max_num_queries(6):
            assert parent_client.get(url).status_code == 200
