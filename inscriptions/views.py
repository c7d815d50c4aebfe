"""Mes inscriptions: the household's members, their enrolments and enrolment requests."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from espace_famille.access import FamilyRequest, family_required
from famille.models import Member
from famille.selectors import household_members, member_for_household
from inscriptions import selectors
from inscriptions.forms import EnrolmentFilterForm, EnrolmentRequestForm
from inscriptions.models import Activity, Enrolment
from inscriptions.services import EnrolmentRefused, enrolment_request


@require_GET
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    today = timezone.localdate()
    members = household_members(request.family).annotate(
        current=Count(
            "enrolments",
            filter=Q(
                enrolments__status=Enrolment.Status.ACCEPTED,
                enrolments__start_date__lte=today,
                enrolments__end_date__gte=today,
            ),
        ),
        requested=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.REQUESTED)),
    )
    return render(request, "inscriptions/index.html", {"members": members})


def _member_page(
    request: FamilyRequest,
    member: Member,
    *,
    request_form: EnrolmentRequestForm | None = None,
    refusal: EnrolmentRefused | None = None,
    initial: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    activities = Activity.objects.filter(enrolments__member=member).distinct().order_by("name")
    filters = EnrolmentFilterForm(request.GET or None, activities=activities)
    period, activity_id = "", None
    if filters.is_valid():
        period = filters.cleaned_data["periode"]
        activity = filters.cleaned_data["activite"]
        activity_id = activity.pk if activity else None
    enrolments = selectors.member_enrolments(
        member, today=today, period=period, activity_id=activity_id
    )
    # The activity menu is rendered from rows already fetched, not by querying its queryset
    # again (still used to validate a submitted choice).
    field = filters.fields["activite"]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError("a ModelChoiceField was expected")
    field.choices = [("", field.empty_label), *activities.values_list("pk", "name")]
    eligible = selectors.eligible_activities(member, today)
    if request_form is None and eligible:
        request_form = EnrolmentRequestForm(
            activities=Activity.objects.filter(pk__in=[a.pk for a in eligible]), initial=initial
        )
        # The options in the activities' usual order (-start_date, name), as the queryset gives.
        by_name = sorted(eligible, key=lambda a: a.name)
        ordered = sorted(by_name, key=lambda a: a.start_date, reverse=True)
        choice = request_form.fields["activity"]
        if not isinstance(choice, forms.ModelChoiceField):
            raise TypeError("a ModelChoiceField was expected")
        choice.choices = [(a.pk, str(a)) for a in ordered]
    context = {
        "member": member,
        "enrolments": enrolments,
        "filters": filters,
        "eligible": eligible,
        "request_form": request_form,
        "refusal": refusal,
        "today": today,
    }
    return render(request, "inscriptions/member.html", context, status=status)


@require_GET
@family_required
def member(request: FamilyRequest, pk: int) -> HttpResponse:
    member = member_for_household(request.family, pk)
    return _member_page(request, member)


@require_POST
@family_required
def request_enrolment(request: FamilyRequest, pk: int) -> HttpResponse:
    member = member_for_household(request.family, pk)
    # Offer every portal activity here: the service says why one is not possible.
    form = EnrolmentRequestForm(
        request.POST, activities=Activity.objects.filter(portal_enrolment=True)
    )
    if not form.is_valid():
        return _member_page(request, member, request_form=form, status=400)
    activity = form.cleaned_data["activity"]
    try:
        enrolment_request(
            member=member,
            activity=activity,
            user=request.user,
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except EnrolmentRefused as refusal:
        # The form comes back as the parent left it: the activity chosen, the precisions typed.
        kept = {"activity": activity.pk, "comment": form.cleaned_data["comment"]}
        return _member_page(request, member, refusal=refusal, initial=kept, status=200)
    messages.success(
        request,
        _("Demande d'inscription de %(member)s à « %(activity)s » envoyée à la structure.")
        % {"member": member.first_name, "activity": activity.name},
    )
    return redirect("inscriptions:member", pk=member.pk)
