"""A TOTP second factor for every staff login into the admin."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_REQUIRE_TOTP = True


def login_with_code(client, user, secret):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    code = hotp_value(secret, next(yield_hotp_counters_from_time()))
    return client.post(reverse("mfa_authenticate"), {"code": f"{code:06d}"})


def test_staff_without_totp_are_sent_to_activate_it(required, client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.get(reverse("admin:famille_family_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get(reverse("admin:index")).status_code == 302
    # The activation page asks for the password again first (allauth's reauthentication).
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 302
    assert activate["Location"].startswith(reverse("account_reauthenticate"))


def test_staff_with_totp_enter_the_admin_after_the_code(required, client, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = login_with_code(client, staff, secret)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")  # staff land on the admin
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_opened_without_the_code_asks_for_it(required, client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)  # as if logged in before the second factor existed
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_parents_are_not_concerned(required, parent_client):
    assert parent_client.get(reverse("dashboard")).status_code == 200


def test_the_setting_relaxes_it(settings, staff_client):
    settings.STAFF_REQUIRE_TOTP = False
    assert staff_client.get(reverse("admin:index")).status_code == 200


def test_on_by_default_without_debug():
    import subprocess
    import sys

    code = "import espace_famille.settings as s; print(s.STAFF_REQUIRE_TOTP)"
    # A production-like environment: no DEBUG, the least configuration settings accept.
    env = {
        "SECRET_KEY": "x" * 50,
        "PATH": "/usr/bin:/bin",
        "PAYMENT_PROVIDER": "sandbox",
        "ALLOW_SANDBOX_PAYMENTS": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"
    env["STAFF_REQUIRE_TOTP"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
