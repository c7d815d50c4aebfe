from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from espace_famille.admin import send_invitations
from espace_famille.admin_security import (
    LabelledInlineMixin,
    PageOpenedMixin,
    StaffModelAdmin,
    refusal_reason_page,
    staff_user,
)
from espace_famille.anonymisation import household_plan
from espace_famille.formatting import field_label
from espace_famille.models import User
from espace_famille.queries import count_of
from famille.forms import RefuseForm
from famille.models import (
    ANONYMISE_PERMISSION,
    FAMILY_FIELDS,
    HEALTH_FIELDS,
    HEALTH_PERMISSION,
    MEMBER_FIELDS,
    ChangeRequest,
    Family,
    FieldPolicy,
    Member,
    SharedCustody,
)
from famille.selectors import DEFAULT_POLICIES
from famille.services import (
    AnonymisationRefused,
    StaleChangeRequest,
    anonymisation_refusal,
    change_request_accept,
    change_request_refuse,
    family_anonymise,
    health_record_viewed,
    shared_custody_link,
    shared_custody_unlink,
)
from famille.values import review_rows, stale_items

if TYPE_CHECKING:
    from django.contrib.admin.options import (
        _FieldsetSpec,
        _ListDisplayT,
        _ListFilterT,
    )


class MemberInline(LabelledInlineMixin, admin.StackedInline):  # a row would not fit
    model = Member
    extra = 0
    fields = ["role", "first_name", "last_name", "birth_date", "phone", "email"]
    show_change_link = True


class LoginInlineForm(forms.ModelForm):
    """A parent's login typed in the family page: no password until the invitation is used."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]

    def clean_email(self) -> str:
        # Stored lower-case, like UserManager does: logins and uniqueness ignore the case.
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if user._state.adding:
            # An unusable password, not "": the invitation link then lives its full period.
            user.set_unusable_password()
        if commit:
            user.save()
            self._save_m2m()  # type: ignore[attr-defined]  # ModelForm's, left out of the stubs
        return user


class LoginInline(LabelledInlineMixin, admin.StackedInline):  # a row would not fit
    model = User
    form = LoginInlineForm
    fk_name = "family"
    extra = 0
    verbose_name = _("compte parent")
    verbose_name_plural = _("comptes parents (connexion à l'Espace famille)")
    fields = ["email", "first_name", "last_name", "is_active", "invited_at", "last_login"]
    # Deactivation goes through the audited action of the login list, never a checkbox here.
    readonly_fields = ["is_active", "invited_at", "last_login"]
    show_change_link = True


@admin.register(Family)
class FamilyAdmin(StaffModelAdmin):
    list_display = [
        "name",
        "city",
        "phone",
        "email",
        "quotient_familial",
        "member_count",
        "is_active",
    ]
    list_filter = ["is_active", "city"]
    search_fields = ["name", "email", "members__first_name", "members__last_name", "logins__email"]
    inlines = [MemberInline, LoginInline]
    actions = ["action_invite", "action_anonymise"]
    show_full_result_count = False
    readonly_fields = ["left_on", "anonymised_at"]
    fieldsets = (
        (None, {"fields": ("name", "is_active", "left_on", "anonymised_at")}),
        (
            _("Coordonnées"),
            {"fields": ("address", "postal_code", "city", "phone", "phone2", "email")},
        ),
        (
            _("Facturation"),
            {"fields": ("payer_name", "quotient_familial", "quotient_familial_date")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Family]:
        # A correlated count, run for the listed page only (a grouped COUNT over the join read
        # every member of the town before the page was cut).
        return (
            super()
            .get_queryset(request)
            .annotate(_member_count=count_of(Member.objects.filter(family=OuterRef("pk"))))
        )

    @admin.display(description=_("membres"), ordering="_member_count")
    def member_count(self, family: Family) -> int:
        return family._member_count  # type: ignore[attr-defined]  # get_queryset annotates it

    @admin.action(description=_("Envoyer l'invitation aux comptes parents"), permissions=["change"])
    def action_invite(
        self, request: HttpRequest, queryset: QuerySet[Family]
    ) -> HttpResponse | None:
        return send_invitations(request, User.objects.filter(family__in=queryset))

    def has_anonymise_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ANONYMISE_PERMISSION)

    @admin.action(
        description=_("Anonymiser les familles parties (irréversible)"), permissions=["anonymise"]
    )
    def action_anonymise(
        self, request: HttpRequest, queryset: QuerySet[Family]
    ) -> HttpResponse | None:
        """First a page listing exactly what will go; anonymised once staff confirm it."""
        families = list(queryset.order_by("pk"))
        refused = [(f, anonymisation_refusal(f)) for f in families if anonymisation_refusal(f)]
        allowed = [f for f in families if not anonymisation_refusal(f)]
        if "_confirmed" in request.POST and allowed:
            done = 0
            for family in allowed:
                try:
                    family_anonymise(family=family, user=staff_user(request), request=request)
                    done += 1
                except AnonymisationRefused as refusal:
                    messages.error(request, str(refusal))
            messages.success(
                request,
                ngettext("%(n)d famille anonymisée.", "%(n)d familles anonymisées.", done)
                % {"n": done},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Anonymiser des familles parties"),
            "plans": [{"family": f, "plan": household_plan(f)} for f in allowed],
            "refused": refused,
            "action": "action_anonymise",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/famille/family/anonymise_confirm.html", context)


class SharedCustodyInline(LabelledInlineMixin, admin.TabularInline):
    """Garde alternée: the child's second household. Seen and changed with the model's own
    permissions (famille.view/add/change/delete_sharedcustody, checked by the admin); every
    change goes through the services, audited in both households."""

    model = SharedCustody
    extra = 0
    max_num = 1
    fields = ["family", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["family"]
    verbose_name = _("second foyer (garde alternée)")
    verbose_name_plural = _("second foyer (garde alternée)")


@admin.register(Member)
class MemberAdmin(PageOpenedMixin, StaffModelAdmin):
    list_display = ["last_name", "first_name", "role", "birth_date", "has_pai", "family"]
    list_filter = ["role", "has_pai", "can_pick_up", "is_emergency_contact"]
    list_select_related = ["family"]
    search_fields = ["first_name", "last_name", "family__name"]
    autocomplete_fields = ["family"]
    show_full_result_count = False
    inlines = [SharedCustodyInline]
    fieldsets = (
        (None, {"fields": ("family", "role", "first_name", "last_name", "birth_date")}),
        (_("Coordonnées"), {"fields": ("phone", "email", "works")}),
        (_("Scolarité"), {"fields": ("school", "school_class")}),
        (
            _("Santé"),
            {"fields": ("doctor_name", "doctor_phone", "allergies", "dietary_needs", "has_pai")},
        ),
        (
            _("Autorisations"),
            {"fields": ("photo_allowed", "may_leave_alone", "transport_allowed")},
        ),
        (
            _("Autre personne"),
            {"fields": ("relationship", "can_pick_up", "is_emergency_contact")},
        ),
    )

    # Health data: only for the roles given famille.view_health_record; each view is audited.
    def get_fieldsets(self, request: HttpRequest, obj: Member | None = None) -> _FieldsetSpec:
        fieldsets = super().get_fieldsets(request, obj)
        if sees_health(request):
            return fieldsets
        return [
            (name, options)
            for name, options in fieldsets
            if not set(options["fields"]) & set(HEALTH_FIELDS)
        ]

    def get_list_display(self, request: HttpRequest) -> _ListDisplayT[Member]:
        shown = super().get_list_display(request)
        return shown if sees_health(request) else [f for f in shown if f not in HEALTH_FIELDS]

    def get_list_filter(
        self, request: HttpRequest
    ) -> list[_ListFilterT] | tuple[_ListFilterT, ...]:
        shown = super().get_list_filter(request)
        return shown if sees_health(request) else [f for f in shown if f not in HEALTH_FIELDS]

    def watches_pages(self, request: HttpRequest) -> bool:
        return sees_health(request)

    def page_opened(self, request: HttpRequest, obj: Member) -> None:
        health_record_viewed(member=obj, user=staff_user(request), request=request)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not SharedCustody:
            super().save_formset(request, form, formset, change)
            return
        # Garde alternée: through the services (audited in both households), never a bare save.
        user = staff_user(request)
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            shared_custody_unlink(link=link, user=user, request=request)
        for link in links:
            shared_custody_link(
                member=form.instance, family=link.family, user=user, request=request
            )


def sees_health(request: HttpRequest) -> bool:
    return request.user.has_perm(HEALTH_PERMISSION)


def field_policies_ensure() -> None:
    """One row per field, with the defaults, so staff see and set every field."""
    rows = [
        FieldPolicy(
            target=target,
            field_name=name,
            access=DEFAULT_POLICIES[target][name].access,
            required=DEFAULT_POLICIES[target][name].required,
        )
        for target, names in (
            (FieldPolicy.Target.FAMILY, FAMILY_FIELDS),
            (FieldPolicy.Target.MEMBER, MEMBER_FIELDS),
        )
        for name in names
    ]
    FieldPolicy.objects.bulk_create(rows, ignore_conflicts=True)


@admin.register(FieldPolicy)
class FieldPolicyAdmin(StaffModelAdmin):
    list_display = ["field_name", "target", "access", "required"]
    list_display_links = None
    list_editable = ["access", "required"]
    list_filter = ["target", "access", "required"]
    list_per_page = 100

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        field_policies_ensure()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FieldPolicy | None = None) -> bool:
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(StaffModelAdmin):
    list_display = [
        "created_at",
        "family",
        "target_display",
        "kind",
        "fields_display",
        "status",
        "stale_display",
        "created_by",
    ]
    list_filter = ["status", "kind", "created_at"]
    list_select_related = ["family", "member", "created_by"]
    search_fields = ["family__name", "member__first_name", "member__last_name", "created_by__email"]
    # No date_hierarchy: its DISTINCT over every row's day read the whole table (110-320 ms on
    # the benchmark data set); the date filter on the side offers the same periods.
    show_full_result_count = False
    list_per_page = 50
    actions = ["action_accept", "action_refuse"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChangeRequest]:
        return (
            super()
            .get_queryset(request)
            .select_related("family", "member", "created_by", "decided_by")
            .prefetch_related("items")
        )

    @admin.display(description=_("fiche"))
    def target_display(self, obj: ChangeRequest) -> str:
        return obj.target_label

    @admin.display(description=_("champs"))
    def fields_display(self, obj: ChangeRequest) -> str:
        model = obj.model
        return ", ".join(field_label(model, item.field_name) for item in obj.items.all())

    @admin.display(description=_("fiche modifiée depuis"))
    def stale_display(self, obj: ChangeRequest) -> str:
        if obj.status != ChangeRequest.Status.PENDING:
            return ""
        return str(_("⚠ Oui, à revoir")) if stale_items(obj) else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRequest | None = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The side-by-side review page, with "Accepter" and "Refuser (motif)"."""
        # get_object answers None for an id that does not exist or is not a number ("abc").
        change_request = self.get_object(request, unquote(object_id))
        if change_request is None:
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]  # Django private
                request, self.opts, object_id
            )
        if not self.has_view_or_change_permission(request, change_request):
            raise PermissionDenied
        can_decide = self.has_change_permission(request, change_request)
        if request.method == "POST" and not can_decide:
            raise PermissionDenied
        refuse_form = RefuseForm(request.POST or None)
        if (
            request.method == "POST"
            and can_decide
            and self._decide(request, change_request, refuse_form)
        ):
            return HttpResponseRedirect(reverse("admin:famille_changerequest_changelist"))
        stale = stale_items(change_request) if change_request.status == "pending" else []
        rows = review_rows(change_request)
        if change_request.kind != ChangeRequest.Kind.FAMILY and any(
            row["field"] in HEALTH_FIELDS for row in rows
        ):
            if sees_health(request):
                if change_request.member_id and request.method == "GET":
                    health_record_viewed(
                        member=change_request.member,
                        user=staff_user(request),
                        request=request,
                    )
            else:
                hidden = _("(fiche santé : réservée aux personnes habilitées)")
                for row in rows:
                    if row["field"] in HEALTH_FIELDS:
                        row.update(current=hidden, old=hidden, new=hidden)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(change_request),
            "change_request": change_request,
            "rows": rows,
            "stale": stale,
            "refuse_form": refuse_form,
            "can_decide": can_decide and change_request.status == ChangeRequest.Status.PENDING,
        }
        return TemplateResponse(request, "admin/famille/changerequest/review.html", context)

    def _decide(
        self, request: HttpRequest, change_request: ChangeRequest, form: RefuseForm
    ) -> bool:
        try:
            if "_accept" in request.POST:
                change_request_accept(
                    change_request=change_request, user=staff_user(request), request=request
                )
                if change_request.kind == ChangeRequest.Kind.DELETION:
                    messages.success(
                        request,
                        _(
                            "Demande acceptée : les comptes de la famille sont fermés et elle est "
                            "marquée partie. Anonymisez-la depuis Familles (action réservée à la "
                            "Direction), ou elle le sera au terme de sa durée de conservation."
                        ),
                    )
                    return True
                messages.success(
                    request,
                    _("Demande acceptée : la fiche est mise à jour et la famille prévenue."),
                )
                return True
            if "_refuse" in request.POST and form.is_valid():
                change_request_refuse(
                    change_request=change_request,
                    user=staff_user(request),
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, _("Demande refusée : la famille est prévenue."))
                return True
        except StaleChangeRequest:
            messages.error(
                request,
                _(
                    "La fiche a changé depuis la demande : rien n'a été appliqué. "
                    "Vérifiez les valeurs puis refusez la demande avec un motif."
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return False

    @admin.action(description=_("Accepter les demandes sélectionnées"), permissions=["change"])
    def action_accept(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> None:
        accepted, skipped = 0, 0
        for change_request in queryset.filter(status=ChangeRequest.Status.PENDING):
            try:
                change_request_accept(
                    change_request=change_request, user=staff_user(request), request=request
                )
                accepted += 1
            except (StaleChangeRequest, ValidationError):
                skipped += 1
        if accepted:
            messages.success(
                request,
                ngettext("%(n)d demande acceptée.", "%(n)d demandes acceptées.", accepted)
                % {"n": accepted},
            )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(n)d demande non appliquée : sa fiche a changé depuis, à revoir.",
                    "%(n)d demandes non appliquées : leur fiche a changé depuis, à revoir.",
                    skipped,
                )
                % {"n": skipped},
            )

    @admin.action(
        description=_("Refuser les demandes sélectionnées (avec un motif)"), permissions=["change"]
    )
    def action_refuse(
        self, request: HttpRequest, queryset: QuerySet[ChangeRequest]
    ) -> HttpResponse | None:
        def refuse(change_requests: Iterable[ChangeRequest], reason: str) -> None:
            count = 0
            for change_request in change_requests:
                change_request_refuse(
                    change_request=change_request,
                    user=staff_user(request),
                    reason=reason,
                    request=request,
                )
                count += 1
            messages.success(
                request,
                ngettext("%(n)d demande refusée.", "%(n)d demandes refusées.", count)
                % {"n": count},
            )

        return refusal_reason_page(
            self,
            request,
            queryset.filter(status=ChangeRequest.Status.PENDING).select_related("family"),
            refuse=refuse,
            title=_("Refuser des demandes de modification"),
            action="action_refuse",
        )
