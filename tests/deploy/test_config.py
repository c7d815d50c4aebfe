"""The shipped deployment files agree with the settings (fast checks, no server started)."""

import re
import runpy
from pathlib import Path

from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _megabytes(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) / {"k": 1024, "m": 1, "": 1024 * 1024}[unit.lower()]


def test_the_proxy_body_limit_matches_the_upload_limits():
    site = (DEPLOY / "nginx" / "espace-famille.conf").read_text()
    limit = _megabytes(re.search(r"client_max_body_size (\w+);", site).group(1))
    documents = settings.DOCUMENTS_MAX_UPLOAD_MB
    # Three photos at the per-file limit and their form; the deploy suite's 50 MB is refused.
    assert documents * 3 + 1 <= limit < 50
    assert limit > settings.CONTACT_ATTACHMENT_MAX_BYTES / 1024 / 1024
    page = (DEPLOY / "errors" / "413.html").read_text()
    assert f"{documents} Mo par fichier, {limit:.0f} Mo" in page


def test_hashed_static_names_get_the_long_cache():
    site = (DEPLOY / "nginx" / "espace-famille.conf").read_text()
    pattern = re.search(r'"~(\S+)"\s+"public, max-age=31536000, immutable";', site).group(1)
    assert re.search(pattern, "/static/espace_famille/site.3f2a9c8e1b7d.css")
    assert not re.search(pattern, "/static/espace_famille/site.css")


def test_the_units_start_what_exists(monkeypatch):
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").iterdir()}
    assert "deploy/gunicorn.conf.py" in units["espace-famille-web@.service"]
    assert "manage.py db_worker" in units["espace-famille-worker@.service"]
    timers = [text for name, text in units.items() if name.endswith(".timer")]
    jobs = {
        re.search(r"Unit=espace-famille-job@(\w+)\.service", t).group(1)
        for t in timers
        if "job@" in t
    }
    assert {"clearsessions", "sweep_orphans", "campaigns_allocate", "send_reminders"} <= jobs
    # Retention runs every night and erases (a dry run would only count).
    assert "Unit=espace-famille-retention.service" in units["espace-famille-retention.timer"]
    assert "manage.py retention --apply" in units["espace-famille-retention.service"]
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["bind"], config["workers"], config["wsgi_app"]) == (
        "127.0.0.1:8123",
        3,
        "espace_famille.wsgi:application",
    )
