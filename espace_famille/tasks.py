"""Background tasks of the core (Django's tasks API through django-tasks).

django-tasks 0.12 and django-tasks-db 0.13 have no retry of their own: `send_email` retries
itself. When the mail server refuses or cannot be reached, the attempt is recorded on the
`EmailDelivery` row; with a backend that can defer (TASKS_BACKEND=database) the task enqueues
itself again after a growing delay, up to `EMAIL_MAX_ATTEMPTS`; after the last attempt, or at once
with the immediate backend, the delivery is marked failed, which staff see in the admin
("Envois d'e-mails") and can send again. The error never reaches the parent's request.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from espace_famille.models import EmailDelivery

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5
# Delay before attempt n+1 after n failures: 1 min, 5 min, 25 min, ~2 h.
EMAIL_RETRY_BASE_SECONDS = 60
EMAIL_RETRY_FACTOR = 5


def retry_delay(failures: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=EMAIL_RETRY_BASE_SECONDS * EMAIL_RETRY_FACTOR ** (failures - 1)
    )


def _can_defer() -> bool:
    return bool(send_email.get_backend().supports_defer)


def _addresses(value: object) -> list[str]:
    return [str(address) for address in value] if isinstance(value, list | tuple) else []


@task()
def send_email(*, delivery_id: int | None = None, **queued_before: object) -> str:
    """Send an email already rendered by the request that asked for it (one attempt).

    `queued_before`: the arguments of tasks queued by the previous version (subject, text, html,
    to, reply_to), still in the queue at an upgrade: they become a delivery instead of failing.
    """
    if delivery_id is None:
        delivery_id = EmailDelivery.objects.create(
            template="",
            to=_addresses(queued_before.get("to")),
            reply_to=_addresses(queued_before.get("reply_to")),
            subject=str(queued_before.get("subject", "")),
            text=str(queued_before.get("text", "")),
            html=str(queued_before.get("html", "")),
        ).pk
    delivery = EmailDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.status == EmailDelivery.Status.SENT:
        return "nothing to do"
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        message = EmailMultiAlternatives(
            delivery.subject, delivery.text, to=delivery.to, reply_to=delivery.reply_to or None
        )
        if delivery.html:
            message.attach_alternative(delivery.html, "text/html")
        message.send()
    except Exception as error:  # SMTP refusal, connection refused, timeout, DNS…
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts < EMAIL_MAX_ATTEMPTS and _can_defer():
            delivery.status = EmailDelivery.Status.RETRYING
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        else:
            delivery.status = EmailDelivery.Status.FAILED
            delivery.next_attempt_at = None
        delivery.save()
        logger.error(
            "Email %s (%s) not sent, attempt %s: %s",
            delivery.pk,
            delivery.template,
            delivery.attempts,
            delivery.last_error,
        )
        if delivery.status == EmailDelivery.Status.RETRYING:
            send_email.using(run_after=delivery.next_attempt_at).enqueue(delivery_id=delivery.pk)
        return delivery.status
    delivery.status = EmailDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save()
    return delivery.status


@task()
def build_household_export(*, export_id: int) -> str:
    """Mes données in the background: build the household's ZIP, store it, email its link."""
    from espace_famille import export

    try:
        return export.export_build(export_id=export_id)
    except Exception:
        logger.exception("Data export %s failed", export_id)
        export.export_failed(export_id=export_id)
        return "failed"


@task()
def run_staff_job(*, job_id: int) -> str:
    """Run a long staff job (billing run, openings of a year…): see espace_famille.jobs."""
    from espace_famille.jobs import job_run

    return job_run(job_id)
