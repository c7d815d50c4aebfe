"""Production settings pass `check --deploy`; /healthz answers 200 or 503."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


PRODUCTION_SECRET_KEY = "k8$Lq2!vX9#pR4@tZ7&mN1^wB6*yC3(hJ5)sF0_gD8+eA2=uQ-Espace-Famille-prod"


def _env(drop: set[str], **values: str) -> dict[str, str]:
    """This process's environment without the names in `drop`, with `values` set."""
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **values}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py args` run in a fresh process under `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_values(tmp_path):
    env = _env(
        {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"},
        DJANGO_SETTINGS_MODULE="espace_famille.settings",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        SECURE_HSTS_PRELOAD="1",
        PAYMENT_PROVIDER="stripe",
        STRIPE_SECRET_KEY="sk_live_example",
        STRIPE_WEBHOOK_SECRET="whsec_example",
        ALLOWED_HOSTS="famille.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_settings_refuse_to_start_without_secret_key_in_production(tmp_path):
    env = _env(
        {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"},
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="espace_famille.settings",
    )
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_settings_refuse_a_bad_boolean(tmp_path):
    env = _env(set(), DEBUG="peut-être", DJANGO_SETTINGS_MODULE="espace_famille.settings")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(connection, "cursor", side_effect=Exception("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


def test_password_hashing_is_argon2_outside_tests():
    env = _env({"DJANGO_SETTINGS_MODULE"}, DEBUG="1")
    code = "import espace_famille.settings as s; print(s.PASSWORD_HASHERS[0])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "espace_famille.hashers.Argon2idPasswordHasher"


def _production_check(**overrides: str) -> subprocess.CompletedProcess:
    env = _env(
        {
            "DJANGO_SETTINGS_MODULE",
            "PAYMENT_PROVIDER",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "ALLOW_SANDBOX_PAYMENTS",
        },
        DJANGO_SETTINGS_MODULE="espace_famille.settings",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        **overrides,
    )
    return _manage("check", env=env)


def test_production_without_payment_provider_starts_without_online_payment():
    result = _production_check()
    assert result.returncode == 0, result.stderr
    shown = _production_settings(["PAYMENT_PROVIDER"])
    assert shown == {"PAYMENT_PROVIDER": ""}


def test_an_unknown_payment_provider_is_refused():
    result = _production_check(PAYMENT_PROVIDER="paypal")
    assert result.returncode != 0
    assert "PAYMENT_PROVIDER must be" in result.stderr


def _production_settings(names: list[str], **overrides: str) -> dict:
    """The values of `names` in espace_famille.settings under a production environment."""
    env = _env(
        {
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "PAYMENT_PROVIDER",
            "ALLOW_SANDBOX_PAYMENTS",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
        },
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        **overrides,
    )
    code = (
        "import json, espace_famille.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_a_test_switch_in_the_environment_cannot_weaken_production():
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "PASSWORD_HASHERS",
        "EMAIL_BACKEND",
        "PAYMENT_PROVIDER",
    ]
    shown = _production_settings(names, ESPACE_FAMILLE_TESTING="1", TESTING="1")
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 31536000
    assert shown["PASSWORD_HASHERS"][0] == "espace_famille.hashers.Argon2idPasswordHasher"
    assert shown["EMAIL_BACKEND"] != "django.core.mail.backends.locmem.EmailBackend"
    assert shown["PAYMENT_PROVIDER"] == ""
    refused = _production_check(PAYMENT_PROVIDER="sandbox", ESPACE_FAMILLE_TESTING="1")
    assert refused.returncode != 0
    assert "lets parents mark invoices paid without paying" in refused.stderr


def test_the_suite_runs_on_its_own_settings_module():
    from django.conf import settings

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "tests.settings"
    assert "ESPACE_FAMILLE_TESTING" not in os.environ
    assert not hasattr(settings, "TESTING")


def test_production_refuses_the_sandbox_unless_allowed():
    refused = _production_check(PAYMENT_PROVIDER="sandbox")
    assert refused.returncode != 0
    assert "lets parents mark invoices paid without paying" in refused.stderr
    allowed = _production_check(PAYMENT_PROVIDER="sandbox", ALLOW_SANDBOX_PAYMENTS="1")
    assert allowed.returncode == 0, allowed.stderr


def test_stripe_needs_its_keys():
    result = _production_check(PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_live_x")
    assert result.returncode != 0
    assert "needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET" in result.stderr


def _bare_env(**extra: str) -> dict[str, str]:
    return _env({"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}, **extra)


def test_an_unconfigured_checkout_runs_management_commands_in_development_mode():
    result = _manage("makemigrations", "--check", "--dry-run", env=_bare_env())
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_a_configured_database_without_secret_key_still_refuses_to_start(tmp_path):
    env = _bare_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
