"""The famille app's line on the staff home page (espace_famille/staff_home.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from espace_famille.registry import StaffTodo, staff_todos
from famille.models import ChangeRequest


def changes_count() -> int:
    """Change requests families sent, waiting for a decision."""
    return ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count()


def register() -> None:
    staff_todos.register(
        StaffTodo(
            key="changes",
            order=10,
            permission="famille.view_changerequest",
            label=ngettext_lazy(
                "%(n)s demande de modification à traiter",
                "%(n)s demandes de modification à traiter",
                "n",
            ),
            count=changes_count,
            url=lambda: (
                reverse("admin:famille_changerequest_changelist") + "?status__exact=pending"
            ),
        )
    )
