"""Shared fixtures: two families (ours and another), their parents, a staff user, a browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from espace_famille.models import Structure, User
from tests.factories import PASSWORD, make_family, make_parent, share_child
from tests.s3 import free_port

# Playwright's sync API runs an event loop in the test thread, beside Django's sync ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Tests marked for one engine (`sqlite`) are left out on the other, not skipped.

    CI runs the suite on both databases, so every one of them runs there.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        return
    kept = [item for item in items if item.get_closest_marker("sqlite") is None]
    left_out = [item for item in items if item.get_closest_marker("sqlite") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file, not Django's shared in-memory database.

    The concurrency tests (marked `concurrency`) write from several threads, each with its own
    connection, as app server workers do: that needs the file's locks (WAL journal, busy
    timeout, write transactions taken at BEGIN IMMEDIATE), which in-memory databases lack.
    """
    from django.conf import settings

    for db_settings in settings.DATABASES.values():
        test = db_settings.setdefault("TEST", {})
        if db_settings["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
            test["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps its rate-limit counters in the cache: start every test from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }


@pytest.fixture(scope="module")
def s3_endpoint():
    """Moto's S3 server on a free loopback port, for the tests of one module."""
    server_module = pytest.importorskip("moto.server")
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def structure(db):
    return Structure.objects.create(
        name="Accueil de loisirs Les Tests",
        email="contact@example.org",
        phone="01 02 03 04 05",
        address="1 rue de la Paix\n75000 Paris",
    )


@pytest.fixture
def family(structure):
    return make_family("TEST", "famille-test@example.org", ("Léa", "Hugo"))


@pytest.fixture
def other_family(structure):
    return make_family("AUTRE", "famille-autre@example.org", ("Zoé",))


@pytest.fixture
def lea(family):
    return family.members.get(first_name="Léa")


@pytest.fixture
def hugo(family):
    return family.members.get(first_name="Hugo")


@pytest.fixture
def zoe(other_family):
    return other_family.members.get(first_name="Zoé")


@pytest.fixture
def parent(family):
    return make_parent(family, "parent@example.org")


@pytest.fixture
def other_parent(other_family):
    return make_parent(other_family, "autre@example.org")


@pytest.fixture
def staff(structure):
    return User.objects.create_superuser(
        "staff@example.org", PASSWORD, first_name="Agnès", last_name="Accueil"
    )


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# Browser tests: Debian's Chromium driven by Playwright, never a downloaded browser.


def _chromium_missing_reason() -> str | None:
    if Path(CHROMIUM).exists() and shutil.which("chromium"):
        return None
    return "Debian's Chromium is missing: sudo apt-get install -y chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    reason = _chromium_missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # in CI nothing skips
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def shared(lea, other_family):
    """Shared custody: Léa (household TEST) also lives in household AUTRE."""
    return share_child(lea, other_family)


@pytest.fixture
def other_client(client, other_parent):
    """The test client logged in as household AUTRE's parent."""
    client.force_login(other_parent)
    return client
