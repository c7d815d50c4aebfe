"""Mes réservations: declare the absence of a booked day past its cancellation deadline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from espace_famille.access import FamilyRequest, family_required
from reservations.absences.forms import AbsenceForm
from reservations.absences.models import AbsenceDay, AbsencePolicy
from reservations.absences.services import AbsenceRefused, absence_declare, declarable_problem
from reservations.models import Booking
from reservations.selectors import by_household


@require_http_methods(["GET", "POST"])
@family_required
def declare(request: FamilyRequest, pk: int) -> HttpResponse:
    """One booked day the household booked (404 for any other booking: another household's,
    or the other household's day of a child in shared custody)."""
    booking = get_object_or_404(
        Booking.objects.filter(by_household(request.family)).select_related(
            "member", "opening__unit__activity"
        ),
        pk=pk,
    )
    member, opening = booking.member, booking.opening
    activity = opening.unit.activity
    policy = AbsencePolicy.for_activity(activity)
    declared = AbsenceDay.objects.filter(booking=booking).select_related("declaration").first()
    problem = None if declared else declarable_problem(booking, timezone.now())
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = AbsenceForm(*data, policy=policy, first_day=opening.date)
    status = 200
    if request.method == "POST":
        status = 400
        if declared or problem:
            form.add_error(None, problem or _("Une absence est déjà déclarée pour ce jour."))
        elif form.is_valid():
            try:
                absence_declare(
                    booking=booking,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    last_day=form.cleaned_data["last_day"],
                    comment=form.cleaned_data["comment"],
                    files=form.cleaned_data["files"] or [],
                    request=request,
                )
            except ValidationError as error:  # the certificate: the typed fields are kept
                form.add_error("files", error)
            except AbsenceRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Absence déclarée. La structure va l'examiner et vous répondra par e-mail."),
                )
                url = reverse("reservations:planning", args=[member.pk])
                return redirect(f"{url}?date={opening.date.isoformat()}")
    context = {
        "booking": booking,
        "member": member,
        "opening": opening,
        "activity": activity,
        "policy": policy,
        "declared": declared.declaration if declared else None,
        "problem": problem,
        "form": form,
    }
    return render(request, "reservations/absence.html", context, status=status)
