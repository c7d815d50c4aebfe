from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from espace_famille.accounts import account_deactivate, invitation_send
from espace_famille.models import AuditEvent, Structure, User


def send_invitations(request: HttpRequest, users: QuerySet[User]) -> None:
    """Admin helper shared by the login and family lists."""
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
        invitation_send(request=request, user=user, sent_by=request.user)  # type: ignore[arg-type]
        sent += 1
    if sent:
        messages.success(
            request,
            ngettext("%(n)d invitation envoyée.", "%(n)d invitations envoyées.", sent)
            % {"n": sent},
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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

    @admin.action(description=_("Envoyer l'invitation (lien pour choisir le mot de passe)"))
    def action_invite(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        send_invitations(request, queryset)

    @admin.action(description=_("Désactiver les comptes (famille partie)"))
    def action_deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.filter(is_active=True).select_related("family"):
            account_deactivate(request=request, user=user, by=request.user)  # type: ignore[arg-type]
            count += 1
        messages.success(
            request,
            ngettext("%(n)d compte désactivé.", "%(n)d comptes désactivés.", count) % {"n": count},
        )


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Structure.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Structure | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "family", "user", "summary", "ip_address"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["family", "user"]
    search_fields = ["summary", "family__name", "user__email", "object_repr"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


from espace_famille import email_admin  # noqa: E402,F401  (the email deliveries' admin)
