"""The admin's home page: what needs doing today, the apps' panels, the background jobs.

The core imports no app: each app registers its to-do lines (`registry.staff_todos`)
and panels (`registry.staff_panels`) in its `AppConfig.ready`; a line or a panel is
shown only to staff holding its permission. One query per line, a few per panel, one for the
jobs: the page stays within the admin's budget (15 queries), flat as the town grows.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from espace_famille.admin_security import staff_user
from espace_famille.jobs import jobs_for
from espace_famille.registry import staff_panels, staff_todos

if TYPE_CHECKING:
    from espace_famille.models import StaffJob, User


class AdminIndex(Protocol):
    """`AdminSite.index`: the request and the template's extra context."""

    def __call__(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse: ...


# Finished jobs stay on the home page this long (running ones until they finish).
JOBS_SHOWN_FOR = datetime.timedelta(days=7)
JOBS_SHOWN = 5


def todo_lines(user: User) -> list[dict[str, Any]]:
    lines = []
    for todo in staff_todos:
        if not user.has_perm(todo.permission):
            continue
        count = todo.count()
        lines.append({"key": todo.key, "count": count, "text": todo.text(count), "url": todo.url()})
    return lines


def panels(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"key": panel.key, "template": panel.template, **panel.context(request)}
        for panel in staff_panels
        if request.user.has_perm(panel.permission)
    ]


def recent_jobs(user: User) -> list[StaffJob]:
    since = timezone.now() - JOBS_SHOWN_FOR
    return list(jobs_for(user).filter(created_at__gte=since)[:JOBS_SHOWN])


def staff_home_context(request: HttpRequest) -> dict[str, Any]:
    user = staff_user(request)
    return {
        "todo_lines": todo_lines(user),
        "staff_panels": panels(request),
        "staff_jobs": recent_jobs(user),
        "staff_jobs_url": reverse("admin:espace_famille_staffjob_changelist"),
        "staff_jobs_visible": user.has_perm("espace_famille.view_staffjob"),
    }


def staff_index(index: AdminIndex) -> AdminIndex:
    """Wrap `AdminSite.index` so that it opens on the staff home page."""

    def view(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        return index(request, {**staff_home_context(request), **(extra_context or {})})

    return view


def failed_emails_count() -> int:
    """Emails the mail server refused for good (after the last attempt)."""
    from espace_famille.models import EmailDelivery

    return EmailDelivery.objects.filter(status=EmailDelivery.Status.FAILED).count()


def register() -> None:
    """The core's own line: the emails that could not be sent."""
    from django.utils.translation import gettext_lazy, ngettext_lazy

    from espace_famille.accounts import invitations_job
    from espace_famille.registry import JobKind, StaffTodo, job_kinds, staff_todos

    job_kinds.register(
        JobKind(
            key="espace_famille.invitations",
            title=gettext_lazy("Inviter des parents"),
            permission="espace_famille.change_user",
            run=invitations_job,
        )
    )

    staff_todos.register(
        StaffTodo(
            key="emails",
            order=90,
            permission="espace_famille.view_emaildelivery",
            label=ngettext_lazy(
                "%(n)s e-mail non envoyé (échec)", "%(n)s e-mails non envoyés (échec)", "n"
            ),
            count=failed_emails_count,
            url=lambda: (
                reverse("admin:espace_famille_emaildelivery_changelist") + "?status__exact=failed"
            ),
        )
    )
