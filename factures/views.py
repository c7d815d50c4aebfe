"""Mes factures: the invoice list, PDF downloads and the online payment of several invoices."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_famille.access import family_required, get_for_family
from espace_famille.files import serve_private_file
from factures import selectors, services
from factures.attestations import (
    attestation_years,
    family_year_statement,
    fiscal_attestation_pdf,
    presence_attestation_pdf,
    year_is_past,
)
from factures.forms import AttestationYearForm, InvoiceFilterForm
from factures.models import Invoice, Payment
from factures.money import round_cents
from factures.payments import (
    NotificationRejected,
    get_provider,
    online_payment_enabled,
    provider_names,
)

logger = logging.getLogger(__name__)
PAGE_SIZE = 25


@require_GET
@family_required
def index(request: HttpRequest) -> HttpResponse:
    family = request.family  # type: ignore[attr-defined]
    form = InvoiceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    settled = data.get("etat") == "soldees"
    invoices = selectors.invoices_for_family(
        family, settled=settled, start=data.get("du"), end=data.get("au")
    )
    if settled:
        invoices = invoices.prefetch_related(*selectors.settled_invoices_prefetch())
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    for invoice in page.object_list:
        if invoice.kind == Invoice.Kind.INVOICE and invoice.is_settled and settled:
            settlements = selectors.invoice_settlements(invoice)
            invoice.paid_by_money = any(item.is_payment for item in settlements)  # type: ignore[attr-defined]
            invoice.settled_by = selectors.settlement_methods(settlements)  # type: ignore[attr-defined]
            invoice.settled_on = selectors.settled_on(invoice, settlements)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "factures/index.html",
        {
            "form": form,
            "settled": settled,
            "page": page,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "lock_minutes": services.payment_lock_minutes(),
            "online_payment": online_payment_enabled(),
            "offline_methods": [
                label for value, label in Payment.Method.choices if value != Payment.Method.ONLINE
            ],
            "last_year": timezone.localdate().year - 1,
        },
    )


@require_GET
@family_required
def attestations(request: HttpRequest) -> HttpResponse:
    """The yearly attestations of the family: the rule, the year's numbers, the PDFs."""
    family = request.family  # type: ignore[attr-defined]
    years = attestation_years()
    form = AttestationYearForm(request.GET or None, years=years)
    # A year not offered (or no choice yet): the last one, without an error to show.
    year = form.cleaned_data["annee"] if form.is_bound and form.is_valid() else years[0]
    if not form.is_valid():
        form = AttestationYearForm(initial={"annee": year}, years=years)
    return render(
        request,
        "factures/attestations.html",
        {
            "form": form,
            "year": year,
            "statement": family_year_statement(family, year),
        },
    )


def _attestation_year(year: int) -> int:
    if not year_is_past(year):
        raise Http404
    return year


def _pdf_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@family_required
def attestation_fiscale(request: HttpRequest, year: int) -> HttpResponse:
    statement = family_year_statement(request.family, _attestation_year(year))  # type: ignore[attr-defined]
    return _pdf_response(*fiscal_attestation_pdf(statement))


@require_GET
@family_required
def attestation_presence(request: HttpRequest, year: int, member_pk: int) -> HttpResponse:
    statement = family_year_statement(request.family, _attestation_year(year))  # type: ignore[attr-defined]
    child = statement.child(member_pk)
    if child is None:  # not a child of this family
        raise Http404
    return _pdf_response(*presence_attestation_pdf(statement, child))


@require_GET
@family_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_for_family(Invoice, request.family, pk=pk)  # type: ignore[attr-defined]
    if not invoice.pdf or invoice.pdf_is_stale:  # settled since: "Acquittée le …"
        invoice = services.invoice_pdf_store(invoice_id=invoice.pk, refresh=True)
    return serve_private_file(
        invoice.pdf, content_type="application/pdf", filename=f"{invoice.number}.pdf"
    )


def _posted_total(request: HttpRequest) -> Decimal | None:
    raw = request.POST.get("montant")
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError(_("Montant illisible.")) from exc
    # Infinity, NaN or 1e999 (too many digits to round to the cent) are no amount either.
    try:
        if not value.is_finite():
            raise InvalidOperation
        return round_cents(value)
    except InvalidOperation as exc:
        raise ValidationError(_("Montant illisible.")) from exc


@require_POST
@family_required
def pay(request: HttpRequest) -> HttpResponse:
    family = request.family  # type: ignore[attr-defined]
    try:
        invoice_ids = [int(value) for value in request.POST.getlist("factures")]
    except ValueError as exc:
        raise Http404 from exc
    if not online_payment_enabled():
        messages.error(request, _("Le paiement en ligne n'est pas proposé par la structure."))
        return redirect("factures:index")
    try:
        url = services.payment_begin(
            family=family,
            invoice_ids=invoice_ids,
            user=request.user,
            expected_total=_posted_total(request),
            request=request,
        )
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("factures:index")
    except services.PaymentUnavailable:
        messages.error(
            request, _("Le service de paiement est indisponible. Réessayez dans un moment.")
        )
        return redirect("factures:index")
    return redirect(url)


@never_cache
@require_http_methods(["GET", "POST"])
@family_required
def sandbox_checkout(request: HttpRequest, reference: str) -> HttpResponse:
    provider = get_provider("sandbox")
    if not provider.is_enabled():
        raise Http404
    payment = get_for_family(
        Payment.objects.prefetch_related("invoices"),
        request.family,  # type: ignore[attr-defined]
        reference=reference,
        provider=provider.name,
    )
    if request.method == "POST" and payment.status == Payment.Status.PENDING:
        services.payment_sandbox_answer(payment=payment, paid=request.POST.get("action") == "payer")
        return redirect("factures:payment_return", reference=payment.reference)
    if payment.status != Payment.Status.PENDING:
        return redirect("factures:payment_return", reference=payment.reference)
    return render(request, "factures/sandbox_checkout.html", {"payment": payment})


@never_cache
@require_GET
@family_required
def payment_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the provider sends the parent back; it shows what the provider confirmed."""
    payment = get_for_family(Payment, request.family, reference=reference)  # type: ignore[attr-defined]
    lookup_failed = not services.payment_refresh(payment=payment)
    invoices = payment.invoices.order_by("number")
    return render(
        request,
        "factures/payment_result.html",
        {
            "payment": payment,
            "invoices": invoices,
            "left": bool(request.GET.get("annule")),
            "lookup_failed": lookup_failed and payment.status == Payment.Status.PENDING,
        },
    )


@require_POST
@family_required
def payment_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """The parent gives up a pending payment; the provider's session is closed first."""
    payment = get_for_family(Payment, request.family, reference=reference)  # type: ignore[attr-defined]
    if services.payment_abandon(payment=payment):
        if payment.status == Payment.Status.CANCELLED:
            messages.success(request, _("Paiement annulé : aucun montant n'a été débité."))
        elif payment.status == Payment.Status.PENDING:
            messages.error(
                request, _("Le paiement n'a pas pu être annulé. Réessayez dans un moment.")
            )
    return redirect("factures:payment_return", reference=payment.reference)


@csrf_exempt
@require_POST
def notification(request: HttpRequest, provider: str) -> HttpResponse:
    """Signed notifications from a payment provider: 400 and no change when not genuine."""
    if provider not in provider_names():
        raise Http404
    handler = get_provider(provider)
    if not handler.is_enabled():
        raise Http404
    try:
        status = handler.handle_notification(request.body, dict(request.headers))
    except NotificationRejected as exc:
        logger.warning("%s notification rejected: %s", provider, exc)
        return HttpResponseBadRequest("rejected\n", content_type="text/plain")
    return JsonResponse({"status": status})
