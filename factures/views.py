"""Mes factures: the invoice list, PDF downloads and the online payment of several invoices.

With a provider that takes one invoice per transaction (PayFiP), several ticked invoices are paid
in a journey (factures/services/journeys.py): each return from the provider starts the next.
"""

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
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_famille.access import FamilyRequest, family_required, get_for_family
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
    PaymentProvider,
    ProviderUnreachable,
    get_provider,
    online_payment_enabled,
    provider_names,
)
from factures.payments.gateways import GatewayProvider
from factures.sepa import selectors as sepa_selectors
from factures.sepa.banking import direct_debit_enabled, next_debit_date
from factures.services.journeys import SESSION_KEY, Journey

logger = logging.getLogger(__name__)
PAGE_SIZE = 25
PDF_PK_MARK = 918273645  # no other digits of the PDF link's path


@require_GET
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    family = request.family
    form = InvoiceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    settled = data.get("etat") == "soldees"
    invoices = selectors.invoices_for_family(
        family, settled=settled, start=data.get("du"), end=data.get("au")
    )
    # Direct debit: a household with a mandate in force is debited instead of paying online
    # (the settled list shows neither the mandate nor the debits to come).
    direct_debit = direct_debit_enabled()
    mandate = sepa_selectors.current_mandate(family) if direct_debit and not settled else None
    debited = mandate is not None and mandate.is_active
    if direct_debit and not settled:
        invoices = sepa_selectors.with_scheduled_debit(invoices)
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    if settled:
        paid = [
            invoice
            for invoice in page.object_list
            if invoice.kind == Invoice.Kind.INVOICE and invoice.is_settled
        ]
        settlements_of = selectors.settlements_by_invoice(paid)
        for invoice in paid:
            settlements = settlements_of[invoice.pk]
            invoice.paid_by_money = any(item.is_payment for item in settlements)
            invoice.settled_by = selectors.settlement_methods(settlements)
            invoice.settled_on = selectors.settled_on(invoice, settlements)
    # One reverse() for the page's PDF links: Django's took 45 µs a link, 0.5 ms for a page of
    # 11 invoices (SQLite, 2,000 households).
    pdf_url = reverse("factures:pdf", args=[PDF_PK_MARK]).replace(str(PDF_PK_MARK), "{}", 1)
    for invoice in page.object_list:
        invoice.pdf_url = pdf_url.format(invoice.pk)
    query = request.GET.copy()
    query.pop("page", None)
    online = online_payment_enabled()
    provider = get_provider() if online else PaymentProvider()
    response = render(
        request,
        "factures/index.html",
        {
            "form": form,
            "settled": settled,
            "page": page,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "lock_minutes": services.payment_lock_minutes(),
            "online_payment": online,
            "one_by_one": provider.one_invoice_per_payment,
            "pay_online": online and not debited,
            "direct_debit": direct_debit,
            "mandate": mandate,
            "debited": debited,
            "next_debit": next_debit_date(timezone.localdate()) if debited else None,
            "offline_methods": [
                label
                for value, label in Payment.Method.choices
                if value not in (Payment.Method.ONLINE, Payment.Method.DIRECT_DEBIT)
            ],
            "last_year": timezone.localdate().year - 1,
        },
    )
    return _allow_gateway_page(response, provider)


def _allow_gateway_page(response: HttpResponse, provider: PaymentProvider) -> HttpResponse:
    """Let this page's forms lead to the gateway's payment page (CSP form-action), which the
    browser also checks on the redirect that follows a form."""
    if isinstance(provider, GatewayProvider) and provider.is_enabled():
        origins = {"form-action": provider.page_origins()}
        response._csp_update = origins  # type: ignore[attr-defined]  # read by django-csp
    return response


@require_GET
@family_required
def attestations(request: FamilyRequest) -> HttpResponse:
    """The yearly attestations of the family: the rule, the year's numbers, the PDFs."""
    family = request.family
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
def attestation_fiscale(request: FamilyRequest, year: int) -> HttpResponse:
    statement = family_year_statement(request.family, _attestation_year(year))
    return _pdf_response(*fiscal_attestation_pdf(statement))


@require_GET
@family_required
def attestation_presence(request: FamilyRequest, year: int, member_pk: int) -> HttpResponse:
    statement = family_year_statement(request.family, _attestation_year(year))
    child = statement.child(member_pk)
    if child is None:  # not a child of this family
        raise Http404
    return _pdf_response(*presence_attestation_pdf(statement, child))


@require_GET
@family_required
def pdf(request: FamilyRequest, pk: int) -> HttpResponseBase:
    invoice = get_for_family(Invoice, request.family, pk=pk)
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
def pay(request: FamilyRequest) -> HttpResponse:
    family = request.family
    try:
        invoice_ids = [int(value) for value in request.POST.getlist("factures")]
    except ValueError as exc:
        raise Http404 from exc
    if not online_payment_enabled():
        messages.error(request, _("Le paiement en ligne n'est pas proposé par la structure."))
        return redirect("factures:index")
    if get_provider().one_invoice_per_payment and len(set(invoice_ids)) > 1:
        return _journey_begin(request, invoice_ids)
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
def sandbox_checkout(request: FamilyRequest, reference: str) -> HttpResponse:
    provider = get_provider("sandbox")
    if not provider.is_enabled():
        raise Http404
    payment = get_for_family(
        Payment.objects.prefetch_related("invoices"),
        request.family,
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
def payment_return(request: FamilyRequest, reference: str) -> HttpResponse:
    """Where the provider sends the parent back; it shows what the provider confirmed."""
    payment = get_for_family(Payment, request.family, reference=reference)
    lookup_failed = not services.payment_refresh(payment=payment)
    journey = _journey(request)
    in_journey = journey is not None and journey.holds(payment.reference)
    settled = payment.status == Payment.Status.SUCCEEDED
    ended = not settled or journey is None or journey.next_invoice_id() is None
    if in_journey and payment.status != Payment.Status.PENDING and ended:
        return redirect("factures:journey_summary")
    invoices = payment.invoices.order_by("number")
    response = render(
        request,
        "factures/payment_result.html",
        {
            "payment": payment,
            "invoices": invoices,
            "left": bool(request.GET.get("annule")),
            "lookup_failed": lookup_failed and payment.status == Payment.Status.PENDING,
            "journey": journey if in_journey else None,
            "journey_position": (
                journey.position(payment.reference) if journey is not None and in_journey else 0
            ),
            "journey_next": in_journey and settled,
        },
    )
    return _allow_gateway_page(response, get_provider(payment.provider)) if in_journey else response


@require_POST
@family_required
def payment_cancel(request: FamilyRequest, reference: str) -> HttpResponse:
    """The parent gives up a pending payment; the provider's session is closed first."""
    payment = get_for_family(Payment, request.family, reference=reference)
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
    except ProviderUnreachable as exc:
        logger.warning("%s notification not checked: %s", provider, exc)
        return HttpResponse("unavailable\n", content_type="text/plain", status=503)
    return JsonResponse({"status": status})


# Gateways (PayFiP, SystemPay) ------------------------------------------------------------------


def _gateway(payment: Payment) -> GatewayProvider:
    if payment.provider not in provider_names():
        raise Http404
    provider = get_provider(payment.provider)
    if not isinstance(provider, GatewayProvider) or not provider.is_enabled():
        raise Http404
    return provider


@never_cache
@require_GET
@family_required
def gateway_form(request: FamilyRequest, reference: str) -> HttpResponse:
    """The signed form the parent's browser posts to the gateway (SystemPay), sent by script."""
    payment = get_for_family(Payment, request.family, reference=reference)
    provider = _gateway(payment)
    if payment.status != Payment.Status.PENDING or not hasattr(provider, "form"):
        return redirect("factures:payment_return", reference=payment.reference)
    form = provider.form(payment, request=request)
    response = render(
        request,
        "factures/gateway_form.html",
        {"payment": payment, "form": form, "invoices": payment.invoices.order_by("number")},
    )
    return _allow_gateway_page(response, provider)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def gateway_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the gateway sends the parent's browser back (a GET, or a POST from its site, which
    carries no session cookie): what it brings is checked like a notification, then the parent
    sees the payment's page. Nothing here is trusted without the gateway's signature or its web
    service."""
    payment = Payment.objects.filter(reference=reference).first()
    if payment is None:
        raise Http404
    provider = _gateway(payment)
    query = request.body if request.method == "POST" else request.META.get("QUERY_STRING", "")
    provider.handle_return(payment, query if isinstance(query, bytes) else query.encode())
    return HttpResponseRedirect(
        reverse("factures:payment_return", args=[payment.reference]), status=303
    )


# Journeys: several invoices, one per transaction ------------------------------------------------


def _journey(request: HttpRequest) -> Journey | None:
    data = request.session.get(SESSION_KEY)
    return Journey.from_session(data) if data else None


def _journey_continue(request: FamilyRequest, journey: Journey) -> HttpResponse:
    """Start the journey's next transaction, or end on its summary."""
    family = request.family
    try:
        url = services.payment_journey_step(
            journey=journey, family=family, user=request.user, request=request
        )
    except services.PaymentUnavailable:
        messages.error(
            request, _("Le service de paiement est indisponible. Réessayez dans un moment.")
        )
        url = None
    request.session[SESSION_KEY] = journey.as_session()
    return redirect(url) if url else redirect("factures:journey_summary")


def _journey_begin(request: FamilyRequest, invoice_ids: list[int]) -> HttpResponse:
    try:
        journey = services.payment_journey_plan(
            family=request.family,
            invoice_ids=invoice_ids,
            expected_total=_posted_total(request),
        )
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("factures:index")
    return _journey_continue(request, journey)


@require_POST
@family_required
def journey_next(request: FamilyRequest) -> HttpResponse:
    """After a settled payment of the journey, the next invoice's transaction."""
    journey = _journey(request)
    if journey is None:
        return redirect("factures:index")
    family = request.family
    started = Payment.objects.filter(family=family, reference__in=list(journey.payments.values()))
    if started.exclude(status=Payment.Status.SUCCEEDED).exists():
        return redirect("factures:journey_summary")  # a payment pending or not made: stop
    return _journey_continue(request, journey)


@never_cache
@require_GET
@family_required
def journey_summary(request: FamilyRequest) -> HttpResponse:
    journey = _journey(request)
    if journey is None:
        return redirect("factures:index")
    lines = services.payment_journey_lines(
        journey=journey,
        family=request.family,
    )
    paid = [line for line in lines if line.payment and line.payment.status == "succeeded"]
    return render(
        request,
        "factures/journey_summary.html",
        {
            "lines": lines,
            "paid_count": len(paid),
            "paid_total": sum((line.payment.amount for line in paid if line.payment), Decimal(0)),
        },
    )
