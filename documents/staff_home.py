"""The documents app's line on the staff home page (espace_famille/staff_home.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from documents.models import Submission
from espace_famille.registry import StaffTodo, staff_todos


def documents_count() -> int:
    """Documents families sent, waiting for review."""
    return Submission.objects.filter(status=Submission.Status.PENDING).count()


def register() -> None:
    staff_todos.register(
        StaffTodo(
            key="documents",
            order=30,
            permission="documents.view_submission",
            label=ngettext_lazy("%(n)s document à vérifier", "%(n)s documents à vérifier", "n"),
            count=documents_count,
            url=lambda: reverse("admin:documents_submission_changelist") + "?status__exact=pending",
        )
    )
