"""/healthz names the component that fails (database, cache, storage) and nothing personal;
error reports (SENTRY_DSN) leave without bodies, cookies or email addresses."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache

from espace_famille.observability import scrub

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_healthz_answers_503_when_the_cache_does_not(client):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "cache": "error", "storage": "ok"},
    }
    assert b"redis" not in response.content


def test_healthz_answers_503_when_the_media_directory_is_read_only(client, settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    with mock.patch("espace_famille.views.os.access", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"
    assert str(media).encode() not in response.content


def test_healthz_is_not_cached_and_carries_no_personal_data(client, parent):
    client.force_login(parent)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert parent.email.encode() not in response.content


def test_scrub_drops_bodies_cookies_and_masks_emails():
    event = {
        "request": {
            "url": "https://famille.example.org/famille/",
            "data": {"email": "lea.martin@example.org", "password": "secret"},
            "cookies": {"sessionid": "abc"},
            "query_string": "email=lea.martin@example.org",
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "X-Forwarded-For": "1"},
        },
        "user": {"id": 7, "email": "lea.martin@example.org", "ip_address": "203.0.113.9"},
        "exception": {
            "values": [{"type": "ValueError", "value": "no family for lea.martin@example.org"}]
        },
        "breadcrumbs": {"values": [{"message": "mail to hugo@example.org"}]},
    }
    scrubbed = scrub(event, {})
    assert "data" not in scrubbed["request"]
    assert "cookies" not in scrubbed["request"]
    assert "query_string" not in scrubbed["request"]
    assert scrubbed["request"]["headers"] == {"User-Agent": "Firefox"}
    assert scrubbed["user"] == {"id": 7}
    assert "@" not in repr(scrubbed["exception"]) + repr(scrubbed["breadcrumbs"])


def test_settings_start_sentry_without_personal_data_when_a_dsn_is_set():
    env = {key: value for key, value in os.environ.items() if key != "ESPACE_FAMILLE_TESTING"}
    env.update({"DEBUG": "1", "SENTRY_DSN": "https://public@sentry.example.org/1"})
    code = (
        "import espace_famille.settings, sentry_sdk;"
        "options = sentry_sdk.get_client().options;"
        "print(options['send_default_pii'], options['before_send'].__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "scrub"]


def test_settings_use_redis_for_the_cache_when_redis_url_is_set():
    env = {key: value for key, value in os.environ.items() if key != "ESPACE_FAMILLE_TESTING"}
    env.update({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/5"})
    code = (
        "import espace_famille.settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/5",
        "django.contrib.sessions.backends.db",
    ]


def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
