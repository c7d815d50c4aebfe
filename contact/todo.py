"""The dashboard's "À faire" line of Contact: the structure's answers not read yet."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import ngettext

from contact.selectors import unread_answers_count
from espace_famille.queries import once_per_instance
from espace_famille.registry import TodoLine
from famille.models import Family


def badge(family: Family) -> int:
    """The tile's badge: the answers not read (one query, shared with the line)."""
    return once_per_instance(family, "contact:unread", lambda: unread_answers_count(family))


def todo_lines(family: Family, today: datetime.date) -> list[TodoLine]:
    """The badge's query."""
    count = badge(family)
    if not count:
        return []
    text = ngettext(
        "%(n)s réponse de la structure à lire", "%(n)s réponses de la structure à lire", count
    ) % {"n": count}
    return [TodoLine(text=text, url=reverse("contact:index"))]
