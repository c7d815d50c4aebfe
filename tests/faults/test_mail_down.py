"""The mail server is down: the parent's action succeeds, nothing is lost, staff see it.

The mail server is a real SMTP client talking to a local port where nothing listens
(connection refused), as when the structure's relay is down.
"""

import logging
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contact.models import Thread
from espace_famille import tasks
from espace_famille.models import EmailDelivery

SUBJECT = "Question sur la cantine"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free again once closed: nothing listens there


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    return settings


def _write_to_the_structure(client):
    return client.post("/contact/", {"subject": SUBJECT, "body": "Mon enfant mange sans porc."})


@pytest.mark.django_db
def test_immediate_backend_the_action_succeeds_and_staff_see_the_failure(
    parent_client, staff, mail_server_down, caplog, django_capture_on_commit_callbacks, client
):
    with (
        caplog.at_level(logging.ERROR, logger="espace_famille.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _write_to_the_structure(parent_client)

    assert response.status_code == 302
    assert Thread.objects.filter(subject=SUBJECT).count() == 1  # not rolled back
    (delivery,) = EmailDelivery.objects.all()
    assert delivery.status == EmailDelivery.Status.FAILED
    assert delivery.attempts == 1
    assert "Connection refused" in delivery.last_error
    assert delivery.to == ["contact@example.org"]
    assert any("not sent" in record.getMessage() for record in caplog.records)

    # Staff see it in the admin, in French, filtered on failures…
    client.force_login(staff)
    page = client.get("/admin/espace_famille/emaildelivery/?status__exact=failed")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Envois d&#x27;e-mails" in content
    assert SUBJECT in content and "Échec" in content

    # …and send it again once the server is back.
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/espace_famille/emaildelivery/",
            {"action": "action_resend", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
    assert [m.subject for m in mail.outbox] == [delivery.subject]


def _run_worker():
    call_command("db_worker", max_tasks=10, no_startup_delay=True, batch=True, verbosity=0)


def _due_now():
    # Time passes: the deferred attempt becomes due.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_database_backend_retries_with_back_off_until_the_server_is_back(
    parent_client, mail_server_down
):
    mail_server_down.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = _write_to_the_structure(parent_client)
    assert response.status_code == 302
    (delivery,) = EmailDelivery.objects.all()
    assert delivery.status == EmailDelivery.Status.PENDING

    before = timezone.now()
    _run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (EmailDelivery.Status.RETRYING, 1)
    (queued,) = DBTaskResult.objects.filter(status="READY")
    assert queued.run_after >= before + tasks.retry_delay(1) - timezone.timedelta(seconds=1)
    _run_worker()  # not due yet: nothing happens
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    _due_now()
    _run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (EmailDelivery.Status.RETRYING, 2)
    (queued,) = DBTaskResult.objects.filter(status="READY")
    assert queued.run_after >= timezone.now() + tasks.retry_delay(2) - tasks.retry_delay(1)

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _due_now()
    _run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (EmailDelivery.Status.SENT, 3)
    assert [m.subject for m in mail.outbox] == [delivery.subject]
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_database_backend_gives_up_after_the_last_attempt(parent_client, mail_server_down):
    mail_server_down.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _write_to_the_structure(parent_client)
    for _attempt in range(tasks.EMAIL_MAX_ATTEMPTS):
        _due_now()
        _run_worker()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (
        EmailDelivery.Status.FAILED,
        tasks.EMAIL_MAX_ATTEMPTS,
    )
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_email_queued_by_the_previous_version_is_still_sent():
    tasks.send_email.call(
        subject="Ancien format", text="texte", html="<p>html</p>", to=["a@example.org"]
    )
    (delivery,) = EmailDelivery.objects.all()
    assert delivery.status == EmailDelivery.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Ancien format"]


@pytest.mark.django_db
def test_password_reset_while_the_mail_server_is_down(client, parent, mail_server_down):
    response = client.post("/accounts/password/reset/", {"email": parent.email})
    assert response.status_code == 302
    (delivery,) = EmailDelivery.objects.all()
    assert delivery.to == [parent.email]
    assert delivery.status == EmailDelivery.Status.FAILED  # shown to staff, sent again by them
