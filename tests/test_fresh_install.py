"""A fresh install needs `migrate` and nothing else: the login works right after it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh database migrated by `migrate` alone, with the production cache settings.
LOGIN_SCRIPT = """
from django.test import Client
from espace_famille.models import User
User.objects.create_user("parent@example.org", "un-mot-de-passe-solide-42")
client = Client(raise_request_exception=False, HTTP_HOST="localhost")
wrong = client.post("/accounts/login/", {"login": "parent@example.org", "password": "faux"})
right = client.post(
    "/accounts/login/", {"login": "parent@example.org", "password": "un-mot-de-passe-solide-42"}
)
print("STATUS", wrong.status_code, right.status_code)
"""


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"ESPACE_FAMILLE_TESTING", "DJANGO_SETTINGS_MODULE", "CACHE", "DATABASE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "espace_famille.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    return env


def _manage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_login_works_after_migrate_alone(tmp_path):
    migrated = _manage(tmp_path, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    login = _manage(tmp_path, "shell", "-c", LOGIN_SCRIPT)

    assert login.returncode == 0, login.stdout + login.stderr
    # A wrong password shows the form again (200), the right one redirects to the dashboard.
    assert "STATUS 200 302" in login.stdout, login.stdout + login.stderr
