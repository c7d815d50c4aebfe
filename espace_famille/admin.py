from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from allauth.account import admin as account_admin
from allauth.account.models import EmailAddress
from allauth.mfa import admin as mfa_admin  # noqa: F401 (registers Authenticator, replaced below)
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Field, ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db import admin as tasks_admin
from django_tasks_db.models import DBTaskResult

from espace_famille.accounts import account_deactivate, invitation_send
from espace_famille.admin_security import (
    GuardedActionsMixin,
    StaffModelAdmin,
    admin_permissions,
    exists_once,
    staff_user,
)
from espace_famille.jobs import JobAlreadyRunning, job_start
from espace_famille.models import AuditEvent, Structure, User
from espace_famille.registry import reminder_kinds
from espace_famille.staff_home import staff_index

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

# Fields that give rights: only a superuser, or a staff member allowed to manage staff accounts
# (and then only with rights they hold themselves), sees them in a form.
RIGHTS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
MANAGE_STAFF = "espace_famille.manage_staff"


def can_manage(editor: User, account: User) -> bool:
    """May `editor` change `account` (its email, password, activity, rights)?

    A superuser may change anybody. Nobody else ever changes a superuser; a staff account
    only by someone allowed to manage staff who holds every right that account has (else
    resetting its password would hand those rights over). Parents' logins: the model right.
    """
    if editor.is_superuser:
        return True
    if account.is_superuser:
        return False
    if account.is_staff or account.groups.exists() or account.user_permissions.exists():
        if account.pk == editor.pk:
            return True
        return editor.has_perm(MANAGE_STAFF) and account.get_all_permissions() <= (
            editor.get_all_permissions()
        )
    return True


# Up to this many logins, the invitations go out during the request, each refusal told on the
# list; beyond, a background job sends them with a progress bar (a town's whole list of parents).
INVITATIONS_INLINE_MAX = 25


def send_invitations(request: HttpRequest, users: QuerySet[User]) -> HttpResponse | None:
    """Admin helper shared by the login and family lists."""
    ids = list(users.values_list("pk", flat=True)[: INVITATIONS_INLINE_MAX + 1])
    if len(ids) > INVITATIONS_INLINE_MAX:
        ids = list(users.values_list("pk", flat=True))
        try:
            job = job_start(
                kind="espace_famille.invitations",
                user=staff_user(request),
                params={"user_ids": ids},
                label=ngettext("%(n)d compte", "%(n)d comptes", len(ids)) % {"n": len(ids)},
            )
        except JobAlreadyRunning as exc:
            messages.warning(request, exc.messages[0])
            job = exc.job
        return HttpResponseRedirect(
            reverse("admin:espace_famille_staffjob_progress", args=[job.pk])
        )
    sent = 0
    for user in users.select_related("family"):
        if user.family is not None and not user.family.is_active:
            messages.warning(
                request,
                _("%(email)s : la famille n'est plus active, pas d'invitation.")
                % {"email": user.email},
            )
            continue
        if not user.is_active:
            messages.warning(
                request, _("%(email)s est désactivé : pas d'invitation.") % {"email": user.email}
            )
            continue
        invitation_send(request=request, user=user, sent_by=staff_user(request))
        sent += 1
    if sent:
        messages.success(
            request,
            ngettext("%(n)d invitation envoyée.", "%(n)d invitations envoyées.", sent)
            % {"n": sent},
        )
    return None


@admin.register(User)
class UserAdmin(GuardedActionsMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "last_name",
        "first_name",
        "family",
        "is_active",
        "is_staff",
        "invited_at",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", ("family", admin.EmptyFieldListFilter)]
    list_select_related = ["family"]
    search_fields = ["email", "first_name", "last_name", "family__name"]
    autocomplete_fields = ["family"]
    readonly_fields = ["invited_at", "last_login", "date_joined"]
    actions = ["action_invite", "action_deactivate"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "family")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("invited_at", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "family",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage(staff_user(request), obj))

    @admin_permissions("change")
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's view checks the account itself (can_manage, through has_change_permission).
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_manage(staff_user(request), obj))

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> _FieldsetSpec:
        fieldsets = super().get_fieldsets(request, obj)
        user = request.user
        if user.is_superuser or (user.has_perm(MANAGE_STAFF) and obj is not None):
            return fieldsets
        # Without the right to manage staff, rights are neither shown nor accepted in a POST.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in RIGHTS_FIELDS]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["is_staff", "groups", "user_permissions"]  # nobody promotes oneself
        return fields

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        """A staff manager grants only the permissions, and groups, they hold themselves."""
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        user = request.user
        if formfield is None or formfield.queryset is None or user.is_superuser:
            return formfield
        held = user.get_all_permissions()
        if db_field.name == "user_permissions":
            allowed = [
                p.pk
                for p in formfield.queryset.select_related("content_type")
                if f"{p.content_type.app_label}.{p.codename}" in held
            ]
            formfield.queryset = formfield.queryset.filter(pk__in=allowed)
        elif db_field.name == "groups":
            allowed = [
                group.pk
                for group in formfield.queryset.prefetch_related("permissions__content_type")
                if {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
                <= held
            ]
            formfield.queryset = formfield.queryset.filter(pk__in=allowed)
        return formfield

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._manageable_or_403(request, queryset)  # "delete selected" checks the model only
        super().delete_queryset(request, queryset)

    def _manageable_or_403(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        if any(not can_manage(staff_user(request), user) for user in queryset):
            raise PermissionDenied

    @admin.action(
        description=_("Envoyer l'invitation (lien pour choisir le mot de passe)"),
        permissions=["change"],
    )
    def action_invite(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        self._manageable_or_403(request, queryset)
        return send_invitations(request, queryset)

    @admin.action(description=_("Désactiver les comptes (famille partie)"), permissions=["change"])
    def action_deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._manageable_or_403(request, queryset)
        count = 0
        for user in queryset.filter(is_active=True).select_related("family"):
            account_deactivate(request=request, user=user, by=staff_user(request))
            count += 1
        messages.success(
            request,
            ngettext("%(n)d compte désactivé.", "%(n)d comptes désactivés.", count) % {"n": count},
        )


def _reminder_choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in reminder_kinds]


@admin.register(Structure)
class StructureAdmin(StaffModelAdmin):
    list_display = ["name", "email", "phone"]

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name == "reminders_off":
            # The kinds come from the apps (registry.reminder_kinds): checkboxes, not raw JSON.
            return forms.MultipleChoiceField(
                label=_("Rappels par e-mail désactivés"),
                choices=_reminder_choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_(
                    "Les rappels cochés ne sont envoyés à aucune famille. Les autres partent "
                    "chaque matin, sauf aux familles qui les ont refusés dans Ma famille."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not exists_once(request, Structure)

    def has_delete_permission(self, request: HttpRequest, obj: Structure | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(StaffModelAdmin):
    list_display = ["created_at", "kind", "family", "user", "summary", "ip_address"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["family", "user"]
    search_fields = ["summary", "family__name", "user__email", "object_repr"]
    # No date_hierarchy: its DISTINCT over every row's day read the whole table (110-320 ms on
    # the benchmark data set); the date filter on the side offers the same periods.
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        # The read-only page shows the household and the author: joined, not two more queries.
        return super().get_queryset(request).select_related("family", "user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


# Third-party models, re-registered: French columns, permissions on every action, and the
# second factor's secret never shown. Their admin modules are imported (above) first.
for _model in (Group, EmailAddress, Authenticator, DBTaskResult):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Group)
class GroupAdmin(GuardedActionsMixin, DjangoGroupAdmin):
    """Staff roles (Direction, Accueil, Comptabilité): changed only by someone allowed to manage
    staff, who may only put in a group the rights they hold themselves."""

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._may_manage(request, None)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        if any(not self._may_manage(request, group) for group in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def _may_manage(self, request: HttpRequest, group: Group | None) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        if not user.has_perm(MANAGE_STAFF):
            return False
        if group is None:
            return True
        held = user.get_all_permissions()
        rights = group.permissions.select_related("content_type")
        return {f"{p.content_type.app_label}.{p.codename}" for p in rights} <= held

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if (
            db_field.name == "permissions"
            and formfield is not None
            and formfield.queryset is not None
            and not request.user.is_superuser
        ):
            held = request.user.get_all_permissions()
            allowed = [
                p.pk
                for p in formfield.queryset.select_related("content_type")
                if f"{p.content_type.app_label}.{p.codename}" in held
            ]
            formfield.queryset = formfield.queryset.filter(pk__in=allowed)
        return formfield


@admin.register(EmailAddress)
class EmailAddressAdmin(GuardedActionsMixin, account_admin.EmailAddressAdmin):
    list_display = ["address", "account", "is_primary", "is_verified"]

    @admin.display(description=_("adresse e-mail"), ordering="email")
    def address(self, obj: EmailAddress) -> str:
        return obj.email

    @admin.display(description=_("compte"), ordering="user__email")
    def account(self, obj: EmailAddress) -> str:
        return str(obj.user)

    @admin.display(description=_("principale"), boolean=True, ordering="primary")
    def is_primary(self, obj: EmailAddress) -> bool:
        return obj.primary

    @admin.display(description=_("vérifiée"), boolean=True, ordering="verified")
    def is_verified(self, obj: EmailAddress) -> bool:
        return obj.verified

    def has_change_permission(self, request: HttpRequest, obj: EmailAddress | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage(staff_user(request), obj.user))

    def has_delete_permission(self, request: HttpRequest, obj: EmailAddress | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_manage(staff_user(request), obj.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        if any(
            not can_manage(staff_user(request), a.user) for a in queryset.select_related("user")
        ):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    @admin.action(
        description=_("Marquer les adresses sélectionnées comme vérifiées"), permissions=["change"]
    )
    def make_verified(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        if any(
            not can_manage(staff_user(request), a.user) for a in queryset.select_related("user")
        ):
            raise PermissionDenied
        super().make_verified(request, queryset)


@admin.register(Authenticator)
class AuthenticatorAdmin(StaffModelAdmin):
    """Who protects their login with a second factor. The secret itself is never shown; staff
    may delete an authenticator (a lost phone), never a superuser's unless superuser."""

    list_display = ["account", "kind", "created", "last_used"]
    list_filter = ["type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["account", "kind", "created", "last_used"]
    fields = tuple(readonly_fields)

    @admin.display(description=_("compte"), ordering="user__email")
    def account(self, obj: Authenticator) -> str:
        return str(obj.user)

    @admin.display(description=_("type"), ordering="type")
    def kind(self, obj: Authenticator) -> str:
        return str(obj.get_type_display())

    @admin.display(description=_("créé le"), ordering="created_at")
    def created(self, obj: Authenticator) -> datetime.datetime:
        return obj.created_at

    @admin.display(description=_("dernière utilisation"), ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> datetime.datetime | None:
        return obj.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # each person activates their own, at /accounts/2fa/

    def has_change_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_manage(staff_user(request), obj.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        if any(
            not can_manage(staff_user(request), a.user) for a in queryset.select_related("user")
        ):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


TASK_STATES = {
    "READY": _("en attente"),
    "RUNNING": _("en cours"),
    "FAILED": _("échouée"),
    "SUCCESSFUL": _("réussie"),
}


class TaskStateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return list(TASK_STATES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(DBTaskResult)
class TaskResultAdmin(GuardedActionsMixin, tasks_admin.DBTaskResultAdmin):
    # The base class's tuples are inferred (not declared) types: a list is what Django takes.
    list_display = ["task", "state", "queued", "started", "finished"]  # type: ignore[assignment]  # see above
    list_filter = [TaskStateFilter]  # type: ignore[assignment]  # see above

    @admin.display(description=_("tâche"), ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_path

    @admin.display(description=_("état"), ordering="status")
    def state(self, obj: DBTaskResult) -> str:
        return str(TASK_STATES.get(obj.status, obj.status))

    @admin.display(description=_("mise en file"), ordering="enqueued_at")
    def queued(self, obj: DBTaskResult) -> datetime.datetime:
        return obj.enqueued_at

    @admin.display(description=_("commencée"), ordering="started_at")
    def started(self, obj: DBTaskResult) -> datetime.datetime | None:
        return obj.started_at

    @admin.display(description=_("terminée"), ordering="finished_at")
    def finished(self, obj: DBTaskResult) -> datetime.datetime | None:
        return obj.finished_at


# The email deliveries' and the background jobs' admins.
from espace_famille import email_admin, job_admin  # noqa: E402,F401

# The admin's index opens on what needs doing today (espace_famille/staff_home.py).
admin.site.index = staff_index(admin.site.index)  # type: ignore[method-assign]  # wrapped
admin.site.index_template = "admin/staff_home.html"
