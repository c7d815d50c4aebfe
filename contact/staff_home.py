"""The contact app's line on the staff home page (espace_famille/staff_home.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from contact.models import Thread
from espace_famille.registry import StaffTodo, staff_todos


def messages_count() -> int:
    """Conversations whose last message, from a family, has no answer yet."""
    return Thread.objects.filter(status=Thread.Status.OPEN).count()


def register() -> None:
    staff_todos.register(
        StaffTodo(
            key="messages",
            order=40,
            permission="contact.view_thread",
            label=ngettext_lazy("%(n)s message sans réponse", "%(n)s messages sans réponse", "n"),
            count=messages_count,
            url=lambda: reverse("admin:contact_thread_changelist") + "?a_traiter=oui",
        )
    )
