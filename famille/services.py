"""Writes of famille: change requests and staff decisions, audited in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille import audit
from espace_famille.emails import (
    family_language,
    family_recipients,
    send_templated,
    send_to_family,
)
from famille.audit_kinds import FamilyEvent
from famille.models import (
    ChangeRequest,
    ChangeRequestItem,
    Family,
    FieldPolicy,
    Member,
    SharedCustody,
    member_fields_for_role,
)
from famille.selectors import field_policies, households_of, in_household
from famille.values import current_value, deserialize, model_field, review_rows, serialize

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User


class StaleChangeRequest(Exception):
    """The record changed since the request: staff must look again, nothing is applied."""


def _check_editable(target: str, names: Iterable[str]) -> None:
    policies = field_policies(target)
    for name in names:
        policy = policies.get(name)
        if policy is None or not policy.editable:
            # A forged POST on a read-only or hidden field: nothing is recorded.
            raise PermissionDenied(f"Field {name!r} is not editable by parents.")


@transaction.atomic
def change_request_create(
    *,
    family: Family,
    user: User,
    target: Family | Member,
    values: dict[str, object],
    seen: dict[str, str] | None = None,
    request: HttpRequest | None = None,
) -> ChangeRequest | None:
    """Record the fields that differ from the record; the record itself is left as it is.

    `seen` holds the record's values when the parent opened the form: they are the "old"
    values, so a record changed since then makes the request stale, flagged to staff.
    A field already pending in an earlier request is superseded: one value waits per field.
    Returns None when nothing differs from the record or from what is already pending.
    """
    member = None if isinstance(target, Family) else target
    is_family = member is None
    if not (target.pk == family.pk if member is None else in_household(member, family)):
        raise PermissionDenied("Not this family's record.")
    kind = ChangeRequest.Kind.FAMILY if is_family else ChangeRequest.Kind.MEMBER
    allowed = None if member is None else member_fields_for_role(member.role)
    if allowed is not None and set(values) - set(allowed):
        raise PermissionDenied("Field not on this member's record.")
    _check_editable(FieldPolicy.Target.FAMILY if is_family else FieldPolicy.Target.MEMBER, values)
    model = type(target)
    target = model.objects.select_for_update().get(pk=target.pk)
    pending = ChangeRequestItem.objects.filter(
        change_request__family=family,
        change_request__kind=kind,
        change_request__member=member,
        change_request__status=ChangeRequest.Status.PENDING,
    ).select_related("change_request")
    pending_by_field = {item.field_name: item for item in pending}
    changes = []
    superseded = []
    for name, value in values.items():
        new = serialize(value)
        current = current_value(target, name)
        waiting = pending_by_field.get(name)
        if waiting is not None and waiting.new_value != new:
            superseded.append(waiting)
        elif waiting is not None:
            continue  # already asked for
        if new != current:
            old = (seen or {}).get(name, current)
            changes.append(ChangeRequestItem(field_name=name, old_value=old, new_value=new))
    if superseded:
        _supersede(superseded, family=family, target=target, user=user, request=request)
    if not changes:
        return None
    change_request = ChangeRequest(
        family=family,
        member=member,
        kind=kind,
        created_by=user,
    )
    change_request.full_clean()
    change_request.save()
    for item in changes:
        item.change_request = change_request
        item.full_clean(exclude=["change_request"])
    ChangeRequestItem.objects.bulk_create(changes)
    audit.record(
        family,
        user,
        FamilyEvent.CHANGE_REQUESTED,
        _("Demande de modification de %(target)s : %(fields)s")
        % {
            "target": change_request.target_label,
            "fields": ", ".join(i.field_name for i in changes),
        },
        obj=change_request,
        request=request,
    )
    return change_request


def _supersede(
    items: list[ChangeRequestItem],
    *,
    family: Family,
    target: Family | Member,
    user: User,
    request: HttpRequest | None,
) -> None:
    """Drop the superseded fields; a request left without a field is cancelled, audited."""
    ChangeRequestItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    for change_request in {item.change_request for item in items}:
        if change_request.items.exists():
            continue
        change_request.status = ChangeRequest.Status.CANCELLED
        change_request.save(update_fields=["status"])
        # Same family and record as the new request: the label needs no query.
        change_request.family = family
        if isinstance(target, Member):
            change_request.member = target
        audit.record(
            family,
            user,
            FamilyEvent.CHANGE_CANCELLED,
            _("Demande de modification de %(target)s annulée : remplacée par une plus récente")
            % {"target": change_request.target_label},
            obj=change_request,
            request=request,
        )


@transaction.atomic
def member_add_request(
    *,
    family: Family,
    user: User,
    role: str,
    values: dict[str, object],
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """Ask staff to add a member (a newborn, a person allowed to pick the children up…)."""
    if role not in Member.Role.values:
        raise ValidationError(_("Rôle inconnu."))
    if set(values) - set(member_fields_for_role(role)):
        raise PermissionDenied("Field not on this member's record.")
    _check_editable(FieldPolicy.Target.MEMBER, set(values) - {"first_name", "last_name"})
    change_request = ChangeRequest(
        family=family, kind=ChangeRequest.Kind.NEW_MEMBER, new_member_role=role, created_by=user
    )
    change_request.full_clean()
    change_request.save()
    ChangeRequestItem.objects.bulk_create(
        ChangeRequestItem(change_request=change_request, field_name=name, new_value=serialize(v))
        for name, v in values.items()
        if serialize(v) not in ("", "0")
    )
    audit.record(
        family,
        user,
        FamilyEvent.CHANGE_REQUESTED,
        _("Demande d'ajout d'un membre : %(name)s")
        % {"name": f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()},
        obj=change_request,
        request=request,
    )
    return change_request


@transaction.atomic
def change_request_cancel(
    *, change_request: ChangeRequest, user: User, request: HttpRequest | None = None
) -> None:
    """The family withdraws a request that staff have not decided yet."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if change_request.status != ChangeRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    change_request.status = ChangeRequest.Status.CANCELLED
    change_request.save(update_fields=["status"])
    audit.record(
        change_request.family,
        user,
        FamilyEvent.CHANGE_CANCELLED,
        _("Demande de modification annulée par la famille"),
        obj=change_request,
        request=request,
    )


def _locked_pending(change_request: ChangeRequest) -> ChangeRequest:
    locked = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("family", "member")
        .get(pk=change_request.pk)
    )
    if locked.status != ChangeRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    return locked


@transaction.atomic
def change_request_accept(
    *,
    change_request: ChangeRequest,
    user: User,
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """Apply the new values; a request whose record changed meanwhile is refused to apply."""
    change_request = _locked_pending(change_request)
    if change_request.kind == ChangeRequest.Kind.DELETION:
        return _deletion_accept(change_request, user=user, request=request)
    items = list(change_request.items.all())
    if change_request.kind == ChangeRequest.Kind.NEW_MEMBER:
        target: Family | Member = Member(
            family=change_request.family, role=change_request.new_member_role
        )
    else:
        model = Family if change_request.kind == ChangeRequest.Kind.FAMILY else Member
        current = change_request.target()
        if current is None:
            raise StaleChangeRequest("The record no longer exists.")
        target = model.objects.select_for_update().get(pk=current.pk)
        stale = [i.field_name for i in items if current_value(target, i.field_name) != i.old_value]
        if stale:
            raise StaleChangeRequest(", ".join(stale))
    for item in items:
        setattr(
            target,
            item.field_name,
            deserialize(model_field(type(target), item.field_name), item.new_value),
        )
    target.full_clean()
    if target.pk is None:
        target.save()
        change_request.member = target
    else:
        target.save(update_fields=[item.field_name for item in items])
    _decided(
        change_request, ChangeRequest.Status.ACCEPTED, user=user, request=request, also=["member"]
    )
    _notify_decision(change_request)
    if change_request.kind == ChangeRequest.Kind.MEMBER and change_request.member is not None:
        _notify_other_households(change_request)
    return change_request


def _notify_other_households(change_request: ChangeRequest) -> None:
    """A shared child's record changed: the other household is told too (what changed only).

    The email names the child and the fields, never the household that asked.
    """
    member = change_request.member
    if member is None:
        return
    others = [pk for pk in households_of(member) if pk != change_request.family_id]
    if not others:
        return
    context = {"member": member, "rows": review_rows(change_request)}
    for family in Family.objects.filter(pk__in=others, is_active=True):
        audit.record(
            family,
            None,
            FamilyEvent.SHARED_CHILD_CHANGED,
            _("Fiche de %(member)s modifiée (garde alternée)") % {"member": member},
            obj=member,
        )
        transaction.on_commit(
            lambda family=family: send_to_family(  # type: ignore[misc]
                "famille_shared_change", family=family, context=context
            )
        )


@transaction.atomic
def shared_custody_link(
    *, member: Member, family: Family, user: User, request: HttpRequest | None = None
) -> SharedCustody:
    """Staff declare the child's second household (garde alternée); audited in both."""
    member = Member.objects.select_for_update().select_related("family").get(pk=member.pk)
    link = SharedCustody.objects.filter(member=member).first() or SharedCustody(member=member)
    previous = link.family if link.pk else None
    link.family = family
    link.full_clean()
    link.save()
    # Each household's journal may be shown to it: the summary names the child only.
    summary = _("Garde alternée déclarée : %(member)s") % {"member": member}
    for household in {member.family, family, *([previous] if previous else [])}:
        audit.record(
            household, user, FamilyEvent.SHARED_CUSTODY_LINKED, summary, obj=link, request=request
        )
    return link


@transaction.atomic
def shared_custody_unlink(
    *, link: SharedCustody, user: User, request: HttpRequest | None = None
) -> None:
    """Staff end the shared custody: the child stays in its main household only."""
    link = SharedCustody.objects.select_related("member__family", "family").get(pk=link.pk)
    summary = _("Fin de la garde alternée : %(member)s") % {"member": link.member}
    for household in (link.member.family, link.family):
        audit.record(household, user, FamilyEvent.SHARED_CUSTODY_UNLINKED, summary, request=request)
    link.delete()


@transaction.atomic
def change_request_refuse(
    *,
    change_request: ChangeRequest,
    user: User,
    reason: str,
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """Leave the record as it is and tell the family why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    change_request = _locked_pending(change_request)
    change_request.reason = reason.strip()
    _decided(
        change_request,
        ChangeRequest.Status.REFUSED,
        user=user,
        request=request,
        also=["reason"],
        clean=True,
    )
    _notify_decision(change_request)
    return change_request


def _decided(
    change_request: ChangeRequest,
    status: ChangeRequest.Status,
    *,
    user: User,
    request: HttpRequest | None,
    also: list[str] | None = None,
    clean: bool = False,
) -> None:
    """Save the decision on a locked pending request (`also`: fields the caller changed too;
    `clean`: check them first) and audit it; the caller tells the household."""
    change_request.status = status
    change_request.decided_by = user
    change_request.decided_at = timezone.now()
    if clean:
        change_request.full_clean()
    change_request.save(update_fields=["status", "decided_by", "decided_at", *(also or [])])
    if status == ChangeRequest.Status.ACCEPTED:
        kind, summary = FamilyEvent.CHANGE_ACCEPTED, _("Demande acceptée : %(target)s")
    else:
        kind, summary = FamilyEvent.CHANGE_REFUSED, _("Demande refusée : %(target)s")
    audit.record(
        change_request.family,
        user,
        kind,
        summary % {"target": change_request.target_label},
        obj=change_request,
        request=request,
    )


def _notify_decision(change_request: ChangeRequest, *, to: list[str] | None = None) -> None:
    """Email the household its decision (`to`: recipients read now rather than at commit)."""
    context = {
        "change_request": change_request,
        "accepted": change_request.status == ChangeRequest.Status.ACCEPTED,
        "deletion": change_request.kind == ChangeRequest.Kind.DELETION,
        "rows": review_rows(change_request),
        "path": reverse("famille:request", args=[change_request.pk]),
    }
    family = change_request.family
    if to is not None:
        transaction.on_commit(
            lambda: send_templated(
                "famille_decision",
                to=to,
                context={"family": family, **context},
                language=family_language(family),
            )
        )
        return
    transaction.on_commit(
        lambda: send_to_family("famille_decision", family=family, context=context)
    )


@transaction.atomic(savepoint=False)  # one UPDATE: no savepoint needed around it
def decisions_mark_seen(*, family: Family) -> int:
    """The family opened its page, which lists its decisions: they are seen (clears the badge)."""
    return ChangeRequest.objects.filter(
        family=family,
        status__in=[ChangeRequest.Status.ACCEPTED, ChangeRequest.Status.REFUSED],
        family_seen_at__isnull=True,
    ).update(family_seen_at=timezone.now())


def health_record_viewed(*, member: Member, user: User, request: HttpRequest | None = None) -> None:
    """A staff member opened a child's health record: one audit row each time."""
    audit.record(
        member.family,
        user,
        FamilyEvent.HEALTH_RECORD_VIEWED,
        _("Fiche santé de %(member)s consultée") % {"member": member},
        obj=member,
        request=request,
    )


# Erasure (RGPD): a parent's deletion request, households that leave, anonymisation -----------


@transaction.atomic
def deletion_request_create(
    *, family: Family, user: User, request: HttpRequest | None = None
) -> ChangeRequest:
    """A parent asks for the household's account to be deleted; staff decide in the admin."""
    Family.objects.select_for_update().filter(pk=family.pk).first()  # one request at a time
    pending = ChangeRequest.objects.filter(
        family=family, kind=ChangeRequest.Kind.DELETION, status=ChangeRequest.Status.PENDING
    ).first()
    if pending is not None:
        return pending
    change_request = ChangeRequest.objects.create(
        family=family, kind=ChangeRequest.Kind.DELETION, created_by=user
    )
    audit.record(
        family,
        user,
        FamilyEvent.DELETION_REQUESTED,
        _("Suppression du compte demandée par la famille"),
        obj=change_request,
        request=request,
    )
    return change_request


def _deletion_accept(
    change_request: ChangeRequest, *, user: User, request: HttpRequest | None
) -> ChangeRequest:
    """Accepting a deletion request closes the household (logins off, marked as left); its
    data is then erased by the anonymisation (admin action, or the retention period)."""
    _decided(change_request, ChangeRequest.Status.ACCEPTED, user=user, request=request)
    # Its logins close below: the decision goes to the addresses the household has now.
    _notify_decision(change_request, to=family_recipients(change_request.family))
    household_close(family=change_request.family, user=user, request=request)
    return change_request


@transaction.atomic
def household_close(
    *, family: Family, user: User | None, request: HttpRequest | None = None
) -> int:
    """The household leaves: its logins are deactivated and it is marked as left (`left_on`,
    the start of its retention period). Returns how many logins were closed."""
    from espace_famille.accounts import account_deactivate

    family = Family.objects.select_for_update().get(pk=family.pk)
    closed = 0
    for login in family.logins.filter(is_active=True).order_by("pk"):
        account_deactivate(request=request, user=login, by=user)
        closed += 1
    if family.is_active:
        family.is_active = False
        family.save(update_fields=["is_active"])
    audit.record(
        family,
        user,
        FamilyEvent.HOUSEHOLD_LEFT,
        ngettext(
            "Famille partie : %(n)d compte de connexion fermé",
            "Famille partie : %(n)d comptes de connexion fermés",
            closed,
        )
        % {"n": closed},
        obj=family,
        request=request,
    )
    return closed


class AnonymisationRefused(Exception):
    """The household cannot be anonymised (still active, or already done): nothing changed."""


def anonymisation_refusal(family: Family) -> str:
    """Why this household cannot be anonymised now, or "" when it can."""
    if family.anonymised_at is not None:
        return str(_("Cette famille est déjà anonymisée."))
    if family.is_active:
        return str(
            _(
                "Cette famille est encore active : décochez « active » (famille partie) "
                "avant de l'anonymiser."
            )
        )
    return ""


@transaction.atomic
def family_anonymise(
    *, family: Family, user: User | None, request: HttpRequest | None = None
) -> list:
    """Erase or replace every personal datum of a departed household, accounting intact.

    Irreversible. Each app erases its own part (`espace_famille.anonymisation` steps); one
    audit row, naming nobody, says what went."""
    from espace_famille.anonymisation import household_anonymise

    family = Family.objects.select_for_update().get(pk=family.pk)
    refusal = anonymisation_refusal(family)
    if refusal:
        raise AnonymisationRefused(refusal)
    done = household_anonymise(family)
    counts = ", ".join(
        f"{step.name} {sum(item.count for item in items if not item.kept)}" for step, items in done
    )
    audit.record(
        family,
        user,
        FamilyEvent.HOUSEHOLD_ANONYMISED,
        _("Foyer n° %(pk)s anonymisé (%(counts)s)") % {"pk": family.pk, "counts": counts},
        request=request,
    )
    return done


def departed_households_anonymise(*, now: datetime.datetime, apply: bool) -> int:
    """Retention step: households that left more than RETENTION_DEPARTED_FAMILY_YEARS ago."""
    limit = timezone.localdate(now) - datetime.timedelta(
        days=365 * settings.RETENTION_DEPARTED_FAMILY_YEARS
    )
    due = Family.objects.filter(is_active=False, anonymised_at__isnull=True, left_on__lt=limit)
    if not apply:
        return due.count()
    count = 0
    for family in due.order_by("pk").iterator():
        family_anonymise(family=family, user=None)
        count += 1
    return count


def inactive_households_close(*, now: datetime.datetime, apply: bool) -> int:
    """Retention step: households with no activity (no login, nothing in the journal) for
    RETENTION_INACTIVE_ACCOUNT_YEARS are closed (logins off, marked as left)."""
    from espace_famille.models import AuditEvent, User

    limit = now - datetime.timedelta(days=365 * settings.RETENTION_INACTIVE_ACCOUNT_YEARS)
    recent_login = User.objects.filter(family=OuterRef("pk")).filter(
        Q(last_login__gte=limit) | Q(date_joined__gte=limit)
    )
    recent_event = AuditEvent.objects.filter(family=OuterRef("pk"), created_at__gte=limit)
    due = Family.objects.filter(is_active=True, created_at__lt=limit).exclude(
        Exists(recent_login) | Exists(recent_event)
    )
    if not apply:
        return due.count()
    count = 0
    for family in due.order_by("pk").iterator():
        household_close(family=family, user=None)
        count += 1
    return count


@transaction.atomic
def reminder_choices_set(
    *,
    family: Family,
    user: User,
    choices: dict[str, bool],
    request: HttpRequest | None = None,
) -> bool:
    """The household's choice of reminder emails (Ma famille), audited; False if unchanged.

    A preference, not a record of the household: no staff validation. Only the kinds given are
    changed (those the structure offers), the others keep their choice or default.
    """
    family = Family.objects.select_for_update().get(pk=family.pk)
    current = dict(family.reminder_choices or {})
    updated = {**current, **{key: bool(value) for key, value in choices.items()}}
    if updated == current:
        return False
    family.reminder_choices = updated
    family.save(update_fields=["reminder_choices"])
    on = [key for key, value in sorted(choices.items()) if value]
    off = [key for key, value in sorted(choices.items()) if not value]
    audit.record(
        family,
        user,
        FamilyEvent.REMINDERS_CHOSEN,
        _("Rappels par e-mail : reçus %(on)s ; refusés %(off)s")
        % {"on": ", ".join(on) or "—", "off": ", ".join(off) or "—"},
        request=request,
    )
    return True
