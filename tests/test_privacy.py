"""Données personnelles: the public page, and no cookie but the strictly necessary ones."""

from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from tests import journeys

pytestmark = pytest.mark.django_db
PAGE = reverse("personal_data")


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_page_is_public_and_linked_from_the_login_page(client, structure):
    login = text(client.get(reverse("account_login")))
    assert f'href="{PAGE}"' in login
    assert f'href="{reverse("accessibility")}"' in login
    response = client.get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert "<title>Données personnelles — Accueil de loisirs Les Tests</title>" in page
    for expected in (
        "Responsable du traitement",
        "Accueil de loisirs Les Tests",
        "1 rue de la Paix",
        "contact@example.org",
        "Santé de l'enfant",
        "Base légale",
        "Durée de conservation",
        "Vos droits",
        "www.cnil.fr",
        "strictement nécessaires",
    ):
        assert expected in page, expected


def test_the_page_follows_the_structure_and_the_retention_settings(client, structure, settings):
    structure.dpo_name = "Service protection des données de la Ville"
    structure.dpo_email = "dpo@ville.example.org"
    structure.hosting_provider = "Hébergeur Exemple SAS, Lyon"
    structure.save()
    settings.RETENTION_MESSAGES_YEARS = 5
    settings.RETENTION_LOGIN_HISTORY_DAYS = 180
    settings.PAYMENT_PROVIDER = "stripe"
    page = text(client.get(PAGE))
    assert "Service protection des données de la Ville" in page
    assert 'href="mailto:dpo@ville.example.org"' in page
    assert "Hébergeur Exemple SAS, Lyon" in page
    assert "5 ans après le dernier message" in page
    assert "Historique des connexions : 180 jours" in page
    assert "Stripe" in page
    for cookie in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        assert f"<code>{cookie}</code>" in page


def test_without_a_dpo_the_page_points_to_the_structure(client, structure):
    page = text(client.get(PAGE))
    assert "dpo@" not in page
    assert "écrivez à la structure" in page


def test_a_logged_in_parent_is_sent_to_contact_for_their_rights(parent_client):
    page = text(parent_client.get(PAGE))
    assert f'<a href="{reverse("contact:index")}">Contact</a>' in page
    assert f'<a href="{reverse("my_data")}">Mes données</a>' in page


def test_the_page_in_english(client, structure):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(PAGE))
    assert "Personal data" in page and "Données personnelles" not in page


def test_no_cookie_but_session_csrf_and_language_along_the_main_journeys(
    client, family, parent, lea, django_capture_on_commit_callbacks
):
    prepared = journeys.prepare(family, parent, lea)
    with django_capture_on_commit_callbacks(execute=True):
        responses = journeys.drive(client, parent, lea, prepared)
    # The language form too: its cookie is one of the three.
    responses.append(client.post(reverse("set_language"), {"language": "en", "next": "/"}))
    allowed = {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
    }
    set_cookies = {name for response in responses for name in response.cookies}
    assert settings.SESSION_COOKIE_NAME in set_cookies  # the journeys did log in
    assert set_cookies - allowed == set()
