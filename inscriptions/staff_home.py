"""The inscriptions app's line on the staff home page (espace_famille/staff_home.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from espace_famille.registry import StaffTodo, staff_todos
from inscriptions.models import Enrolment


def enrolments_count() -> int:
    """Enrolment requests waiting for a decision."""
    return Enrolment.objects.filter(status=Enrolment.Status.REQUESTED).count()


def register() -> None:
    staff_todos.register(
        StaffTodo(
            key="enrolments",
            order=20,
            permission="inscriptions.view_enrolment",
            label=ngettext_lazy(
                "%(n)s demande d'inscription à décider",
                "%(n)s demandes d'inscription à décider",
                "n",
            ),
            count=enrolments_count,
            url=lambda: reverse("admin:inscriptions_enrolment_changelist") + "?decision=a_decider",
        )
    )
