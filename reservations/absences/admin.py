"""Admin of the justified absences: each activity's policy, and the declarations to review
(accept, or refuse with a reason; the certificate downloaded through a staff-only view)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from espace_famille.admin_security import (
    DefaultChoiceFilter,
    LabelledInlineMixin,
    StaffModelAdmin,
    admin_permissions,
    permission_required,
    refusal_reason_page,
    staff_user,
)
from espace_famille.files import serve_private_file
from espace_famille.uploads import download_name
from reservations.absences.models import (
    AbsenceDay,
    AbsenceDeclaration,
    AbsencePolicy,
    AbsenceReason,
)
from reservations.absences.services import AbsenceRefused, absence_accept, absence_refuse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AbsencePolicyForm(forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        label=_("motifs acceptés"),
        choices=AbsenceReason.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les motifs qu'une famille peut déclarer pour cette activité."),
    )

    class Meta:
        model = AbsencePolicy
        fields = ["activity", "reasons", "certificate_required", "waiting_days"]


@admin.register(AbsencePolicy)
class AbsencePolicyAdmin(StaffModelAdmin):
    form = AbsencePolicyForm
    list_display = ["activity", "reasons_display", "certificate_required", "waiting_days"]
    list_filter = ["certificate_required", "activity__service"]
    list_select_related = ["activity"]
    search_fields = ["activity__name"]
    autocomplete_fields = ["activity"]

    @admin.display(description=_("motifs acceptés"))
    def reasons_display(self, policy: AbsencePolicy) -> str:
        return ", ".join(policy.reason_labels) or "—"


class ReviewFilter(DefaultChoiceFilter):
    """The declarations open on those still to review: where a staff member's day starts."""

    title = _("état")
    parameter_name = "examen"
    DEFAULT = "a_examiner"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [
            ("a_examiner", _("À examiner")),
            ("accepted", _("Acceptées")),
            ("refused", _("Refusées")),
            ("toutes", _("Toutes")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AbsenceDeclaration]
    ) -> QuerySet[AbsenceDeclaration]:
        value = self.value()
        if value == "toutes":
            return queryset
        if value in ("accepted", "refused"):
            return queryset.filter(status=value)
        return queryset.filter(status=AbsenceDeclaration.Status.PENDING)


class AbsenceDayInline(LabelledInlineMixin, admin.TabularInline):
    model = AbsenceDay
    extra = 0
    fields = ["day", "unit", "credited"]
    readonly_fields = ["day", "unit", "credited"]
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AbsenceDay]:
        return super().get_queryset(request).select_related("booking__opening__unit")

    @admin.display(description=_("jour"))
    def day(self, absence: AbsenceDay) -> str:
        return f"{absence.booking.opening.date:%d/%m/%Y}"

    @admin.display(description=_("unité"))
    def unit(self, absence: AbsenceDay) -> str:
        return absence.booking.opening.unit.name

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AbsenceDeclaration)
class AbsenceDeclarationAdmin(StaffModelAdmin):
    list_display = [
        "member",
        "family",
        "activity",
        "days",
        "reason",
        "status",
        "certificate_link",
        "declared_at",
    ]
    list_filter = [ReviewFilter, "reason", "activity"]
    list_select_related = ["member", "family", "activity"]
    search_fields = ["member__first_name", "member__last_name", "family__name"]
    ordering = ["-declared_at", "-pk"]
    show_full_result_count = False
    actions = ["action_accept", "action_refuse"]
    inlines = [AbsenceDayInline]
    fields = [
        "member",
        "activity",
        ("first_day", "last_day"),
        "reason",
        "comment",
        "certificate_link",
        "status",
        ("declared_at", "declared_by"),
        ("decided_at", "decided_by"),
        "refusal_reason",
    ]
    # The status changes only through the actions (credit, email, audit).
    readonly_fields = [
        "member",
        "activity",
        "first_day",
        "last_day",
        "reason",
        "comment",
        "certificate_link",
        "status",
        "declared_at",
        "declared_by",
        "decided_at",
        "decided_by",
        "refusal_reason",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # declared by the families, from their planning

    def has_delete_permission(
        self, request: HttpRequest, obj: AbsenceDeclaration | None = None
    ) -> bool:
        return False  # its review is history (and may have produced a credit note)

    @admin.display(description=_("jours"), ordering="first_day")
    def days(self, declaration: AbsenceDeclaration) -> str:
        if declaration.first_day == declaration.last_day:
            return f"{declaration.first_day:%d/%m/%Y}"
        return f"{declaration.first_day:%d/%m/%Y} - {declaration.last_day:%d/%m/%Y}"

    @admin.display(description=_("justificatif"))
    def certificate_link(self, declaration: AbsenceDeclaration) -> str:
        if not declaration.certificate:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:reservations_absencedeclaration_certificate", args=[declaration.pk]),
            declaration.certificate_name or _t("justificatif"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.certificate_view)
        return [
            path(
                "<int:pk>/justificatif/", view, name="reservations_absencedeclaration_certificate"
            ),
            *super().get_urls(),
        ]

    @admin_permissions("view")
    def certificate_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        declaration = get_object_or_404(AbsenceDeclaration, pk=pk)
        permission_required(self, request, "view", obj=declaration)
        if not declaration.certificate:
            raise Http404
        content_type = declaration.certificate_type or "application/octet-stream"
        return serve_private_file(
            declaration.certificate,
            content_type=content_type,
            filename=download_name(declaration.certificate_name, content_type, "justificatif"),
        )

    @admin.action(
        description=_("Accepter les absences sélectionnées (non facturées, e-mail)"),
        permissions=["change"],
    )
    def action_accept(self, request: HttpRequest, queryset: QuerySet[AbsenceDeclaration]) -> None:
        count = 0
        for declaration in queryset.filter(status=AbsenceDeclaration.Status.PENDING):
            try:
                absence_accept(declaration=declaration, by=staff_user(request), request=request)
            except AbsenceRefused as refusal:
                messages.error(request, f"{declaration} : {refusal.message}")
            else:
                count += 1
        messages.success(
            request,
            ngettext("%(n)d absence acceptée.", "%(n)d absences acceptées.", count) % {"n": count},
        )

    @admin.action(
        description=_("Refuser les absences sélectionnées (motif demandé, e-mail)"),
        permissions=["change"],
    )
    def action_refuse(
        self, request: HttpRequest, queryset: QuerySet[AbsenceDeclaration]
    ) -> HttpResponse | None:
        def refuse(declarations: Iterable[AbsenceDeclaration], reason: str) -> None:
            count = 0
            for declaration in declarations:
                try:
                    absence_refuse(
                        declaration=declaration,
                        by=staff_user(request),
                        reason=reason,
                        request=request,
                    )
                except AbsenceRefused as refusal:
                    messages.error(request, f"{declaration} : {refusal.message}")
                else:
                    count += 1
            messages.success(
                request,
                ngettext("%(n)d absence refusée.", "%(n)d absences refusées.", count)
                % {"n": count},
            )

        return refusal_reason_page(
            self,
            request,
            queryset.filter(status=AbsenceDeclaration.Status.PENDING).select_related(
                "member", "activity"
            ),
            refuse=refuse,
            title=_("Refuser des absences déclarées"),
            action="action_refuse",
        )
