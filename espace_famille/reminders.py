"""Reminder emails: what each app says is due (`registry.reminder_kinds`), sent once per event,
grouped into one email per household per day, through the one email path (`emails.py`).

- A kind the structure turned off (`Structure.reminders_off`, in the admin) is not even read.
- A household chooses per kind in Ma famille (`Family.reminder_choices`); a kind it never chose
  follows `ReminderKind.default_on` (opt-in kinds are off).
- Once per event: a `SentReminder` row per household and event key, unique; a second run (or
  two runs at once, or a restart) inserts nothing new and sends nothing. The row and the email's
  `EmailDelivery` are written in the same transaction.
- One email per household per day: a household that already received its reminders today
  gets the new ones the next day.

`manage.py send_reminders`, run every morning by `deploy/systemd/espace-famille-reminders.timer`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from espace_famille import audit
from espace_famille.emails import family_language, send_to_family
from espace_famille.models import AuditEvent, SentReminder, Structure
from espace_famille.registry import Reminder, ReminderKind, reminder_kinds

if TYPE_CHECKING:
    from famille.models import Family


def kinds_offered() -> list[ReminderKind]:
    """The kinds the structure sends (those it did not turn off), in order."""
    off = set(Structure.current().reminders_off or [])
    return [kind for kind in reminder_kinds if kind.key not in off]


def wants(choices: dict[str, Any] | None, kind: ReminderKind) -> bool:
    """Whether a household with these choices (`Family.reminder_choices`) receives `kind`."""
    chosen = (choices or {}).get(kind.key)
    return kind.default_on if chosen is None else bool(chosen)


@dataclass
class Run:
    """What one run did: emails sent, reminders they carried, reminders skipped."""

    emails: int = 0
    reminders: int = 0
    already_sent: int = 0
    families: list[int] = field(default_factory=list)


def _due(
    kinds: Iterable[ReminderKind], today: datetime.date
) -> dict[int, list[tuple[str, Reminder]]]:
    due: dict[int, list[tuple[str, Reminder]]] = {}
    for kind in kinds:
        for reminder in kind.due(today):
            due.setdefault(reminder.family_id, []).append((kind.key, reminder))
    return due


def reminders_send(*, today: datetime.date | None = None) -> Run:
    """Send the reminders due `today` (keyword-only, each household in its own transaction)."""
    today = today or timezone.localdate()
    run = Run()
    kinds = {kind.key: kind for kind in kinds_offered()}
    if not kinds:
        return run
    Family = apps.get_model("famille", "Family")
    with translation.override(family_language(None)):
        due = _due(kinds.values(), today)
    if not due:
        return run
    sent = set(SentReminder.objects.filter(family_id__in=list(due)).values_list("family_id", "key"))
    emailed_today = set(
        SentReminder.objects.filter(family_id__in=list(due), sent_on=today).values_list(
            "family_id", flat=True
        )
    )
    families = Family.objects.filter(pk__in=list(due), is_active=True).in_bulk()
    for family_id in sorted(families):
        family = families[family_id]
        fresh = [
            (key, reminder)
            for key, reminder in due[family_id]
            if (family_id, reminder.key) not in sent and wants(family.reminder_choices, kinds[key])
        ]
        run.already_sent += len(due[family_id]) - len(fresh)
        if not fresh or family_id in emailed_today:
            continue
        count = _send_to_household(family=family, reminders=fresh, today=today)
        if count:
            run.emails += 1
            run.reminders += count
            run.families.append(family_id)
    return run


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


@transaction.atomic
def _send_to_household(
    *, family: Family, reminders: list[tuple[str, Reminder]], today: datetime.date
) -> int:
    """Record each reminder once (a reminder another run recorded first is left out), then
    email what is left in one message, after the commit."""
    recorded: list[Reminder] = []
    for kind, reminder in reminders:
        try:
            with transaction.atomic():  # a savepoint: the unique key may refuse this one only
                SentReminder.objects.create(
                    family=family, kind=kind, key=reminder.key, sent_on=today
                )
        except IntegrityError:
            continue  # sent by another run
        recorded.append(reminder)
    if not recorded:
        return 0
    with translation.override(family_language(family)):
        summary = ngettext(
            "%(n)s rappel envoyé par e-mail", "%(n)s rappels envoyés par e-mail", len(recorded)
        ) % {"n": len(recorded)}
    audit.record(family, None, AuditEvent.Kind.REMINDERS_SENT, summary)
    context = {
        "reminders": [
            {
                "text": reminder.text,
                "url": f"{settings.SITE_URL}{reminder.url}" if reminder.url else "",
            }
            for reminder in recorded
        ],
        "preferences_url": _absolute(f"{reverse('famille:index')}#rappels"),
    }
    transaction.on_commit(lambda: send_to_family("reminders", family=family, context=context))
    return len(recorded)
