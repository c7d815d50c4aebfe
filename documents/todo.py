"""What the household has to do about its documents: the dashboard's "À faire" lines (per
person) and the reminder emails (a document expiring within 30 days, a document expired).
Reads only."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from documents.models import Submission
from documents.selectors import (
    RENEW_SOON_DAYS,
    PersonDocuments,
    documents_by_person,
    expiring_documents,
)
from espace_famille.formatting import long_date
from espace_famille.queries import once_per_instance
from espace_famille.registry import Reminder, TodoLine
from famille.selectors import households_of

if TYPE_CHECKING:
    from famille.models import Family, Member

# Documents expired longer ago than this are not reminded by email (the first run after an
# upgrade does not dig out years of history); the documents page still asks for them.
EXPIRED_REMINDER_DAYS = 30


def _owner(member: Member | None) -> str:
    return member.first_name if member is not None else _("Le foyer")


def _people(family: Family, today: datetime.date) -> list[PersonDocuments]:
    return once_per_instance(
        family, f"documents:{today}", lambda: documents_by_person(family, today=today)
    )


def badge(family: Family) -> int:
    """The tile's badge: the documents to provide (the same queries as the lines)."""
    return sum(person.to_provide for person in _people(family, timezone.localdate()))


def todo_lines(family: Family, today: datetime.date) -> list[TodoLine]:
    """Per person: the documents to provide, then those expiring within 30 days (one query,
    plus the activity requirements' when an app registered them)."""
    url = reverse("documents:index")
    lines = []
    for person in _people(family, today):
        if person.to_provide:
            lines.append(
                TodoLine(
                    text=ngettext(
                        "%(name)s : %(n)s document à fournir",
                        "%(name)s : %(n)s documents à fournir",
                        person.to_provide,
                    )
                    % {"name": _owner(person.member), "n": person.to_provide},
                    url=url,
                )
            )
        if person.expiring:
            lines.append(
                TodoLine(
                    text=ngettext(
                        "%(name)s : %(n)s document expire dans les 30 jours",
                        "%(name)s : %(n)s documents expirent dans les 30 jours",
                        person.expiring,
                    )
                    % {"name": _owner(person.member), "n": person.expiring},
                    url=url,
                )
            )
    return lines


def _text(submission: Submission, sentence: str) -> str:
    return sentence % {
        "document": submission.document_type.name,
        "name": _owner(submission.member),
        "date": long_date(submission.valid_until),
    }


def _reminded(*, start: datetime.date, end: datetime.date) -> Iterator[tuple[int, Submission]]:
    """(household, document) for the documents expiring between `start` and `end` (one query).

    A household's own document is reminded to that household. A person's document of a child
    in shared custody is the child's, whichever household sent it (both see it on their
    documents page, `documents_by_person`): it is reminded to both households."""
    for submission in expiring_documents(start=start, end=end).select_related(
        "member__shared_custody"
    ):
        households = {submission.family_id}
        if submission.member is not None:
            households.update(households_of(submission.member))
        for family_id in sorted(households):
            yield family_id, submission


def documents_expiring(today: datetime.date) -> Iterator[Reminder]:
    """Reminder: an accepted document whose validity ends within 30 days (one query)."""
    url = reverse("documents:index")
    for family_id, submission in _reminded(
        start=today, end=today + datetime.timedelta(days=RENEW_SOON_DAYS)
    ):
        yield Reminder(
            family_id=family_id,
            key=f"document-expire-bientot:{submission.pk}",
            text=_text(submission, _("%(name)s : %(document)s expire le %(date)s.")),
            url=url,
        )


def documents_expired(today: datetime.date) -> Iterator[Reminder]:
    """Reminder: an accepted document expired (in the last 30 days) and not renewed."""
    url = reverse("documents:index")
    for family_id, submission in _reminded(
        start=today - datetime.timedelta(days=EXPIRED_REMINDER_DAYS),
        end=today - datetime.timedelta(days=1),
    ):
        yield Reminder(
            family_id=family_id,
            key=f"document-expire:{submission.pk}",
            text=_text(
                submission, _("%(name)s : %(document)s a expiré le %(date)s, à renouveler.")
            ),
            url=url,
        )
