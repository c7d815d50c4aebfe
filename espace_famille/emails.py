"""One builder for every email: templates `<name>-subject.txt`, `-body.txt`, `-body.html`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from espace_famille.models import Structure


def send_templated(
    name: str,
    *,
    to: list[str],
    context: dict[str, object],
    reply_to: list[str] | None = None,
) -> None:
    """Render `emails/<name>-*.{txt,html}` and send them as one multipart message."""
    ctx = {"structure": Structure.current(), "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", ctx).strip().replace("\n", " ")
    text = render_to_string(f"emails/{name}-body.txt", ctx)
    html = render_to_string(f"emails/{name}-body.html", ctx)
    message = EmailMultiAlternatives(subject, text, to=to, reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    message.send()
