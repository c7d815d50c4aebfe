"""Reads shared by the contact views and the dashboard badge."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from contact.models import Message, Thread
from famille.models import Family


def family_threads(family: Family) -> QuerySet[Thread]:
    """The family's conversations with their count of unread answers (one query)."""
    return family.threads.annotate(
        unread=Count("messages", filter=Q(messages__from_staff=True, messages__read_at=None))
    ).order_by("-last_message_at", "-pk")


def unread_answers_count(family: Family) -> int:
    """Dashboard badge: answers of the structure the family has not read (one query)."""
    return Message.objects.filter(
        thread__family=family, from_staff=True, read_at__isnull=True
    ).count()
