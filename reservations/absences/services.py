"""Writes of the justified absences: a parent's declaration, the staff's acceptance or refusal.

Every function is atomic and audited (`reservations.audit_kinds.AbsenceEvent`). Acceptance
credits the days past the activity's waiting days: the billing run leaves them out
(`selectors.billable_bookings`), and the handlers of `registry.absence_credited` (factures)
issue a credit note for those already invoiced.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from documents.services import max_upload_bytes
from espace_famille import audit
from espace_famille.emails import send_to_family
from espace_famille.files import atomic_with_files, file_save
from espace_famille.formatting import long_date
from espace_famille.uploads import clean_upload
from reservations.absences.models import AbsenceDay, AbsenceDeclaration, AbsencePolicy
from reservations.audit_kinds import AbsenceEvent
from reservations.models import Booking
from reservations.notice import cancel_deadline
from reservations.registry import absence_credited
from reservations.selectors import by_household

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from espace_famille.models import User

# The longest absence one declaration covers (a longer one is declared again).
MAX_DAYS = 31


class AbsenceRefused(Exception):
    """A declaration or a review refused, with a French message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def declaration_window_days() -> int:
    return settings.ABSENCE_DECLARATION_DAYS


def _deadline_of(booking: Booking) -> datetime.datetime:
    unit = booking.opening.unit
    return cancel_deadline(unit.activity, booking.opening.date, unit.start_time)


def declarable_problem(booking: Booking, now: datetime.datetime) -> str | None:
    """Why a booked day cannot be declared absent now, or None (no query when the booking
    comes with its opening, unit and activity)."""
    if booking.status != Booking.Status.BOOKED:
        return _("Seul un jour réservé peut être déclaré absent.")
    if now < _deadline_of(booking):
        return _(
            "Le délai d'annulation de ce jour n'est pas passé : annulez-le dans le planning, "
            "sans frais."
        )
    last = booking.opening.date + datetime.timedelta(days=declaration_window_days())
    if timezone.localdate(now) > last:
        return ngettext(
            "Une absence se déclare au plus tard %(n)d jour après le jour réservé.",
            "Une absence se déclare au plus tard %(n)d jours après le jour réservé.",
            declaration_window_days(),
        ) % {"n": declaration_window_days()}
    return None


def absence_declare(
    *,
    booking: Booking,
    user: User | None,
    reason: str,
    last_day: datetime.date | None = None,
    comment: str = "",
    files: Sequence[UploadedFile | None] = (),
    request: HttpRequest | None = None,
    now: datetime.datetime | None = None,
) -> AbsenceDeclaration:
    """Declare an absence from the booking's day to `last_day` (the member's booked days of the
    same activity past their cancellation deadline, booked by the same household: a child in
    shared custody has two, each declares for its own days). Raises AbsenceRefused or, for the
    certificate, ValidationError (the upload checker's French message); nothing is kept then."""
    now = now or timezone.now()
    activity = booking.opening.unit.activity
    policy = AbsencePolicy.for_activity(activity)
    first_day = booking.opening.date
    last_day = last_day or first_day
    if last_day < first_day:
        raise AbsenceRefused(_("Le dernier jour d'absence ne peut précéder le premier."))
    if (last_day - first_day).days >= MAX_DAYS:
        raise AbsenceRefused(
            _("Une déclaration couvre au plus %(n)d jours : déclarez la suite à part.")
            % {"n": MAX_DAYS}
        )
    if reason not in policy.reasons:
        raise AbsenceRefused(
            _("Ce motif n'est pas accepté pour « %(activity)s ».") % {"activity": activity.name}
        )
    uploads = [f for f in files if f is not None]
    if policy.certificate_required and not uploads:
        raise AbsenceRefused(
            _("Un justificatif (certificat médical…) est demandé pour « %(activity)s ».")
            % {"activity": activity.name}
        )
    clean = clean_upload(uploads, max_bytes=max_upload_bytes()) if uploads else None
    household = booking.family_id or booking.member.family_id
    with atomic_with_files():
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(
                by_household(household),
                member_id=booking.member_id,
                opening__unit__activity=activity,
                opening__date__range=(first_day, last_day),
                status=Booking.Status.BOOKED,
                absence__isnull=True,
            )
            .select_related("opening__unit__activity", "member")
            .order_by("opening__date", "opening__unit__order", "pk")
        )
        if booking.pk not in {b.pk for b in bookings}:
            raise AbsenceRefused(_("Une absence est déjà déclarée pour ce jour."))
        first = next(b for b in bookings if b.pk == booking.pk)
        problem = declarable_problem(first, now)
        if problem:
            raise AbsenceRefused(problem)
        # The following days that can still be cancelled are cancelled in the planning instead.
        days = [b for b in bookings if now >= _deadline_of(b)]
        member = first.member
        declaration = AbsenceDeclaration(
            member=member,
            family_id=household,
            activity=activity,
            first_day=first_day,
            last_day=max(b.opening.date for b in days),
            reason=reason,
            comment=comment.strip(),
            declared_by=user if user is not None and user.pk else None,
        )
        if clean is not None:
            declaration.certificate_type = clean.content_type
            declaration.certificate_name = clean.download_name
            file_save(declaration.certificate, clean.storage_name, ContentFile(clean.content))
        declaration.save()
        try:
            with transaction.atomic():
                AbsenceDay.objects.bulk_create(
                    AbsenceDay(declaration=declaration, booking=b) for b in days
                )
        except IntegrityError:  # a concurrent declaration took one of these days
            raise AbsenceRefused(_("Une absence est déjà déclarée pour ce jour.")) from None
        audit.record(
            declaration.family,
            user,
            AbsenceEvent.ABSENCE_DECLARED,
            _("Absence de %(member)s déclarée (%(activity)s, %(days)s)")
            % {"member": member, "activity": activity.name, "days": _days_text(declaration)},
            obj=declaration,
            request=request,
        )
    return declaration


def _days_text(declaration: AbsenceDeclaration) -> str:
    if declaration.first_day == declaration.last_day:
        return long_date(declaration.first_day, "l j F")
    return _("du %(first)s au %(last)s") % {
        "first": long_date(declaration.first_day, "l j F"),
        "last": long_date(declaration.last_day, "l j F"),
    }


def _locked(declaration: AbsenceDeclaration) -> AbsenceDeclaration:
    """The declaration under its row lock, still to review (two reviews at once: the second
    waits here, then is refused)."""
    locked = (
        AbsenceDeclaration.objects.select_for_update(of=("self",))
        .select_related("family", "member", "activity")
        .get(pk=declaration.pk)
    )
    if locked.status != AbsenceDeclaration.Status.PENDING:
        raise AbsenceRefused(_("Cette déclaration a déjà été examinée."))
    return locked


def absence_accept(
    *, declaration: AbsenceDeclaration, by: User | None, request: HttpRequest | None = None
) -> AbsenceDeclaration:
    """Accept: the days past the activity's waiting days are credited (not billed, or a
    credit note for those already invoiced); the family is emailed."""
    with transaction.atomic():
        declaration = _locked(declaration)
        policy = AbsencePolicy.for_activity(declaration.activity)
        days = list(
            declaration.days.select_related("booking__opening__unit__activity", "booking__member")
        )
        credited = days[policy.waiting_days :]
        AbsenceDay.objects.filter(pk__in=[d.pk for d in credited]).update(credited=True)
        declaration.status = AbsenceDeclaration.Status.ACCEPTED
        declaration.decided_at = timezone.now()
        declaration.decided_by = by
        declaration.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            declaration.family,
            by,
            AbsenceEvent.ABSENCE_ACCEPTED,
            ngettext(
                "Absence de %(member)s acceptée (%(days)s) : %(n)d jour remboursé",
                "Absence de %(member)s acceptée (%(days)s) : %(n)d jours remboursés",
                len(credited),
            )
            % {"member": declaration.member, "days": _days_text(declaration), "n": len(credited)},
            obj=declaration,
            request=request,
        )
        bookings = [day.booking for day in credited]
        if bookings:
            for handler in absence_credited:
                handler(declaration=declaration, bookings=bookings, by=by, request=request)
        waiting = len(days) - len(credited)
        transaction.on_commit(
            lambda: _send_decision(declaration, credited=len(credited), waiting=waiting)
        )
    return declaration


def absence_refuse(
    *,
    declaration: AbsenceDeclaration,
    by: User | None,
    reason: str,
    request: HttpRequest | None = None,
) -> AbsenceDeclaration:
    """Refuse, with the reason sent to the family: the days stay billed as booked."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus."))
    with transaction.atomic():
        declaration = _locked(declaration)
        declaration.status = AbsenceDeclaration.Status.REFUSED
        declaration.decided_at = timezone.now()
        declaration.decided_by = by
        declaration.refusal_reason = reason
        declaration.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
        audit.record(
            declaration.family,
            by,
            AbsenceEvent.ABSENCE_REFUSED,
            _("Absence de %(member)s refusée (%(days)s)")
            % {"member": declaration.member, "days": _days_text(declaration)},
            obj=declaration,
            request=request,
        )
        transaction.on_commit(lambda: _send_decision(declaration, credited=0, waiting=0))
    return declaration


def _send_decision(declaration: AbsenceDeclaration, *, credited: int, waiting: int) -> None:
    send_to_family(
        "reservations_absence_decision",
        family=declaration.family,
        context={
            "declaration": declaration,
            "member": declaration.member,
            "credited_days": credited,
            "waiting_days": waiting,
        },
    )
