"""Background tasks of the core (Django's tasks API through django-tasks)."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *, subject: str, text: str, html: str, to: list[str], reply_to: list[str] | None = None
) -> None:
    """Send an email already rendered by the request that asked for it."""
    message = EmailMultiAlternatives(subject, text, to=to, reply_to=reply_to or None)
    message.attach_alternative(html, "text/html")
    message.send()
