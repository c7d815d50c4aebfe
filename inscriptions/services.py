"""Enrolment requests and the staff's decisions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.selectors import missing_documents
from espace_famille import audit
from espace_famille.emails import send_to_family
from famille.models import Family
from inscriptions.audit_kinds import EnrolmentEvent
from inscriptions.models import Activity, Enrolment
from inscriptions.registry import enrolment_cancelled
from inscriptions.selectors import eligibility_problem

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Member


class EnrolmentRefused(Exception):
    """A request refused on the spot; `missing` lists the documents to provide, if any."""

    def __init__(self, message: str, missing: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing or []


def enrolment_request(
    *,
    member: Member,
    activity: Activity,
    user: User | None,
    comment: str = "",
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Enrolment:
    """A family asks to enrol `member`; refused on the spot if ineligible or documents missing."""
    today = today or timezone.localdate()
    problem = eligibility_problem(member, activity, today)
    if problem:
        raise EnrolmentRefused(problem)
    missing = missing_documents(member=member, activity_types=activity.required_documents.all())
    if missing:
        raise EnrolmentRefused(
            _("Des documents obligatoires manquent : la demande ne peut pas être envoyée."),
            missing,
        )
    enrolment = Enrolment(
        member=member,
        activity=activity,
        status=Enrolment.Status.REQUESTED,
        start_date=max(today, activity.start_date),
        end_date=activity.end_date,
        comment=comment,
        requested_by=user,
    )
    try:
        enrolment.full_clean()
    except ValidationError as error:
        raise EnrolmentRefused(" ".join(error.messages)) from None
    try:
        with transaction.atomic():
            enrolment.save()
            audit.record(
                _asking_household(member, user),
                user,
                EnrolmentEvent.ENROLMENT_REQUESTED,
                _("Demande d'inscription de %(member)s à %(activity)s")
                % {"member": member, "activity": activity},
                obj=enrolment,
                request=request,
            )
    except IntegrityError:
        raise EnrolmentRefused(_("Ce membre a déjà une inscription à cette activité.")) from None
    return enrolment


def _decide(
    enrolment: Enrolment,
    *,
    status: str,
    by: User | None,
    reason: str,
    kind: str,
    summary: str,
    request: HttpRequest | None,
) -> Enrolment:
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("member__family", "activity")
            .get(pk=enrolment.pk)
        )
        if enrolment.status != Enrolment.Status.REQUESTED:
            raise EnrolmentRefused(_("Cette demande a déjà été traitée."))
        enrolment.status = status
        enrolment.decided_at = timezone.now()
        enrolment.decided_by = by
        enrolment.reason = reason or enrolment.reason
        enrolment.full_clean()
        enrolment.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        family = enrolment.member.family
        audit.record(
            family,
            by,
            kind,
            summary % {"member": enrolment.member, "activity": enrolment.activity},
            obj=enrolment,
            request=request,
        )
        transaction.on_commit(lambda: _send_decision(enrolment))
    return enrolment


def _asking_household(member: Member, user: User | None) -> Family:
    """The household of the parent who asks (a shared child has two), else the child's main."""
    if user is not None and user.family_id is not None and user.family_id != member.family_id:
        return user.family  # type: ignore[return-value]  # a parent's login has its family
    return member.family


def _send_decision(enrolment: Enrolment) -> None:
    """The enrolment is the child's: each of its households is told (garde alternée: both)."""
    member = enrolment.member
    households = [member.family]
    households += Family.objects.filter(shared_children__member=member, is_active=True)
    for family in households:
        send_to_family(
            "inscriptions_decision",
            family=family,
            context={"enrolment": enrolment, "member": member},
        )


def enrolment_accept(
    *, enrolment: Enrolment, by: User | None, request: HttpRequest | None = None
) -> Enrolment:
    """Staff accept a request; the family is emailed."""
    return _decide(
        enrolment,
        status=Enrolment.Status.ACCEPTED,
        by=by,
        reason="",
        kind=EnrolmentEvent.ENROLMENT_ACCEPTED,
        summary=_("Inscription de %(member)s à %(activity)s acceptée"),
        request=request,
    )


def enrolment_refuse(
    *, enrolment: Enrolment, by: User | None, reason: str = "", request: HttpRequest | None = None
) -> Enrolment:
    """Staff refuse a request (with a reason sent to the family)."""
    return _decide(
        enrolment,
        status=Enrolment.Status.REFUSED,
        by=by,
        reason=reason,
        kind=EnrolmentEvent.ENROLMENT_REFUSED,
        summary=_("Inscription de %(member)s à %(activity)s refusée"),
        request=request,
    )


def enrolment_cancel(
    *, enrolment: Enrolment, by: User | None, request: HttpRequest | None = None
) -> Enrolment:
    """Staff end an enrolment (requested or accepted)."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("member__family", "activity")
            .get(pk=enrolment.pk)
        )
        if enrolment.status not in (Enrolment.Status.REQUESTED, Enrolment.Status.ACCEPTED):
            raise EnrolmentRefused(_("Cette inscription n'est plus active."))
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.decided_at = timezone.now()
        enrolment.decided_by = by
        enrolment.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            enrolment.member.family,
            by,
            EnrolmentEvent.ENROLMENT_CANCELLED,
            _("Inscription de %(member)s à %(activity)s annulée")
            % {"member": enrolment.member, "activity": enrolment.activity},
            obj=enrolment,
            request=request,
        )
        for handler in enrolment_cancelled:
            handler(enrolment=enrolment, by=by, request=request)
    return enrolment
