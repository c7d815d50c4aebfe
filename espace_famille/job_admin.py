"""Background jobs in the admin: read-only, each seen only by staff allowed to run its kind.

The change page of a job is its progress page: a progress bar that refreshes itself while the
job runs (no JavaScript needed), then the result and a link to what it produced.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from espace_famille.admin_security import StaffModelAdmin, admin_permissions
from espace_famille.jobs import jobs_for
from espace_famille.models import StaffJob

# Seconds between two refreshes of a running job's page.
REFRESH_SECONDS = 2


@admin.register(StaffJob)
class StaffJobAdmin(StaffModelAdmin):
    list_display = ["title", "state", "progress", "started_by", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["started_by"]
    show_full_result_count = False
    readonly_fields = [
        "kind",
        "label",
        "state",
        "done",
        "total",
        "started_by",
        "created_at",
        "finished_at",
    ]
    fields = tuple(readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffJob]:
        # Permissions per kind: a job is seen by staff allowed to start one of its kind.
        return jobs_for(request.user)

    @admin.display(description=_("tâche"))
    def title(self, job: StaffJob) -> str:
        return job.title

    @admin.display(description=_("avancement"))
    def progress(self, job: StaffJob) -> str:
        return f"{job.percent} %"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StaffJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StaffJob | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.progress_view)
        return [
            path("<int:pk>/suivi/", view, name="espace_famille_staffjob_progress"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The job's page is its progress and result.
        if request.method == "GET" and str(object_id).isdigit():
            return self.progress_view(request, int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin_permissions("view")
    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "title": job.title,
            "job": job,
            "opts": self.model._meta,
            "refresh": REFRESH_SECONDS if job.is_live else None,
        }
        return TemplateResponse(request, "admin/espace_famille/staffjob/progress.html", context)
