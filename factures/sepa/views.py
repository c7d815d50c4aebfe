"""Mes factures, Prélèvement automatique: subscribe, see the mandate, revoke it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_famille.access import FamilyRequest, family_required, get_for_family
from espace_famille.files import serve_private_file
from factures.sepa import selectors, services
from factures.sepa.banking import direct_debit_enabled, next_debit_date
from factures.sepa.forms import MandateSubscribeForm
from factures.sepa.models import SepaMandate
from factures.sepa.pain import creditor_name


@require_http_methods(["GET", "POST"])
@family_required
def mandate(request: FamilyRequest) -> HttpResponse:
    family = request.family
    if not direct_debit_enabled():
        raise Http404
    current = selectors.current_mandate(family)
    form = MandateSubscribeForm(request.POST or None)
    can_sign = current is None or not current.is_active
    if request.method == "POST" and can_sign and form.is_valid():
        try:
            signed = services.mandate_subscribe(
                family=family,
                user=request.user,
                holder=form.cleaned_data["holder"],
                iban=form.cleaned_data["iban"],
                bic=form.cleaned_data["bic"],
                request=request,
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Mandat %(rum)s signé : vos prochaines factures seront prélevées.")
                % {"rum": signed.reference},
            )
            return redirect("factures:sepa_mandate")
    return render(
        request,
        "factures/sepa/mandate.html",
        {
            "mandate": current,
            "can_sign": can_sign,
            "form": form,
            "consent_text": services.consent_text(),
            "creditor_name": creditor_name(),
            "next_debit": next_debit_date(timezone.localdate()),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@family_required
def mandate_revoke(request: FamilyRequest, pk: int) -> HttpResponse:
    family = request.family
    mandate = get_for_family(SepaMandate, family, pk=pk)
    if services.mandate_revoke(
        mandate=mandate, by=request.user, reason=_("Révoqué par la famille"), request=request
    ):
        messages.success(
            request,
            _("Mandat %(rum)s révoqué : vos prochaines factures seront à régler vous-même.")
            % {"rum": mandate.reference},
        )
    return redirect("factures:sepa_mandate")


@require_GET
@family_required
def mandate_pdf(request: FamilyRequest, pk: int) -> HttpResponseBase:
    mandate = get_for_family(SepaMandate, request.family, pk=pk)
    if not mandate.pdf:
        mandate = services.mandate_pdf_store(mandate_id=mandate.pk)
    return serve_private_file(
        mandate.pdf, content_type="application/pdf", filename=f"mandat-{mandate.reference}.pdf"
    )
