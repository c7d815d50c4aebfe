from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from espace_famille.admin import send_invitations
from espace_famille.models import User
from famille.models import Family, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["role", "first_name", "last_name", "birth_date", "phone", "email"]


class LoginInline(admin.TabularInline):
    model = User
    fk_name = "family"
    extra = 0
    verbose_name = _("compte parent")
    verbose_name_plural = _("comptes parents (connexion à l'Espace famille)")
    fields = ["email", "first_name", "last_name", "is_active", "invited_at", "last_login"]
    readonly_fields = ["invited_at", "last_login"]
    show_change_link = True


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "phone", "email", "member_count", "is_active"]
    list_filter = ["is_active", "city"]
    search_fields = ["name", "email", "members__first_name", "members__last_name", "logins__email"]
    inlines = [MemberInline, LoginInline]
    actions = ["action_invite"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Family]:
        return super().get_queryset(request).annotate(_member_count=Count("members"))

    @admin.display(description=_("membres"), ordering="_member_count")
    def member_count(self, family: Family) -> int:
        return family._member_count  # type: ignore[attr-defined]

    @admin.action(description=_("Envoyer l'invitation aux comptes parents"))
    def action_invite(self, request: HttpRequest, queryset: QuerySet[Family]) -> None:
        send_invitations(request, User.objects.filter(family__in=queryset))


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "role", "birth_date", "family"]
    list_filter = ["role"]
    list_select_related = ["family"]
    search_fields = ["first_name", "last_name", "family__name"]
    autocomplete_fields = ["family"]
    show_full_result_count = False
