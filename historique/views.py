"""Historique: the family's connections to the portal and its online payments."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from espace_famille.access import FamilyRequest, family_required
from factures.selectors import online_payments_for_family
from historique.forms import PeriodForm
from historique.selectors import MONTH, Period, logins_for_family, period_for

PAGE_SIZE = 20


def _period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    # The menu says what the page shows: the month unless a week is asked for.
    query = request.GET.copy()
    if not query.get("periode"):
        query["periode"] = MONTH
    form = PeriodForm(query)
    # A refused field (e.g. a date out of range) is left out of cleaned_data: the other
    # choices are kept, the date falls back to today and the form shows the error.
    form.is_valid()
    data: dict[str, Any] = form.cleaned_data
    kind = data.get("periode") or MONTH
    return form, period_for(kind, data.get("date") or timezone.localdate())


def _render(
    request: HttpRequest, tab: str, queryset: QuerySet[Any], form: PeriodForm, period: Period
) -> HttpResponse:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        f"historique/{tab}.html",
        {"form": form, "period": period, "page": page, "tab": tab},
    )


@require_GET
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    form, period = _period(request)
    logins = logins_for_family(request.family, period)
    return _render(request, "connexions", logins, form, period)


@require_GET
@family_required
def payments(request: FamilyRequest) -> HttpResponse:
    form, period = _period(request)
    queryset = online_payments_for_family(
        request.family,
        start=period.start,
        end=period.end,
    )
    return _render(request, "paiements", queryset, form, period)
