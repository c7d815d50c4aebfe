"""Admin of the registration campaigns: the campaign and its ordered rules, the button that
runs the allocation (permission « Peut lancer l'attribution »), and the results explained."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from espace_famille.admin_security import (
    LabelledInlineMixin,
    StaffModelAdmin,
    admin_permissions,
    permission_required,
)
from reservations.campaigns.models import Campaign, CampaignRequest, CampaignRule
from reservations.campaigns.priorities import priority_rule
from reservations.campaigns.services import CLOSE_GRACE, CampaignError, campaign_allocate


class CampaignRuleInline(LabelledInlineMixin, admin.TabularInline):
    model = CampaignRule
    extra = 0
    fields = ["order", "rule", "field_read"]
    readonly_fields = ["field_read"]

    @admin.display(description=_("champ lu"))
    def field_read(self, rule: CampaignRule) -> str:
        found = priority_rule(rule.rule) if rule.pk else None
        return str(found.field) if found else "—"

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        if obj is not None and obj.allocated_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        if obj is not None and obj.allocated_at is not None:
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        if obj is not None and obj.allocated_at is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Campaign)
class CampaignAdmin(StaffModelAdmin):
    list_display = [
        "name",
        "start_date",
        "end_date",
        "requests_open_at",
        "requests_close_at",
        "results_at",
        "phase_display",
        "requests_count",
    ]
    list_filter = ["start_date", "activities"]
    search_fields = ["name"]
    filter_horizontal = ["activities"]
    date_hierarchy = "start_date"
    inlines = [CampaignRuleInline]
    actions = ["action_allocate"]
    fieldsets = (
        (None, {"fields": ("name", "activities", ("start_date", "end_date"))}),
        (
            _("Demandes et résultats"),
            {"fields": (("requests_open_at", "requests_close_at"), "results_at")},
        ),
        (
            _("Attribution"),
            {
                "fields": (
                    "keep_whole_weeks",
                    "seed",
                    "allocated_at",
                    "results_link",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return super().get_queryset(request).annotate(_requests=Count("requests"))

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list[str]:
        # The seed is drawn at creation and never chosen: nobody can try seeds for a result.
        readonly = ["seed", "allocated_at", "results_link"]
        if obj is not None and obj.allocated_at is not None:
            # The result is history: the dates and the activities that produced it.
            readonly += [
                "name",
                "activities",
                "start_date",
                "end_date",
                "requests_open_at",
                "requests_close_at",
                "results_at",
                "keep_whole_weeks",
            ]
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        if obj is not None and obj.allocated_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def has_allocate_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return request.user.has_perm("reservations.allocate_campaign")

    @admin.display(description=_("état"))
    def phase_display(self, campaign: Campaign) -> str:
        return str(Campaign.Phase(campaign.phase()).label)

    @admin.display(description=_("demandes"), ordering="_requests")
    def requests_count(self, campaign: Campaign) -> int:
        return int(getattr(campaign, "_requests", 0))  # annotated by get_queryset

    @admin.display(description=_("résultats"))
    def results_link(self, campaign: Campaign) -> str:
        if campaign.pk is None:
            return "—"
        url = reverse("admin:reservations_campaignrequest_changelist")
        links = format_html(
            '<a href="{}?campaign__id__exact={}">{}</a>',
            url,
            campaign.pk,
            _t("Voir les demandes et pourquoi chaque enfant a eu ou non une place"),
        )
        if campaign.allocated_at is None:
            allocate = reverse("admin:reservations_campaign_allocate", args=[campaign.pk])
            links += format_html(' · <a href="{}">{}</a>', allocate, _t("Lancer l'attribution…"))
        return links

    def _allocate(self, request: HttpRequest, campaign: Campaign) -> bool:
        try:
            result = campaign_allocate(campaign=campaign, by=request.user, request=request)
        except CampaignError as error:
            messages.error(request, error.message)
            return False
        messages.success(
            request,
            ngettext(
                "« %(name)s » attribuée : %(granted)d place attribuée ; familles prévenues.",
                "« %(name)s » attribuée : %(granted)d places attribuées ; familles prévenues.",
                len(result.granted()),
            )
            % {"name": campaign.name, "granted": len(result.granted())},
        )
        return True

    @admin.action(description=_("Lancer l'attribution (une seule fois)"), permissions=["allocate"])
    def action_allocate(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            self._allocate(request, campaign)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.allocate_view)
        return [
            path("<int:pk>/attribuer/", view, name="reservations_campaign_allocate"),
            *super().get_urls(),
        ]

    @admin_permissions("allocate")
    def allocate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=pk)
        permission_required(self, request, "view", obj=campaign)
        if request.method == "POST" and "_confirm" in request.POST:
            self._allocate(request, campaign)
            return redirect("admin:reservations_campaign_change", campaign.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _t("Lancer l'attribution de « %(name)s »") % {"name": campaign.name},
            "campaign": campaign,
            "phase": Campaign.Phase(campaign.phase()).label,
            "closed": campaign.allocated_at is None
            and timezone.now() >= campaign.requests_close_at + CLOSE_GRACE,
            "rules": list(campaign.rules.order_by("order", "pk")),
            "requests": campaign.requests.count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reservations/campaign/allocate.html", context)


@admin.register(CampaignRequest)
class CampaignRequestAdmin(StaffModelAdmin):
    """The requests of every campaign and, once allocated, what each got and why."""

    list_display = [
        "member",
        "family",
        "day",
        "unit",
        "outcome",
        "priority",
        "draw",
        "waiting_rank",
        "explanation",
    ]
    list_filter = ["campaign", "outcome"]
    list_select_related = ["member__family", "opening__unit", "campaign"]
    search_fields = ["member__first_name", "member__last_name", "member__family__name"]
    show_full_result_count = False
    ordering = ["campaign", "draw", "member__family__name", "member__first_name", "opening__date"]
    readonly_fields = [
        "campaign",
        "member",
        "opening",
        "created_at",
        "created_by",
        "outcome",
        "priority",
        "draw",
        "waiting_rank",
        "explanation",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("foyer"), ordering="member__family__name")
    def family(self, request_: CampaignRequest) -> str:
        return str(request_.member.family.name)

    @admin.display(description=_("jour"), ordering="opening__date")
    def day(self, request_: CampaignRequest) -> str:
        return f"{request_.opening.date:%d/%m/%Y}"

    @admin.display(description=_("unité"))
    def unit(self, request_: CampaignRequest) -> str:
        return request_.opening.unit.name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # parents ask from their planning

    def has_change_permission(
        self, request: HttpRequest, obj: CampaignRequest | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: CampaignRequest | None = None
    ) -> bool:
        return False
