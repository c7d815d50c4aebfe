"""Anonymising a departed household: each app erases or replaces its own data, accounting stays.

Each app registers one step (`anonymisation_steps`, a `Registry`) whose function runs in two modes
with the same code: `apply=False` lists what would go (the confirmation page staff read before
they decide), `apply=True` does it and returns the same list. The core never imports an app; its
own steps (emails sent to the household, its logins, the journal and the admin's history) run
around the apps'.

What the law keeps (invoices with their numbers, amounts and stored PDFs, payments, and the audit
rows of both) is declared by the app that owns it (`kept_audit_kinds`) and left as it is.
Files are deleted once the transaction has committed (`delete_files_on_commit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille.audit_kinds import kind_choices
from espace_famille.models import AuditEvent, DataExport, EmailDelivery, SentReminder, User
from espace_famille.registry import Registry


@dataclass
class Item:
    """One kind of thing a step erases, replaces or keeps, with what staff need to see."""

    label: str
    count: int
    details: list[str] = field(default_factory=list)
    kept: bool = False  # shown as kept (accounting), not as erased


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[..., list[Item]]  # run(family, apply=bool) -> items


# One step per app: `run(family, *, apply)` lists (apply=False) or erases (apply=True) its data.
anonymisation_steps: Registry[Step] = Registry(
    "anonymisation steps", key=lambda step: step.name, order=lambda step: step.order
)
# Audit kinds kept as written (accounting): anonymisation leaves those rows untouched.
kept_audit_kinds: Registry[str] = Registry(
    "audit kinds kept by anonymisation", key=lambda kind: kind
)


def delete_files_on_commit(names: Iterable[str]) -> None:
    files = [name for name in names if name]

    def delete_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


def scrub_admin_history(model: type[models.Model], pks: Iterable[Any]) -> int:
    """The admin's own history of these objects (names in `object_repr`, values in the
    change message): replaced by the object's number."""
    ids = [str(pk) for pk in pks]
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    rows = LogEntry.objects.filter(content_type=content_type, object_id__in=ids)
    count = 0
    for entry in rows.only("pk", "object_id"):
        count += LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=f"#{entry.object_id}", change_message=""
        )
    return count


def household_plan(family: Any) -> list[tuple[Step, list[Item]]]:
    """What anonymising this household would erase, replace and keep; changes nothing."""
    return [(step, step.run(family, apply=False)) for step in anonymisation_steps]


@transaction.atomic
def household_anonymise(family: Any) -> list[tuple[Step, list[Item]]]:
    """Run every step on this household; the caller records the audit row."""
    return [(step, step.run(family, apply=True)) for step in anonymisation_steps]


# The core's own steps ---------------------------------------------------------------------------


def _logins(family: Any) -> models.QuerySet[User]:
    return User.objects.filter(family=family).order_by("pk")


def _addresses(family: Any) -> set[str]:
    found = {e.lower() for e in _logins(family).values_list("email", flat=True) if e}
    if getattr(family, "email", ""):
        found.add(family.email.lower())
    return found


def _emails_step(family: Any, *, apply: bool) -> list[Item]:
    """Copies of the emails sent to the household (their text holds names and links)."""
    addresses = _addresses(family)
    if not addresses:
        return []
    query = Q()
    for address in addresses:
        query |= Q(to__icontains=address) | Q(reply_to__icontains=address)
    sent = EmailDelivery.objects.filter(query)
    count = sent.count()
    if apply and count:
        sent.delete()
    if not count:
        return []
    return [
        Item(ngettext("%(n)d e-mail envoyé", "%(n)d e-mails envoyés", count) % {"n": count}, count)
    ]


def _exports_step(family: Any, *, apply: bool) -> list[Item]:
    """Mes données ZIPs prepared for the household (they hold everything): erased."""
    exports = DataExport.objects.filter(family=family)
    count = exports.count()
    if apply and count:
        delete_files_on_commit([name for name in exports.values_list("file", flat=True)])
        exports.delete()
    if not count:
        return []
    label = ngettext(
        "%(n)d export « Mes données » effacé", "%(n)d exports « Mes données » effacés", count
    ) % {"n": count}
    return [Item(label, count)]


def _reminders_step(family: Any, *, apply: bool) -> list[Item]:
    """The reminders sent to the household (which events, which day): erased."""
    sent = SentReminder.objects.filter(family=family)
    count = sent.count()
    if apply and count:
        sent.delete()
    if not count:
        return []
    label = ngettext("%(n)d rappel envoyé effacé", "%(n)d rappels envoyés effacés", count) % {
        "n": count
    }
    return [Item(label, count)]


def _logins_step(family: Any, *, apply: bool) -> list[Item]:
    """Logins: deactivated, the address and names replaced, password and second factor gone."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    logins = list(_logins(family))
    if not logins:
        return []
    details = [login.email for login in logins]
    if apply:
        EmailAddress.objects.filter(user__in=logins).delete()
        Authenticator.objects.filter(user__in=logins).delete()
        for login in logins:
            login.email = f"anonyme-{login.pk}@anonyme.invalid"
            login.first_name = ""
            login.last_name = ""
            login.is_active = False
            login.set_unusable_password()  # also ends every session of the login
            login.save()
        scrub_admin_history(User, [login.pk for login in logins])
    count = len(logins)
    label = ngettext(
        "%(n)d compte de connexion désactivé, adresse et nom effacés",
        "%(n)d comptes de connexion désactivés, adresses et noms effacés",
        count,
    ) % {"n": count}
    return [Item(label, count, details)]


def _journal_step(family: Any, *, apply: bool) -> list[Item]:
    """The journal of the household: logins (with their IP address) and the summaries that
    name people become the bare kind of event; accounting rows are kept as written."""
    logins = list(_logins(family).values_list("pk", flat=True))
    rows = AuditEvent.objects.filter(Q(family=family) | Q(user__in=logins))
    kept = rows.filter(kind__in=list(kept_audit_kinds))
    scrubbed = rows.exclude(kind__in=list(kept_audit_kinds))
    count, kept_count = scrubbed.count(), kept.count()
    if apply:
        labels = {value: str(label) for value, label in kind_choices()}
        for kind in scrubbed.values_list("kind", flat=True).distinct():
            # The audit log is append-only for every change of its content; replacing what
            # erasure requires goes through one bulk UPDATE (the model's save() refuses).
            scrubbed.filter(kind=kind).update(
                summary=_("%(kind)s (anonymisé)") % {"kind": labels.get(kind, kind)},
                object_repr="",
                ip_address=None,
            )
    items = []
    if count:
        label = ngettext(
            "%(n)d ligne du journal (connexions, demandes…) réduite à son type",
            "%(n)d lignes du journal (connexions, demandes…) réduites à leur type",
            count,
        )
        items.append(Item(label % {"n": count}, count))
    if kept_count:
        items.append(
            Item(
                ngettext(
                    "%(n)d ligne du journal comptable conservée",
                    "%(n)d lignes du journal comptable conservées",
                    kept_count,
                )
                % {"n": kept_count},
                kept_count,
                kept=True,
            )
        )
    return items


# Emails first (their addresses are read from the logins), the journal last (after every step
# that writes or reads it).
anonymisation_steps.register(Step("e-mails", 5, _emails_step))
anonymisation_steps.register(Step("exports", 6, _exports_step))
anonymisation_steps.register(Step("rappels", 7, _reminders_step))
anonymisation_steps.register(Step("comptes", 80, _logins_step))
anonymisation_steps.register(Step("journal", 99, _journal_step))
