"""The one path of every email: who receives a household's emails, in which language, how.

- `family_recipients(family)`: the household's address (`Family.email`, "e-mail du foyer"), then
  the address of each *active* parent login of the household, in lower case, without duplicates.
  A deactivated login never receives anything, and neither does a staff member who happened to
  write in a conversation: the rule does not depend on who triggered the email.
- `family_language(family)`: the language the household reads; the portal stores no preference
  per family or login (the language switch is a browser cookie), so it is the portal's language,
  `LANGUAGE_CODE` (French by default) — never the language of the staff member's admin.
- `render(name, context, language=…)`: templates `emails/<name>-subject.txt`, `-body.txt`,
  `-body.html`; subject and text are rendered without HTML escaping (they are plain text), the
  HTML body with it; the subject is one line (no CR/LF can reach the header).
- `send_to_family(name, family=…, context=…)` and `send_templated(name, to=…, context=…)`: render
  now, record an `EmailDelivery` and hand the sending to the `send_email` task (retried with
  back-off on the database backend; a failure is logged and shown to staff, never raised).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

from espace_famille.models import EmailDelivery, Structure

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Family


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def family_recipients(family: Family) -> list[str]:
    """Who receives a household's emails: its address, then its active parent logins."""
    emails = [family.email] if family.email else []
    emails += family.logins.filter(is_active=True).values_list("email", flat=True)
    return list(dict.fromkeys(email.strip().lower() for email in emails if email))


def family_language(family: Family | None) -> str:
    """The language of a household's emails: the portal's (no preference is stored)."""
    return settings.LANGUAGE_CODE


def _render_one(path: str, context: dict[str, object], *, autoescape: bool) -> str:
    # The Django engine's own template, so that escaping is decided here and not per template.
    loaded = get_template(path)
    if not isinstance(loaded, DjangoTemplate):
        raise TypeError(f"{path} is not a Django template")
    template = loaded.template
    return template.render(Context(context, autoescape=autoescape))


def render(
    name: str, context: Mapping[str, object], *, language: str | None = None
) -> RenderedEmail:
    """Render `emails/<name>-*` in `language` (the portal's by default)."""
    ctx = {"structure": Structure.current(), "site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _render_one(f"emails/{name}-subject.txt", ctx, autoescape=False)
        text = _render_one(f"emails/{name}-body.txt", ctx, autoescape=False)
        html = _render_one(f"emails/{name}-body.html", ctx, autoescape=True)
    # One line whatever the template or the data hold: a CR or LF would break the header.
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def send_templated(
    name: str,
    *,
    to: list[str],
    context: dict[str, object],
    reply_to: list[str] | None = None,
    language: str | None = None,
) -> EmailDelivery | None:
    """Render `emails/<name>-*` now and hand the sending to a background task.

    Call it from `transaction.on_commit`, so that no email leaves for a change that rolled back.
    """
    from espace_famille.tasks import send_email

    if not to:
        return None
    email = render(name, context, language=language)
    delivery = EmailDelivery.objects.create(
        template=name,
        to=list(to),
        reply_to=list(reply_to or []),
        subject=email.subject,
        text=email.text,
        html=email.html,
    )
    send_email.enqueue(delivery_id=delivery.pk)
    return delivery


def send_rendered(message: EmailMessage, *, template: str) -> EmailDelivery:
    """Queue an email rendered elsewhere (allauth's) through the same recorded, retried path."""
    from espace_famille.tasks import send_email

    html = ""
    if message.content_subtype == "html":
        html = str(message.body)
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = str(content)
    text = "" if message.content_subtype == "html" else str(message.body)
    delivery = EmailDelivery.objects.create(
        template=template[:100],
        to=list(message.to),
        reply_to=list(message.reply_to),
        subject=" ".join(str(message.subject).split()),
        text=text,
        html=html,
    )
    send_email.enqueue(delivery_id=delivery.pk)
    return delivery


def send_to_family(
    name: str, *, family: Family, context: Mapping[str, object]
) -> EmailDelivery | None:
    """Email a household (see `family_recipients`) in its language; nothing if it has no address."""
    return send_templated(
        name,
        to=family_recipients(family),
        context={"family": family, **context},
        language=family_language(family),
    )


def email_resend(*, delivery: EmailDelivery, by: User | None) -> None:
    """Staff send again an email that failed: a new round of attempts, audited."""
    from espace_famille import audit
    from espace_famille.tasks import send_email

    with transaction.atomic():
        delivery.status = EmailDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit.record(
            None,
            by,
            audit.Kind.OTHER,
            _("E-mail renvoyé : %(subject)s") % {"subject": delivery.subject[:200]},
            obj=delivery,
        )
        pk = delivery.pk
        transaction.on_commit(lambda: send_email.enqueue(delivery_id=pk))
