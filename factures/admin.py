"""Billing in the admin: tariffs, the billing run, invoices (read-only), payments and refunds."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from espace_famille import audit
from espace_famille.admin_formats import euro_field, euros
from espace_famille.admin_security import (
    LabelledInlineMixin,
    StaffModelAdmin,
    admin_permissions,
    exists_once,
    permission_required,
    post_only,
    staff_user,
)
from espace_famille.files import serve_private_file
from espace_famille.formatting import long_date
from espace_famille.jobs import JobAlreadyRunning, job_start
from factures import selectors, services
from factures.attestations import (
    YearStatement,
    attestation_years,
    family_year_statement,
    fiscal_attestation_pdf,
    presence_attestation_pdf,
    year_is_past,
)
from factures.audit_kinds import BillingEvent
from factures.billing import month_is_over_check
from factures.forms import CreditNoteForm, OfflinePaymentForm
from factures.models import (
    BillingSettings,
    Invoice,
    InvoiceLine,
    ManualCharge,
    OnlinePaymentMethod,
    Payment,
    PaymentAllocation,
    ProviderEvent,
    Tariff,
)
from factures.payments.gateways import GatewayConfig, config_problems

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from famille.models import Family


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(BillingSettings)
class BillingSettingsAdmin(StaffModelAdmin):
    list_display = ["__str__", "payment_due_days", "overdue_threshold_euros"]
    overdue_threshold_euros = euro_field(BillingSettings, "overdue_threshold")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not exists_once(request, BillingSettings)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Tariff)
class TariffAdmin(StaffModelAdmin):
    list_display = ["unit", "price_euros", "valid_from", "valid_until", "qf_min", "qf_max"]
    price_euros = euro_field(Tariff, "price")
    list_filter = ["unit__activity", "valid_from"]
    search_fields = ["unit__name", "unit__activity__name"]
    list_select_related = ["unit__activity"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit" and formfield is not None and formfield.queryset is not None:
            formfield.queryset = formfield.queryset.select_related("activity")
        return formfield


@admin.register(ManualCharge)
class ManualChargeAdmin(StaffModelAdmin):
    list_display = ["date", "family", "member", "label", "quantity", "unit_price_euros", "line"]
    unit_price_euros = euro_field(ManualCharge, "unit_price")
    list_filter = ["date"]
    search_fields = ["family__name", "label"]
    list_select_related = ["family", "member", "line__invoice"]
    autocomplete_fields = ["family", "member"]

    # Once billed, a charge is history: nobody changes or deletes it.
    def has_change_permission(self, request: HttpRequest, obj: ManualCharge | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.line_id is None)

    def has_delete_permission(self, request: HttpRequest, obj: ManualCharge | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.line_id is None)


class InvoiceLineInline(LabelledInlineMixin, ReadOnlyMixin, admin.TabularInline):
    model = InvoiceLine
    readonly_fields = [
        "member_name",
        "label",
        "quantity",
        "unit_price_euros",
        "amount_euros",
        "childcare",
    ]
    fields = tuple(readonly_fields)
    unit_price_euros = euro_field(InvoiceLine, "unit_price")
    amount_euros = euro_field(InvoiceLine, "amount")
    extra = 0
    can_delete = False


class AllocationInline(LabelledInlineMixin, ReadOnlyMixin, admin.TabularInline):
    model = PaymentAllocation
    readonly_fields = ["payment", "invoice", "amount_euros", "applied"]
    fields = tuple(readonly_fields)
    amount_euros = euro_field(PaymentAllocation, "amount")
    extra = 0
    can_delete = False


class AttestationForm(forms.Form):
    """A family and a past year, for the yearly attestations (staff)."""

    famille: forms.ModelChoiceField[Family] = forms.ModelChoiceField(
        label=_("Famille"),
        queryset=None,
        widget=forms.Select,
    )
    annee = forms.TypedChoiceField(label=_("Année"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.contrib.admin.widgets import AutocompleteSelect

        from famille.models import Family

        super().__init__(*args, **kwargs)
        field = self.fields["famille"]
        field.widget = AutocompleteSelect(ManualCharge._meta.get_field("family"), admin.site)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = Family.objects.all()  # sets the choices
        year = self.fields["annee"]
        if isinstance(year, forms.ChoiceField):
            year.choices = [(value, value) for value in attestation_years(first=1)]


class BillingRunForm(forms.Form):
    month = forms.DateField(
        label=_("Mois à facturer"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Les réservations déjà facturées ne le sont jamais deux fois."),
    )

    def clean_month(self) -> datetime.date:
        month = self.cleaned_data["month"]
        month_is_over_check(month=month)
        return month


@admin.register(Invoice)
class InvoiceAdmin(StaffModelAdmin):
    list_display = [
        "number",
        "kind",
        "family",
        "period_start",
        "issued_on",
        "due_date",
        "total_euros",
        "balance_display",
        "pdf_link",
    ]
    list_filter = ["kind", "issued_on", "due_date"]
    search_fields = ["number", "family__name", "household_name"]
    list_select_related = ["family"]
    # No date_hierarchy: its DISTINCT over every row's day read the whole table (110-320 ms on
    # the benchmark data set); the date filter on the side offers the same periods.
    show_full_result_count = False
    inlines = [InvoiceLineInline, AllocationInline]
    readonly_fields = [
        "number",
        "kind",
        "family",
        "corrects",
        "household_name",
        "household_address",
        "period_start",
        "period_end",
        "issued_on",
        "due_date",
        "total_euros",
        "amount_settled_euros",
        "settled_at",
        "settlement_display",
        "pdf_fingerprint",
        "issued_by",
        "staff_actions",
    ]
    # Shown in euros, read-only; the PDF's own fields are the service's, never typed by staff.
    exclude = ["pdf", "pdf_sha256", "pdf_rendered_at", "total", "amount_settled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.method == "GET" and super().has_change_permission(request, obj)

    @admin.display(description=_("solde"))
    def balance_display(self, obj: Invoice) -> str:
        return euros(obj.balance)

    total_euros = euro_field(Invoice, "total")
    amount_settled_euros = euro_field(Invoice, "amount_settled")

    @admin.display(description=_("acquittement"))
    def settlement_display(self, obj: Invoice) -> str:
        """ "Acquittée le … par …" and what settled it, as on the PDF."""
        if obj.kind != Invoice.Kind.INVOICE or not obj.is_settled or obj.settled_at is None:
            return "—"
        settlements = selectors.invoice_settlements(obj)
        if any(item.is_payment for item in settlements):
            head = gettext("Acquittée le %(date)s par %(methods)s")
        else:
            head = gettext("Soldée le %(date)s par %(methods)s")
        head %= {
            "date": long_date(selectors.settled_on(obj, settlements)),
            "methods": selectors.settlement_methods(settlements),
        }
        return format_html(
            "<strong>{}</strong><br>{}",
            head,
            format_html_join(
                mark_safe("<br>"),
                "{} — {} — {}",
                ((long_date(s.date), s.label, euros(s.amount)) for s in settlements),
            ),
        )

    @admin.display(description=_("empreinte SHA-256"))
    def pdf_fingerprint(self, obj: Invoice) -> str:
        """The first 12 characters (enough to compare), the whole value when hovered."""
        if not obj.pdf_sha256:
            return "—"
        return format_html('<span title="{}">{}…</span>', obj.pdf_sha256, obj.pdf_sha256[:12])

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> str:
        return format_html(
            '<a href="{}">PDF</a>', reverse("admin:factures_invoice_pdf", args=[obj.pk])
        )

    @admin.display(description=_("actions"))
    def staff_actions(self, obj: Invoice) -> str:
        if obj.kind != Invoice.Kind.INVOICE or obj.is_settled:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            reverse("admin:factures_invoice_payment", args=[obj.pk]),
            gettext("Enregistrer un règlement"),
            reverse("admin:factures_invoice_credit_note", args=[obj.pk]),
            gettext("Émettre un avoir"),
        )

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "facturer/",
                self.admin_site.admin_view(self.billing_run_view),
                name="factures_invoice_billing_run",
            ),
            path(
                "<int:pk>/reglement/",
                self.admin_site.admin_view(self.payment_view),
                name="factures_invoice_payment",
            ),
            path(
                "<int:pk>/avoir/",
                self.admin_site.admin_view(self.credit_note_view),
                name="factures_invoice_credit_note",
            ),
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="factures_invoice_pdf",
            ),
            path(
                "attestations/",
                self.admin_site.admin_view(self.attestations_view),
                name="factures_invoice_attestations",
            ),
            path(
                "attestations/frais-de-garde/",
                self.admin_site.admin_view(self.childcare_sync_view),
                name="factures_invoice_childcare_sync",
            ),
            path(
                "attestations/<int:family_pk>/<int:year>/fiscale/",
                self.admin_site.admin_view(self.attestation_fiscale_view),
                name="factures_invoice_attestation_fiscale",
            ),
            path(
                "attestations/<int:family_pk>/<int:year>/presence/<int:member_pk>/",
                self.admin_site.admin_view(self.attestation_presence_view),
                name="factures_invoice_attestation_presence",
            ),
        ]
        return extra + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "billing_run_url": reverse("admin:factures_invoice_billing_run"),
            "attestations_url": reverse("admin:factures_invoice_attestations"),
        }
        return super().changelist_view(request, extra_context)

    def _form_page(
        self,
        request: HttpRequest,
        title: StrOrPromise,
        form: forms.Form,
        obj: Invoice | None = None,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "object": obj,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/factures/form_page.html", context)

    @admin_permissions("view", "factures.add_invoice")
    def billing_run_view(self, request: HttpRequest) -> HttpResponse:
        """Start the billing run of a month as a background job, then show its progress."""
        form = BillingRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            month = form.cleaned_data["month"]
            try:
                month_is_over_check(month=month)
                job = job_start(
                    kind="factures.billing_run",
                    user=staff_user(request),
                    params={"month": month.isoformat()},
                    label=f"{month:%m/%Y}",
                )
            except JobAlreadyRunning as exc:
                self.message_user(request, exc.messages[0], messages.WARNING)
                return HttpResponseRedirect(
                    reverse("admin:espace_famille_staffjob_progress", args=[exc.job.pk])
                )
            except ValidationError as exc:
                form.add_error("month", exc)
                return self._form_page(request, gettext("Facturer un mois"), form)
            return HttpResponseRedirect(
                reverse("admin:espace_famille_staffjob_progress", args=[job.pk])
            )
        return self._form_page(request, gettext("Facturer un mois"), form)

    @admin_permissions("view", "factures.add_payment")  # recording one is adding a Payment
    def payment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = get_object_or_404(Invoice, pk=pk)
        permission_required(self, request, "view", obj=invoice)
        form = OfflinePaymentForm(request.POST or None, initial={"amount": invoice.balance})
        if request.method == "POST" and form.is_valid():
            try:
                services.payment_record_offline(
                    invoice=invoice, user=staff_user(request), **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error("amount", exc)
            else:
                self.message_user(request, gettext("Règlement enregistré."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:factures_invoice_change", args=[pk]))
        return self._form_page(
            request,
            gettext("Règlement de la facture %(number)s") % {"number": invoice.number},
            form,
            invoice,
        )

    @admin_permissions("view", "factures.add_invoice")
    def credit_note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = get_object_or_404(Invoice, pk=pk)
        permission_required(self, request, "view", obj=invoice)
        form = CreditNoteForm(request.POST or None, initial={"amount": invoice.balance})
        if request.method == "POST" and form.is_valid():
            try:
                note = services.credit_note_issue(
                    invoice=invoice, user=staff_user(request), **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error("amount", exc)
            else:
                self.message_user(
                    request,
                    gettext("Avoir %(number)s émis.") % {"number": note.number},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:factures_invoice_change", args=[pk]))
        return self._form_page(
            request,
            gettext("Avoir sur la facture %(number)s") % {"number": invoice.number},
            form,
            invoice,
        )

    @admin_permissions("view")
    def attestations_view(self, request: HttpRequest) -> HttpResponse:
        """A family's yearly numbers, as on its attestations, with the PDFs."""
        form = AttestationForm(request.GET or None)
        statement = None
        if form.is_bound and form.is_valid():
            statement = family_year_statement(
                form.cleaned_data["famille"], form.cleaned_data["annee"]
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Attestations annuelles"),
            "form": form,
            "statement": statement,
            "opts": self.model._meta,
            "years": attestation_years(first=1),
            "may_sync": request.user.has_perm("factures.add_invoice"),
        }
        return TemplateResponse(request, "admin/factures/attestations.html", context)

    @post_only
    @admin_permissions("view", "factures.add_invoice")
    def childcare_sync_view(self, request: HttpRequest) -> HttpResponse:
        """POST: the childcare flags of the year's lines from the activities as they are now."""
        try:
            year = int(request.POST.get("annee", ""))
        except ValueError:
            year = 0
        if not year_is_past(year):
            self.message_user(request, gettext("Choisissez une année passée."), messages.ERROR)
        else:
            count = services.invoice_lines_childcare_sync(
                year=year, user=staff_user(request), request=request
            )
            self.message_user(
                request,
                ngettext("%(count)s ligne mise à jour.", "%(count)s lignes mises à jour.", count)
                % {"count": count},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:factures_invoice_attestations"))

    def _statement(self, family_pk: int, year: int) -> YearStatement:
        from famille.models import Family

        if not year_is_past(year):
            raise Http404
        return family_year_statement(get_object_or_404(Family, pk=family_pk), year)

    @admin_permissions("view")
    def attestation_fiscale_view(
        self, request: HttpRequest, family_pk: int, year: int
    ) -> HttpResponse:
        filename, content = fiscal_attestation_pdf(self._statement(family_pk, year))
        return _pdf_attachment(filename, content)

    @admin_permissions("view")
    def attestation_presence_view(
        self, request: HttpRequest, family_pk: int, year: int, member_pk: int
    ) -> HttpResponse:
        statement = self._statement(family_pk, year)
        child = statement.child(member_pk)
        if child is None:
            raise Http404
        filename, content = presence_attestation_pdf(statement, child)
        return _pdf_attachment(filename, content)

    @admin_permissions("view")
    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        invoice = get_object_or_404(Invoice, pk=pk)
        permission_required(self, request, "view", obj=invoice)
        if not invoice.pdf or invoice.pdf_is_stale:  # settled since: "Acquittée le …"
            invoice = services.invoice_pdf_store(invoice_id=invoice.pk, refresh=True)
        return serve_private_file(
            invoice.pdf, content_type="application/pdf", filename=f"{invoice.number}.pdf"
        )


class ProviderFilter(admin.SimpleListFilter):
    """The registered payment providers, plus "none" (offline payments): Django's filter on
    the field read every payment for its distinct values (14 ms on 22,000 payments)."""

    title = _("prestataire")
    parameter_name = "provider"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        from factures.payments import provider_names

        return [("-", _("aucun (hors ligne)")), *((name, name) for name in provider_names())]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Payment]) -> QuerySet[Payment]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(provider="" if value == "-" else value)


def _pdf_attachment(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@admin.register(Payment)
class PaymentAdmin(StaffModelAdmin):
    list_display = [
        "reference",
        "created_at",
        "family",
        "method",
        "provider",
        "amount_euros",
        "status",
    ]
    list_filter = ["status", "method", ProviderFilter, "created_at"]
    search_fields = ["reference", "provider_reference", "family__name"]
    list_select_related = ["family"]
    # No date_hierarchy: its DISTINCT over every row's day read the whole table (110-320 ms on
    # the benchmark data set); the date filter on the side offers the same periods.
    show_full_result_count = False
    inlines = [AllocationInline]
    readonly_fields = [
        "family",
        "method",
        "provider",
        "reference",
        "provider_reference",
        "amount_euros",
        "currency",
        "status",
        "created_at",
        "confirmed_at",
        "created_by",
        "refunded_at",
        "refunded_by",
        "note",
    ]
    actions = ["mark_refunded"]
    exclude = ["amount"]  # shown in euros, read-only
    amount_euros = euro_field(Payment, "amount")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # offline payments: from the invoice, "Enregistrer un règlement"

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Marquer comme remboursés"), permissions=["change"])
    def mark_refunded(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        count = sum(
            services.payment_refund_mark(payment=payment, by=staff_user(request), request=request)
            for payment in queryset.filter(status=Payment.Status.TO_REFUND)
        )
        self.message_user(
            request, gettext("%(count)s paiement(s) marqué(s) remboursé(s).") % {"count": count}
        )


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyMixin, StaffModelAdmin):
    list_display = ["received_at", "provider", "event_type", "event_id", "status", "payment"]
    list_filter = ["provider", "status", "event_type"]
    search_fields = ["event_id", "payment__reference"]
    list_select_related = ["payment"]
    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_staff and super().has_view_permission(request, obj)


KEEP_KEY = _("Jamais affichée. Laisser vide pour conserver la clé enregistrée.")


class OnlinePaymentMethodForm(forms.ModelForm):
    """The keys are write-only: never rendered back, kept when the field is left empty."""

    key_test = forms.CharField(
        label=_("clé de test"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=KEEP_KEY,
    )
    key_production = forms.CharField(
        label=_("clé de production"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=KEEP_KEY,
    )

    service_url = forms.URLField(
        label=_("adresse du service"),
        required=False,
        assume_scheme="https",
        help_text=OnlinePaymentMethod._meta.get_field("service_url").help_text,
    )
    payment_page_url = forms.URLField(
        label=_("page de paiement (PayFiP)"),
        required=False,
        assume_scheme="https",
        help_text=OnlinePaymentMethod._meta.get_field("payment_page_url").help_text,
    )

    class Meta:
        model = OnlinePaymentMethod
        fields = [
            "backend",
            "label",
            "enabled",
            "merchant_id",
            "mode",
            "key_test",
            "key_production",
            "signature_algo",
            "service_url",
            "payment_page_url",
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        for name in ("key_test", "key_production"):
            if not data.get(name) and self.instance.pk:
                data[name] = getattr(self.instance, name)  # left empty: kept
        backend = data.get("backend")
        if data.get("enabled") and backend:
            config = GatewayConfig(
                label=data.get("label", ""),
                merchant_id=data.get("merchant_id", ""),
                mode=data.get("mode", ""),
                key_test=data.get("key_test", ""),
                key_production=data.get("key_production", ""),
                signature_algo=data.get("signature_algo", ""),
            )
            problems = config_problems(backend, config)
            if problems:
                raise ValidationError(
                    gettext("Options incomplètes pour activer ce moyen de paiement : %(problems)s.")
                    % {"problems": " ; ".join(problems)}
                )
        return data


@admin.register(OnlinePaymentMethod)
class OnlinePaymentMethodAdmin(StaffModelAdmin):
    form = OnlinePaymentMethodForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["label", "backend", "enabled", "mode", "merchant_id", "keys_recorded"]
    list_filter = ["backend", "enabled", "mode"]
    search_fields = ["label", "merchant_id"]

    @admin.display(description=_("clés enregistrées"))
    def keys_recorded(self, obj: OnlinePaymentMethod) -> str:
        names = [
            gettext(label)
            for label, value in (("test", obj.key_test), ("production", obj.key_production))
            if value
        ]
        return ", ".join(names) or "—"

    def save_model(
        self,
        request: HttpRequest,
        obj: OnlinePaymentMethod,
        form: forms.ModelForm[OnlinePaymentMethod],
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name not in ("key_test", "key_production")]
        changed += [name for name in ("key_test", "key_production") if form.data.get(name)]
        summary = gettext("Moyen de paiement en ligne « %(label)s » enregistré (%(fields)s)") % {
            "label": obj.label,
            "fields": ", ".join(changed) or "—",
        }
        kind = BillingEvent.PAYMENT_METHOD_CHANGED
        audit.record(None, request.user, kind, summary, obj=obj, request=request)


# Direct debit: mandates, collections, debits (factures/sepa/admin.py).
from factures.sepa import admin as sepa_admin  # noqa: E402, F401
