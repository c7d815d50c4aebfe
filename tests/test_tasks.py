"""Emails go through Django's tasks API: at once by default, queued with the database backend."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from espace_famille.emails import send_templated

pytestmark = pytest.mark.django_db


def _send(user):
    send_templated(
        "invitation",
        to=[user.email],
        context={"user": user, "link": "http://testserver/lien", "expires": user.date_joined},
    )


def test_the_default_backend_sends_at_once(parent):
    _send(parent)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "http://testserver/lien" in message.body
    assert "http://testserver/lien" in message.alternatives[0][0]


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_the_database_backend_queues_for_the_worker(parent, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _send(parent)
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", max_tasks=1, no_startup_delay=True, batch=True, verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [parent.email]
