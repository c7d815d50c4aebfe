"""Direct debit in the admin: mandates (paper ones recorded here), collections and rejects.

Lists show IBANs masked; only a mandate's own page (and its PDF) shows the whole IBAN. Every
custom view declares its rights (@admin_permissions): producing a collection, marking it
debited and recording rejects need the add or change rights of Comptabilité and Direction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from espace_famille.admin_formats import euro_field
from espace_famille.admin_security import (
    LabelledInlineMixin,
    ModelAdminBase,
    StaffModelAdmin,
    admin_permissions,
    permission_required,
)
from espace_famille.files import serve_private_file
from factures.sepa import services
from factures.sepa.banking import direct_debit_enabled, mask_iban, next_debit_date
from factures.sepa.forms import CollectionForm, PaperMandateForm, RejectForm, RejectImportForm
from factures.sepa.models import SepaCollection, SepaDebit, SepaMandate
from famille.models import Family

FORM_PAGE = "admin/factures/sepa/form_page.html"


def form_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form,
    intro: str = "",
    submit: str = "",
    multipart: bool = False,
) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "intro": intro,
        "submit": submit or gettext("Valider"),
        "multipart": multipart,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, FORM_PAGE, context)


class ReadOnlyPageMixin(ModelAdminBase):
    """Object pages only show (written through services): no save buttons that would 403."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)


class StaffPagesMixin(ModelAdminBase):
    """The admin's own pages of a model and the list's buttons that lead to them.

    `staff_pages`: (route, view method, URL name suffix), named `<app>_<model>_<suffix>`;
    `list_buttons`: (URL name suffix, label) shown above the list (the change_list template
    of the sepa folder reads them as `sepa_links`).
    """

    staff_pages: tuple[tuple[str, str, str], ...] = ()
    list_buttons: tuple[tuple[str, Any], ...] = ()
    change_list_template = "admin/factures/sepa/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        extra = [
            path(route, self.admin_site.admin_view(getattr(self, view)), name=f"{prefix}_{name}")
            for route, view, name in self.staff_pages
        ]
        return extra + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        prefix = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        links = [(reverse(f"{prefix}_{name}"), str(label)) for name, label in self.list_buttons]
        extra_context = {**(extra_context or {}), "sepa_links": links}
        return super().changelist_view(request, extra_context)


class PaperMandateAdminForm(PaperMandateForm):
    family = forms.ModelChoiceField(
        label=_("Famille"), queryset=Family.objects.order_by("name"), widget=forms.NumberInput
    )
    field_order = ["family", "holder", "iban", "bic", "signed_on"]


@admin.register(SepaMandate)
class SepaMandateAdmin(StaffPagesMixin, ReadOnlyPageMixin, StaffModelAdmin):
    staff_pages = (("papier/", "paper_view", "paper"), ("<int:pk>/pdf/", "pdf_view", "pdf"))
    list_buttons = (("paper", _("Enregistrer un mandat papier")),)
    list_display = [
        "reference",
        "family",
        "holder",
        "masked_iban_column",
        "source",
        "status",
        "signed_on",
    ]
    list_filter = ["status", "source", "signed_on"]
    search_fields = ["reference", "family__name", "holder"]
    list_select_related = ["family"]
    show_full_result_count = False
    actions = ["revoke"]
    # The mandate itself: the one page that shows the whole IBAN.
    readonly_fields = [
        "reference",
        "family",
        "holder",
        "iban",
        "bic",
        "source",
        "status",
        "signed_on",
        "signed_by",
        "signed_ip",
        "recorded_by",
        "consent_text",
        "ended_at",
        "ended_reason",
        "pdf_link",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("compte"))
    def masked_iban_column(self, obj: SepaMandate) -> str:
        return mask_iban(obj.iban)

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: SepaMandate) -> str:
        url = reverse("admin:factures_sepamandate_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Télécharger le mandat"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # paper mandates: "Enregistrer un mandat papier" (the service checks them)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method == "GET" and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("factures.change_sepamandate")

    @admin.action(description=_("Révoquer les mandats choisis"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[SepaMandate]) -> None:
        count = sum(
            services.mandate_revoke(
                mandate=mandate,
                by=request.user,
                reason=gettext("Révoqué par la structure"),
                request=request,
            )
            for mandate in queryset.exclude(status=SepaMandate.Status.REVOKED)
        )
        self.message_user(request, gettext("%(count)s mandat(s) révoqué(s).") % {"count": count})

    @admin_permissions("view", "factures.add_sepamandate")
    def paper_view(self, request: HttpRequest) -> HttpResponse:
        form = PaperMandateAdminForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                mandate = services.mandate_record_paper(
                    family=data["family"],
                    user=request.user,
                    holder=data["holder"],
                    iban=data["iban"],
                    bic=data["bic"],
                    signed_on=data["signed_on"],
                    request=request,
                )
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    gettext("Mandat %(rum)s enregistré.") % {"rum": mandate.reference},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:factures_sepamandate_change", args=[mandate.pk])
                )
        return form_page(
            self,
            request,
            title=gettext("Enregistrer un mandat papier"),
            form=form,
            intro=gettext(
                "Famille : son numéro (identifiant) dans la liste des familles. Le mandat signé "
                "sur papier reste à conserver par la structure."
            ),
        )

    @admin_permissions("view")
    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        mandate = get_object_or_404(SepaMandate, pk=pk)
        permission_required(self, request, "view", obj=mandate)
        if not mandate.pdf:
            mandate = services.mandate_pdf_store(mandate_id=mandate.pk)
        return serve_private_file(
            mandate.pdf, content_type="application/pdf", filename=f"mandat-{mandate.reference}.pdf"
        )


class DebitInline(LabelledInlineMixin, admin.TabularInline):
    model = SepaDebit
    readonly_fields = [
        "family",
        "invoice",
        "amount_euros",
        "account",
        "sequence",
        "status",
        "reject_code",
    ]
    fields = tuple(readonly_fields)
    amount_euros = euro_field(SepaDebit, "amount")
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[SepaDebit]:
        return super().get_queryset(request).select_related("invoice", "mandate__family")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("famille"))
    def family(self, obj: SepaDebit) -> str:
        return str(obj.mandate.family)

    @admin.display(description=_("compte"))
    def account(self, obj: SepaDebit) -> str:
        return mask_iban(obj.mandate.iban)


@admin.register(SepaCollection)
class SepaCollectionAdmin(StaffPagesMixin, ReadOnlyPageMixin, StaffModelAdmin):
    staff_pages = (
        ("preparer/", "create_view", "create"),
        ("rejets/", "import_view", "import"),
        ("<int:pk>/fichier/", "file_view", "file"),
        ("<int:pk>/prelevee/", "debited_view", "debited"),
    )
    list_buttons = (
        ("create", _("Préparer le prélèvement du mois")),
        ("import", _("Importer les rejets (pain.002)")),
    )
    list_display = [
        "collection_date",
        "count",
        "total_euros",
        "created_at",
        "created_by",
        "debited_at",
        "file_link",
    ]
    list_filter = ["collection_date"]
    list_select_related = ["created_by"]
    show_full_result_count = False
    total_euros = euro_field(SepaCollection, "total")
    readonly_fields = [
        "collection_date",
        "count",
        "total_euros",
        "message_id",
        "file_link",
        "file_sha256",
        "created_at",
        "created_by",
        "debited_at",
        "staff_actions",
    ]
    fields = tuple(readonly_fields)
    inlines = [DebitInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # "Préparer le prélèvement du mois"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method == "GET" and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("fichier"))
    def file_link(self, obj: SepaCollection) -> str:
        url = reverse("admin:factures_sepacollection_file", args=[obj.pk])
        return format_html('<a href="{}">pain.008</a>', url)

    @admin.display(description=_("actions"))
    def staff_actions(self, obj: SepaCollection) -> str:
        if obj.debited_at is not None:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:factures_sepacollection_debited", args=[obj.pk]),
            gettext("Marquer comme prélevée"),
        )

    @admin_permissions("view", "factures.add_sepacollection")  # the add page itself is off
    def create_view(self, request: HttpRequest) -> HttpResponse:
        initial = {"collection_date": next_debit_date(timezone.localdate())}
        form = CollectionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                collection = services.collection_create(
                    collection_date=form.cleaned_data["collection_date"],
                    user=request.user,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error("collection_date", exc)
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(count)s prélèvement(s), %(total)s € : fichier pain.008 produit, "
                        "familles prévenues."
                    )
                    % {"count": collection.count, "total": collection.total},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:factures_sepacollection_change", args=[collection.pk])
                )
        intro = (
            ""
            if direct_debit_enabled()
            else gettext(
                "Le prélèvement n'est pas configuré : SEPA_CREDITOR_ID et SEPA_CREDITOR_IBAN."
            )
        )
        return form_page(
            self,
            request,
            title=gettext("Préparer le prélèvement du mois"),
            form=form,
            intro=intro,
            submit=gettext("Produire le fichier et prévenir les familles"),
        )

    @admin_permissions("view")
    def file_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        collection = get_object_or_404(SepaCollection, pk=pk)
        permission_required(self, request, "view", obj=collection)
        if not collection.file:
            raise Http404
        return serve_private_file(
            collection.file,
            content_type="application/xml",
            filename=f"prelevement-{collection.collection_date:%Y-%m-%d}.xml",
        )

    @admin_permissions("view", "factures.change_sepacollection")  # its page is read-only
    def debited_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        collection = get_object_or_404(SepaCollection, pk=pk)
        permission_required(self, request, "view", obj=collection)
        form = forms.Form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                count = services.collection_mark_debited(
                    collection=collection, by=request.user, request=request
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    gettext("%(count)s facture(s) réglée(s) par prélèvement.") % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:factures_sepacollection_change", args=[pk])
                )
        return form_page(
            self,
            request,
            title=gettext("Marquer comme prélevée : %(collection)s") % {"collection": collection},
            form=form,
            intro=gettext(
                "Chaque prélèvement non rejeté règle sa facture (paiement « Prélèvement »). "
                "Un rejet reçu ensuite remet la facture à payer."
            ),
        )

    @admin_permissions("view", "factures.change_sepadebit")
    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = RejectImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.rejects_import(
                    content=form.cleaned_data["report"], by=request.user, request=request
                )
            except ValidationError as exc:
                form.add_error("report", exc)
            else:
                self.message_user(
                    request,
                    gettext("%(count)s rejet(s) enregistré(s), %(already)s déjà connu(s).")
                    % {"count": result.rejected, "already": result.already},
                    messages.SUCCESS,
                )
                if result.unknown:
                    self.message_user(
                        request,
                        gettext("Prélèvements inconnus, ignorés : %(ids)s")
                        % {"ids": ", ".join(result.unknown[:20])},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(reverse("admin:factures_sepadebit_changelist"))
        return form_page(
            self,
            request,
            title=gettext("Importer les rejets (pain.002)"),
            form=form,
            multipart=True,
        )


@admin.register(SepaDebit)
class SepaDebitAdmin(StaffPagesMixin, ReadOnlyPageMixin, StaffModelAdmin):
    staff_pages = (("<int:pk>/rejet/", "reject_view", "reject"),)
    list_display = [
        "end_to_end_id",
        "collection",
        "family",
        "invoice",
        "amount_euros",
        "account",
        "sequence",
        "status",
        "reject_code",
    ]
    list_filter = ["status", "sequence", "reject_code", "collection__collection_date"]
    search_fields = [
        "end_to_end_id",
        "invoice__number",
        "mandate__reference",
        "mandate__family__name",
    ]
    list_select_related = ["collection", "invoice", "mandate__family"]
    show_full_result_count = False
    amount_euros = euro_field(SepaDebit, "amount")
    readonly_fields = [
        "end_to_end_id",
        "collection",
        "family",
        "mandate",
        "account",
        "invoice",
        "payment",
        "amount_euros",
        "sequence",
        "status",
        "reject_code",
        "rejected_on",
        "staff_actions",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("famille"))
    def family(self, obj: SepaDebit) -> str:
        return str(obj.mandate.family)

    @admin.display(description=_("compte"))
    def account(self, obj: SepaDebit) -> str:
        return mask_iban(obj.mandate.iban)

    @admin.display(description=_("actions"))
    def staff_actions(self, obj: SepaDebit) -> str:
        if obj.status == SepaDebit.Status.REJECTED:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:factures_sepadebit_reject", args=[obj.pk]),
            gettext("Enregistrer un rejet"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method == "GET" and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin_permissions("view", "factures.change_sepadebit")
    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        debit = get_object_or_404(
            SepaDebit.objects.select_related("invoice", "mandate__family"), pk=pk
        )
        permission_required(self, request, "view", obj=debit)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if services.debit_reject(
                debit=debit,
                code=form.cleaned_data["code"],
                rejected_on=form.cleaned_data["rejected_on"],
                by=request.user,
                request=request,
            ):
                self.message_user(
                    request,
                    gettext("Rejet enregistré : la facture %(number)s est de nouveau à payer.")
                    % {"number": debit.invoice.number},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, gettext("Ce prélèvement était déjà rejeté."), messages.WARNING
                )
            return HttpResponseRedirect(reverse("admin:factures_sepadebit_change", args=[pk]))
        return form_page(
            self,
            request,
            title=gettext("Rejet du prélèvement %(id)s") % {"id": debit.end_to_end_id},
            form=form,
            intro=gettext("%(family)s — facture %(number)s, %(amount)s €, compte %(account)s")
            % {
                "family": debit.mandate.family,
                "number": debit.invoice.number,
                "amount": debit.amount,
                "account": mask_iban(debit.mandate.iban),
            },
        )
