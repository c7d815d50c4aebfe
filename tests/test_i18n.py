"""French by default whatever the browser says, English when the visitor picks it."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_french_is_the_default_even_for_an_english_browser(parent_client):
    page = parent_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in page
    assert "Tableau de bord" in page


def test_choosing_english_serves_the_english_translation(parent_client):
    response = parent_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert parent_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = parent_client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Dashboard" in page
    assert "My family" in page


def test_an_unknown_language_cookie_falls_back_to_french(parent_client):
    parent_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="fr">' in parent_client.get("/").content.decode()
