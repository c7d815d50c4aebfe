"""Staff side: requested document types, review of the families' files, the documentation."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from documents.forms import StructureDocumentForm
from documents.models import DocumentType, StructureCategory, StructureDocument, Submission
from documents.selectors import unlocked_by
from documents.services import structure_document_attach, submission_accept, submission_refuse
from documents.views import serve_document
from espace_famille.admin_security import (
    StaffModelAdmin,
    admin_permissions,
    refusal_reason_page,
    staff_user,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@admin.register(DocumentType)
class DocumentTypeAdmin(StaffModelAdmin):
    list_display = [
        "name",
        "scope",
        "mandatory",
        "pending_counts",
        "validity",
        "is_active",
        "order",
    ]
    list_filter = ["scope", "mandatory", "pending_counts", "is_active"]
    search_fields = ["name", "description"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "description",
                    "scope",
                    "mandatory",
                    "pending_counts",
                    "is_active",
                    "order",
                )
            },
        ),
        (
            _("Validité d'un document accepté"),
            {
                "fields": ("validity_months", ("valid_until_day", "valid_until_month")),
                "description": _(
                    "Une durée en mois, ou une date de fin fixe chaque année "
                    "(par exemple le 31 août). Sans l'une ni l'autre, le document reste valable."
                ),
            },
        ),
    )

    @admin.display(description=_("validité"))
    def validity(self, document_type: DocumentType) -> str:
        if document_type.validity_months:
            return str(_("%(months)d mois") % {"months": document_type.validity_months})
        if document_type.valid_until_day and document_type.valid_until_month:
            end = datetime.date(
                2024, document_type.valid_until_month, document_type.valid_until_day
            )
            return str(_("jusqu'au %(date)s")) % {"date": end.strftime("%d/%m")}
        return "—"


class ReviewActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Motif du refus"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


class ExpiredFilter(admin.SimpleListFilter):
    title = _("validité")
    parameter_name = "validite"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [("expire", _("Expiré")), ("valable", _("Valable"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        accepted = queryset.filter(status=Submission.Status.ACCEPTED)
        if self.value() == "expire":
            return accepted.filter(valid_until__lt=today)
        if self.value() == "valable":
            return accepted.exclude(valid_until__lt=today)
        return queryset


@admin.register(Submission)
class SubmissionAdmin(StaffModelAdmin):
    list_display = [
        "document_type",
        "owner",
        "family",
        "status",
        "uploaded_at",
        "valid_until",
        "file_link",
    ]
    list_filter = ["status", ExpiredFilter, "document_type", "uploaded_at"]
    list_select_related = ["family", "member", "document_type"]
    search_fields = ["family__name", "member__first_name", "member__last_name", "original_name"]
    autocomplete_fields = ["family", "member"]
    # No date_hierarchy: its DISTINCT over every row's day read the whole table (110-320 ms on
    # the benchmark data set); the date filter on the side offers the same periods.
    show_full_result_count = False
    action_form = ReviewActionForm
    actions = ["action_accept", "action_refuse"]
    readonly_fields = [
        "family",
        "member",
        "document_type",
        "status",
        "preview",
        "original_name",
        "content_type",
        "size",
        "uploaded_at",
        "uploaded_by",
        "reviewed_at",
        "reviewed_by",
        "valid_until",
        "refusal_reason",
    ]
    fields = tuple(readonly_fields)
    change_form_template = "admin/documents/submission/change_form.html"

    class Media:
        css = {"all": ["documents/admin.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # families send files; staff never make one up

    def has_delete_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        return False  # the history of what was sent and decided stays

    @admin.display(description=_("pour"))
    def owner(self, submission: Submission) -> str:
        return str(submission.member) if submission.member else str(_("le foyer"))

    @admin.display(description=_("fichier"))
    def file_link(self, submission: Submission) -> str:
        url = reverse("admin:documents_submission_file", args=[submission.pk])
        return format_html('<a href="{}">{}</a>', url, _("Ouvrir"))

    @admin.display(description=_("aperçu"))
    def preview(self, submission: Submission) -> str:
        url = reverse("admin:documents_submission_file", args=[submission.pk])
        if submission.content_type.startswith("image/"):
            return format_html(
                '<a href="{0}"><img src="{0}" alt="{1}" class="documents-preview"></a>'
                '<br><a href="{0}?telecharger=1">{2}</a>',
                url,
                submission.label,
                _("Télécharger"),
            )
        return format_html(
            '<a href="{0}">{1}</a> · <a href="{0}?telecharger=1">{2}</a>',
            url,
            _("Ouvrir le PDF"),
            _("Télécharger"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/fichier/", view(self.file_view), name="documents_submission_file"),
            path(
                "<int:pk>/decision/",
                view(require_POST(self.decision_view)),
                name="documents_submission_decision",
            ),
            *super().get_urls(),
        ]

    @admin_permissions("view")
    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        submission = get_object_or_404(Submission.objects.select_related("document_type"), pk=pk)
        if not self.has_view_permission(request, submission):
            raise PermissionDenied
        return serve_document(submission, download="telecharger" in request.GET)

    @admin_permissions("change")
    def decision_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The accept / refuse buttons of the change form."""
        submission = get_object_or_404(Submission, pk=pk)
        if not self.has_change_permission(request, submission):
            raise PermissionDenied
        if "_accept" in request.POST:
            done = self._accept([submission], request, request.POST.get("decision_valid_until"))
        else:
            done = self._refuse([submission], request, request.POST.get("decision_reason", ""))
            if done and unlocked_by(Submission.objects.select_related("document_type").get(pk=pk)):
                # Back to the review page, which lists what the document let through.
                self.message_user(
                    request,
                    _(
                        "Des réservations ont été faites pendant que ce document était en "
                        "attente : elles sont listées ci-dessous, vérifiez-les."
                    ),
                    messages.WARNING,
                )
                done = 0
        if not done:
            return HttpResponseRedirect(reverse("admin:documents_submission_change", args=[pk]))
        changelist = reverse("admin:documents_submission_changelist")
        return HttpResponseRedirect(f"{changelist}?status__exact=pending")

    def _accept(
        self, submissions: list[Submission], request: HttpRequest, valid_until: str | None = None
    ) -> int:
        end = None
        if valid_until:
            try:
                end = datetime.date.fromisoformat(valid_until)
            except ValueError:
                self.message_user(request, _("Date de validité invalide."), messages.ERROR)
                return 0
        done = sum(
            submission_accept(
                submission=s, user=staff_user(request), valid_until=end, request=request
            )
            for s in submissions
        )
        self._report(request, done, len(submissions), accepted=True)
        return done

    def _refuse(self, submissions: list[Submission], request: HttpRequest, reason: str) -> int:
        if not reason.strip():
            self.message_user(
                request,
                _("Indiquez le motif du refus : la famille le recevra."),
                messages.ERROR,
            )
            return 0
        done = sum(
            submission_refuse(
                submission=s, user=staff_user(request), reason=reason, request=request
            )
            for s in submissions
        )
        self._report(request, done, len(submissions), accepted=False)
        return done

    def _report(self, request: HttpRequest, done: int, total: int, accepted: bool) -> None:
        if done and accepted:
            message = ngettext(
                "%(count)d document accepté ; la famille a été prévenue par e-mail.",
                "%(count)d documents acceptés ; les familles ont été prévenues par e-mail.",
                done,
            )
        elif done:
            message = ngettext(
                "%(count)d document refusé ; la famille a été prévenue par e-mail.",
                "%(count)d documents refusés ; les familles ont été prévenues par e-mail.",
                done,
            )
        if done:
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        if total - done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d document n'était pas en attente de validation : inchangé.",
                    "%(count)d documents n'étaient pas en attente de validation : inchangés.",
                    total - done,
                )
                % {"count": total - done},
                messages.WARNING,
            )

    @admin.action(description=_("Accepter les documents sélectionnés"), permissions=["change"])
    def action_accept(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        self._accept(list(queryset), request)

    @admin.action(
        description=_("Refuser les documents sélectionnés (avec le motif saisi)"),
        permissions=["change"],
    )
    def action_refuse(
        self, request: HttpRequest, queryset: QuerySet[Submission]
    ) -> HttpResponse | None:
        # Without the reason beside the actions, an intermediate page asks for it.
        return refusal_reason_page(
            self,
            request,
            queryset,
            refuse=lambda submissions, reason: self._refuse(list(submissions), request, reason),
            title=_("Refuser des documents"),
            action="action_refuse",
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "decision_url": None}
        submission = self.get_object(request, object_id)
        # What the document let through while it waited for review (bookings…).
        extra_context["unlocked"] = unlocked_by(submission) if submission is not None else []
        if submission is not None and submission.status == Submission.Status.PENDING:
            extra_context["decision_url"] = reverse(
                "admin:documents_submission_decision", args=[submission.pk]
            )
            proposed = submission.document_type.valid_until_from(timezone.localdate())
            extra_context["proposed_valid_until"] = proposed.isoformat() if proposed else ""
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(StructureCategory)
class StructureCategoryAdmin(StaffModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(StructureDocument)
class StructureDocumentAdmin(StaffModelAdmin):
    form = StructureDocumentForm
    list_display = ["title", "category", "published_on", "is_published", "return_type", "file_link"]
    list_filter = ["is_published", "category"]
    list_select_related = ["category", "return_type"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["return_type"]
    fields = [
        "title",
        "description",
        "category",
        "published_on",
        "is_published",
        "upload",
        "current_file",
        "return_type",
    ]
    readonly_fields = ["current_file"]

    @admin.display(description=_("fichier"))
    def file_link(self, document: StructureDocument) -> str:
        if not document.file:
            return "—"
        url = reverse("admin:documents_structuredocument_file", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, _("Ouvrir"))

    @admin.display(description=_("fichier actuel"))
    def current_file(self, document: StructureDocument) -> str:
        if not document.pk or not document.file:
            return "—"
        url = reverse("admin:documents_structuredocument_file", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name or _("Ouvrir"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/fichier/",
                self.admin_site.admin_view(self.file_view),
                name="documents_structuredocument_file",
            ),
            *super().get_urls(),
        ]

    @admin_permissions("view")
    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        document = get_object_or_404(StructureDocument, pk=pk)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        return serve_document(document, download="telecharger" in request.GET)

    def save_model(
        self, request: HttpRequest, obj: StructureDocument, form: Any, change: bool
    ) -> None:
        upload = form.cleaned_data.get("upload")
        if upload is not None:
            try:
                structure_document_attach(document=obj, upload=upload)
            except ValidationError as error:  # checked by the form already
                raise PermissionDenied(error.messages) from error
        super().save_model(request, obj, form, change)
