"""One builder for every email: templates `<name>-subject.txt`, `-body.txt`, `-body.html`."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from espace_famille.models import Structure
from espace_famille.tasks import send_email


def send_templated(
    name: str,
    *,
    to: list[str],
    context: dict[str, object],
    reply_to: list[str] | None = None,
) -> None:
    """Render `emails/<name>-*` now and hand the sending to a background task.

    Call it from `transaction.on_commit`, so that no email leaves for a change that rolled back.
    """
    ctx = {"structure": Structure.current(), "site_url": settings.SITE_URL, **context}
    # One line whatever the template or the data hold: a CR or LF would break the header.
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", ctx).split())
    send_email.enqueue(
        subject=subject,
        text=render_to_string(f"emails/{name}-body.txt", ctx),
        html=render_to_string(f"emails/{name}-body.html", ctx),
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
    )
