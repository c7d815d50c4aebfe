"""The production stack, for real, on loopback: nginx (the shipped site file, TLS) in front of two
gunicorn app servers, PostgreSQL, Redis and the background worker (deploy/stack.py).

Every check goes through the proxy as a browser would: login, a booking, a sandbox payment
notified by the "bank", uploads within and beyond the proxy's limit, the client's address in
the audit log, rate limits and sessions shared by both app servers, emails sent by the worker.
Run with `make test-deploy` (CI does).
"""

import datetime
import hashlib
import hmac
import io
import json
import os
import re
import subprocess
import time
from zoneinfo import ZoneInfo

import psycopg
import pytest

from deploy.stack import ROOT, running_stack

pytestmark = pytest.mark.deploy

PASSWORD = "demo-espace-famille"  # the demo accounts' published password
PARENT = "test@example.org"
OTHER_PARENT = "martin@example.org"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def stack():
    with running_stack(database="deploy_stack", port=8110, app_servers=2) as running:
        yield running


@pytest.fixture(scope="module")
def pg(stack):
    with psycopg.connect(stack.database_url, autocommit=True) as connection:
        yield connection


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _login(stack, session, email: str, password: str, token: str = "", **headers):
    url = stack.base_url + "/accounts/login/"
    token = token or _csrf(session.get(url).text)
    return session.post(
        url,
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": url, **headers},
        allow_redirects=False,
    )


@pytest.fixture(scope="module")
def parent(stack):
    """The TEST family's parent, browsing from 127.0.0.2 (another loopback address than nginx's
    own connections to the app servers, which come from 127.0.0.1)."""
    session = stack.session(source_address="127.0.0.2")
    response = _login(stack, session, PARENT, PASSWORD, **{"X-Forwarded-For": "203.0.113.66"})
    assert response.status_code == 302, response.text[:500]
    assert response.headers["Location"] == "/"
    return session


def _wait_for_mail(stack, needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(stack.mail_dir.glob("*.log")):
            text = path.read_text(errors="replace")
            if needle in text:
                return text
        time.sleep(0.2)
    raise AssertionError(f"no email containing {needle!r} in {timeout} s: {stack.log('worker')}")


def test_health_static_files_and_https_redirect(stack):
    session = stack.session()
    health = session.get(stack.base_url + "/healthz")
    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }
    login_page = session.get(stack.base_url + "/accounts/login/").text
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page)
    assert css, "the pages link WhiteNoise's hashed names"
    asset = session.get(stack.base_url + css.group(1), headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "X-Upstream" not in asset.headers  # nginx served it, no app server involved
    http_port = int(stack.base_url.rsplit(":", 1)[1]) + 1 + len(stack.app_urls)
    plain = session.get(f"http://127.0.0.1:{http_port}/famille/", allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://127.0.0.1/famille/"  # port 443 in production


def test_login_records_the_client_address_from_nginx(stack, parent, pg):
    (ip,) = pg.execute(
        "SELECT ip_address FROM espace_famille_auditevent WHERE kind = 'login' "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    # The address nginx saw, not the app servers' peer (127.0.0.1), not what the client claimed.
    assert str(ip) == "127.0.0.2"


def test_one_session_is_served_by_both_app_servers(stack, parent):
    served_by = set()
    for _ in range(6):
        response = parent.get(stack.base_url + "/", allow_redirects=False)
        assert response.status_code == 200
        assert "/accounts/logout/" in response.text
        served_by.add(response.headers["X-Upstream"])
    assert served_by == {url.removeprefix("http://") for url in stack.app_urls}


def test_a_booking_through_the_proxy(stack, parent, pg):
    index = parent.get(stack.base_url + "/reservations/").text
    members = sorted(set(re.findall(r'href="(/reservations/membre/\d+/)"', index)))
    assert members
    first = datetime.datetime.now(tz=PARIS).date().replace(day=1)
    for path in members:
        for month in range(3):
            start = (first + datetime.timedelta(days=32 * month)).replace(day=1)
            url = f"{stack.base_url}{path}?vue=mois&date={start.isoformat()}"
            page = parent.get(url).text
            boxes = re.findall(r'name="book" value="(\d+)"', page)
            if boxes:
                break
        if boxes:
            break
    assert boxes, "no bookable day in the demo data"
    opening = int(boxes[0])
    response = parent.post(
        url,
        data={"book": opening, "csrfmiddlewaretoken": _csrf(page)},
        headers={"Referer": url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    status = pg.execute(
        "SELECT status FROM reservations_booking WHERE opening_id = %s ORDER BY id DESC LIMIT 1",
        [opening],
    ).fetchone()
    assert status is not None
    kinds = [
        row[0]
        for row in pg.execute(
            "SELECT kind FROM espace_famille_auditevent ORDER BY id DESC LIMIT 5"
        ).fetchall()
    ]
    assert "booking_created" in kinds


def _sandbox_signature(stack, body: bytes) -> str:
    key = hashlib.sha256(stack.env["SANDBOX_PAYMENT_SECRET"].encode()).digest()
    timestamp = int(time.time())
    mac = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def test_a_sandbox_payment_confirmed_by_the_providers_notification(stack, parent, pg):
    page = parent.get(stack.base_url + "/factures/").text
    invoices = re.findall(r'name="factures" value="(\d+)"', page)
    assert invoices, "the demo family has an invoice to pay"
    started = parent.post(
        stack.base_url + "/factures/paiement/",
        data={"factures": invoices[0], "csrfmiddlewaretoken": _csrf(page)},
        headers={"Referer": stack.base_url + "/factures/"},
        allow_redirects=False,
    )
    assert started.status_code == 302
    reference = re.fullmatch(r"/factures/paiement/([^/]+)/sandbox/", started.headers["Location"])
    assert reference
    reference = reference.group(1)
    amount, currency = pg.execute(
        "SELECT amount, currency FROM factures_payment WHERE reference = %s", [reference]
    ).fetchone()

    # The "bank" calls the notification endpoint, server to server, without the parent's session.
    body = json.dumps(
        {
            "id": f"evt_sbx_deploy_{reference}",
            "type": "payment.succeeded",
            "reference": reference,
            "amount": int(amount * 100),
            "currency": currency,
        }
    ).encode()
    bank = stack.session(source_address="127.0.0.9")
    forged = bank.post(
        stack.base_url + "/factures/notifications/sandbox/",
        data=body,
        headers={"Content-Type": "application/json", "X-Sandbox-Signature": "t=1,v1=00"},
    )
    assert forged.status_code == 400
    notified = bank.post(
        stack.base_url + "/factures/notifications/sandbox/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Sandbox-Signature": _sandbox_signature(stack, body),
        },
    )
    assert notified.status_code == 200, notified.text
    assert notified.json() == {"status": "processed"}
    (status,) = pg.execute(
        "SELECT status FROM factures_payment WHERE reference = %s", [reference]
    ).fetchone()
    assert status == "succeeded"
    result = parent.get(f"{stack.base_url}/factures/paiement/{reference}/retour/")
    assert result.status_code == 200
    # The receipt is queued by the app server and sent by the worker.
    (number,) = pg.execute(
        "SELECT number FROM factures_invoice WHERE id = %s", [int(invoices[0])]
    ).fetchone()
    receipt = _wait_for_mail(stack, number)
    assert f"To: {PARENT}" in receipt


def _photo(size_bytes: int) -> bytes:
    """A real JPEG of about `size_bytes` (noise does not compress)."""
    from PIL import Image

    side = int((size_bytes / 0.93) ** 0.5)  # about 0.93 byte per pixel at this quality
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _upload_url(stack, parent) -> str:
    index = parent.get(stack.base_url + "/documents/").text
    links = re.findall(r'href="(/documents/\d+/envoyer/(?:\?member=\d+)?)"', index)
    assert links, "the demo family has a document to send"
    return stack.base_url + links[0].replace("&amp;", "&")


def test_an_8_mb_photo_passes_the_proxy(stack, parent, pg):
    photo = _photo(8 * 1024 * 1024)
    assert 7 * 1024 * 1024 < len(photo) < 10 * 1024 * 1024
    url = _upload_url(stack, parent)
    token = _csrf(parent.get(url).text)
    (before,) = pg.execute("SELECT count(*) FROM documents_submission").fetchone()
    response = parent.post(
        url,
        data={"csrfmiddlewaretoken": token},
        files={"files": ("carte.jpg", photo, "image/jpeg")},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 302, response.text[:1000]
    (after,) = pg.execute("SELECT count(*) FROM documents_submission").fetchone()
    assert after == before + 1


def test_a_50_mb_upload_gets_the_french_page_of_the_proxy(stack, parent):
    url = _upload_url(stack, parent)
    token = _csrf(parent.get(url).text)
    response = parent.post(
        url,
        data={"csrfmiddlewaretoken": token},
        files={"files": ("film.jpg", b"\xff" * (50 * 1024 * 1024), "image/jpeg")},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Envoi trop volumineux" in response.text
    assert '<html lang="fr">' in response.text
    assert "nginx" not in response.text.lower()


def test_failed_logins_are_counted_across_both_app_servers(stack):
    session = stack.session(source_address="127.0.0.3")
    token = _csrf(session.get(stack.base_url + "/accounts/login/").text)
    served_by = set()
    for _ in range(5):  # allauth: 5 failed attempts per login in 5 minutes
        response = _login(stack, session, OTHER_PARENT, "not-the-password", token)
        assert response.status_code == 200
        served_by.add(response.headers["X-Upstream"])
    assert len(served_by) == 2  # both app servers saw some of the attempts
    # Each app server saw fewer than 5: only a shared counter refuses the right password now.
    refused = _login(stack, session, OTHER_PARENT, PASSWORD, token)
    assert refused.status_code == 200
    dashboard = session.get(stack.base_url + "/", allow_redirects=False)
    assert dashboard.status_code == 302
    assert dashboard.headers["Location"].startswith("/accounts/login/")
    # Another parent from the same address is not affected.
    kiosk = stack.session(source_address="127.0.0.3")
    assert _login(stack, kiosk, PARENT, PASSWORD).status_code == 302


def test_the_worker_sends_the_queued_emails(stack):
    session = stack.session(source_address="127.0.0.4")
    url = stack.base_url + "/accounts/password/reset/"
    token = _csrf(session.get(url).text)
    response = session.post(
        url,
        data={"email": OTHER_PARENT, "csrfmiddlewaretoken": token},
        headers={"Referer": url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    mail = _wait_for_mail(stack, f"To: {OTHER_PARENT}")
    assert stack.base_url + "/accounts/password/reset/key/" in mail.replace("=\n", "")


def test_backup_then_restore_gives_the_same_data(stack, pg, tmp_path):
    backups = tmp_path / "backups"
    env = {**stack.env, "BACKUP_DIR": str(backups)}
    written = subprocess.run(
        [str(ROOT / "deploy" / "backup.sh")], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    dump, media = written
    assert dump.endswith(".dump") and media.endswith(".tar.gz")

    restored_url = stack.database_url.rsplit("/", 1)[0] + "/deploy_stack_restored"
    with psycopg.connect(
        stack.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as admin:
        admin.execute("DROP DATABASE IF EXISTS deploy_stack_restored")
        admin.execute("CREATE DATABASE deploy_stack_restored")
        try:
            restored_media = tmp_path / "media"
            subprocess.run(
                [str(ROOT / "deploy" / "restore.sh"), dump, media],
                env={**env, "DATABASE_URL": restored_url, "MEDIA_ROOT": str(restored_media)},
                capture_output=True,
                text=True,
                check=True,
            )
            tables = [
                "espace_famille_user",
                "espace_famille_auditevent",
                "reservations_booking",
                "factures_payment",
                "documents_submission",
            ]
            with psycopg.connect(restored_url) as restored:
                for table in tables:
                    rows = "md5(string_agg(t::text, ',' ORDER BY t.id))"
                    query = f"SELECT count(*), {rows} FROM {table} t"  # noqa: S608
                    assert restored.execute(query).fetchone() == pg.execute(query).fetchone()
            files = sorted(p.relative_to(stack.media_root) for p in stack.media_root.rglob("*"))
            assert files
            assert files == sorted(p.relative_to(restored_media) for p in restored_media.rglob("*"))
        finally:
            admin.execute("DROP DATABASE IF EXISTS deploy_stack_restored WITH (FORCE)")
