"""French by default, English on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_french_is_the_default(parent_client):
    page = parent_client.get("/").content.decode()
    assert '<html lang="fr">' in page
    assert "Tableau de bord" in page


def test_english_translation_is_served(parent_client):
    page = parent_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Dashboard" in page
    assert "My family" in page
