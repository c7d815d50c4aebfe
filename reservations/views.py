"""Mes réservations: the members taking part, each member's planning, the typical week."""

from __future__ import annotations

import datetime
from calendar import monthrange

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_famille import ratelimit
from espace_famille.access import FamilyRequest, family_required
from espace_famille.formatting import long_date
from famille.models import Member
from famille.selectors import member_for_household
from reservations import selectors, services
from reservations.calendar_feed import CALENDAR_FEED_PER_HOUR, feed_for, feed_ics
from reservations.forms import JumpForm, PlanningChangesForm, TypicalWeekForm
from reservations.models import CalendarFeed
from reservations.report import PlanningReport


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    today = timezone.localdate()
    members = selectors.members_taking_part(request.family, today)
    feed = CalendarFeed.objects.filter(family=request.family).first()
    feed_url = ""
    if feed is not None:
        path = reverse("reservations:calendar_feed", args=[feed.pk, feed.secret])
        feed_url = f"{settings.SITE_URL}{path}"
    return render(
        request,
        "reservations/index.html",
        {"members": members, "feed": feed, "feed_url": feed_url},
    )


@require_POST
@family_required
def calendar_feed_renew(request: FamilyRequest) -> HttpResponse:
    """Mes réservations: create the household's calendar link, or renew it (revoking the old)."""
    had_one = CalendarFeed.objects.filter(family=request.family).exists()
    services.calendar_feed_renew(family=request.family, user=request.user, request=request)
    if had_one:
        messages.success(
            request,
            _(
                "Nouveau lien d'agenda créé : l'ancien ne fonctionne plus. "
                "Ajoutez le nouveau à votre agenda."
            ),
        )
    else:
        messages.success(request, _("Lien d'agenda créé : ajoutez-le à votre agenda."))
    return redirect(reverse("reservations:index") + "#agenda")


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, pk: int, secret: str) -> HttpResponse:
    """The household's bookings as an iCal feed, for calendar apps (no login session): the
    link's secret is the only key. An unknown or revoked link is a 404."""
    if not ratelimit.hit("calendar-feed", pk, limit=CALENDAR_FEED_PER_HOUR):
        return HttpResponse(status=429, headers={"Retry-After": "3600"})
    feed = feed_for(pk, secret)
    if feed is None:
        raise Http404
    response = HttpResponse(feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="reservations.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _period(
    request: HttpRequest, today: datetime.date, member: Member
) -> tuple[str, datetime.date, datetime.date, JumpForm | None, selectors.MemberEnrolments | None]:
    """The week or month shown; out-of-range or invalid dates fall back to today.

    Without a date, the week view opens on the first week that can still be booked (on a
    Saturday, the next one rather than the week just finished).
    The fourth item is the bound jump form when its date was refused (to show the error); the
    last, the member's enrolments when they were read to find that week (the planning reuses
    them).
    """
    view = "month" if request.GET.get("vue") == "mois" else "week"
    form = JumpForm(request.GET)
    valid = form.is_valid()
    enrolments = None
    if valid and form.cleaned_data["date"]:
        day = form.cleaned_data["date"]
    elif view == "week":
        enrolments = selectors.member_enrolments(member, *selectors.first_bookable_span(today))
        now = timezone.now()
        day = selectors.first_bookable_day(member, now, enrolments=enrolments) or today
    else:
        day = today
    if view == "month":
        start = day.replace(day=1)
        end = start.replace(day=monthrange(start.year, start.month)[1])
    else:
        start = day - datetime.timedelta(days=day.weekday())
        end = start + datetime.timedelta(days=6)
    return view, start, end, None if valid else form, enrolments


def _nav(member: Member, view: str, start: datetime.date, today: datetime.date) -> dict[str, str]:
    base = reverse("reservations:planning", args=[member.pk])
    suffix = "&vue=mois" if view == "month" else ""
    if view == "month":
        previous = (start - datetime.timedelta(days=1)).replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
    else:
        previous = start - datetime.timedelta(days=7)
        following = start + datetime.timedelta(days=7)
    return {
        "previous": f"{base}?date={previous.isoformat()}{suffix}",
        "next": f"{base}?date={following.isoformat()}{suffix}",
        "week": f"{base}?date={start.isoformat()}",
        "month": f"{base}?date={start.isoformat()}&vue=mois",
        # Explicit: without a date the week view opens on the first week still bookable.
        "today": f"{base}?date={today.isoformat()}{suffix}",
    }


@require_http_methods(["GET", "POST"])
@family_required
def planning(request: FamilyRequest, pk: int) -> HttpResponse:
    member = member_for_household(request.family, pk)
    today = timezone.localdate()
    view, start, end, refused_jump, enrolments = _period(request, today, member)
    report = None
    form = PlanningChangesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            result = services.bookings_apply(
                member=member,
                user=request.user,
                request=request,
                family=request.family,
                **{k: form.cleaned_data[k] for k in form.ACTIONS},
            )
            report = PlanningReport.of(result)
            if not _is_htmx(request):
                report.save(request, member.pk)
                return redirect(request.get_full_path())
        elif not _is_htmx(request):
            for error in form.non_field_errors():
                messages.error(request, str(error))
            return redirect(request.get_full_path())
    else:
        report = PlanningReport.pop(request, member.pk)
    context = {
        "member": member,
        "planning": selectors.planning(
            member, start=start, end=end, view=view, family=request.family, enrolments=enrolments
        ),
        "nav": _nav(member, view, start, today),
        "jump": refused_jump or JumpForm(initial={"date": start}),
        "report": report,
        "form_errors": form.non_field_errors() if request.method == "POST" else [],
        "action_url": request.get_full_path(),
        "today": today,
    }
    return render(request, "reservations/planning.html", context)


@require_http_methods(["GET", "POST"])
@family_required
def typical_week(request: FamilyRequest, pk: int) -> HttpResponse:
    member = member_for_household(request.family, pk)
    today = timezone.localdate()
    units, _accepted, _requested = selectors.enrolled_units(
        member, today, today + datetime.timedelta(days=365)
    )
    data = request.POST if request.method == "POST" else None  # an empty POST is refused too
    form = TypicalWeekForm(data, units=units, today=today)
    if request.method == "GET":
        start = today + datetime.timedelta(days=7 - today.weekday())
        form.initial = {"start": start, "end": selectors.next_closure_eve(units, start)}
    elif form.is_valid():
        summary = services.typical_week_apply(
            member=member,
            user=request.user,
            pattern=form.pattern,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            request=request,
            family=request.family,
        )
        _summary_messages(request, summary)
        url = reverse("reservations:planning", args=[member.pk])
        return redirect(f"{url}?date={form.cleaned_data['start'].isoformat()}")
    return render(
        request, "reservations/typical_week.html", {"member": member, "form": form, "units": units}
    )


def _days(openings: list) -> str:
    return ", ".join(f"{long_date(o.date, 'D j M')} ({o.unit.name})" for o in openings[:20]) + (
        "…" if len(openings) > 20 else ""
    )


def _summary_messages(request: HttpRequest, summary: services.TypicalWeekSummary) -> None:
    count = len(summary.booked)
    messages.success(
        request,
        ngettext("%(n)d réservation faite.", "%(n)d réservations faites.", count) % {"n": count},
    )
    parts = [
        (summary.already, messages.info, _("Déjà réservés : %(days)s")),
        (summary.full, messages.warning, _("Complets (liste d'attente possible) : %(days)s")),
        (summary.past_deadline, messages.warning, _("Délai dépassé : %(days)s")),
        (summary.closed, messages.info, _("Fermés : %(days)s")),
        (summary.other_household, messages.info, _("Réservés par l'autre foyer : %(days)s")),
    ]
    for openings, level, text in parts:
        if openings:
            level(request, text % {"days": _days(openings)})
    # The same refusal (missing documents, a registered rule) is told once, not once a day.
    for message in dict.fromkeys(message for _opening, message in summary.refused):
        messages.error(request, message)
