"""Anonymisation of a departed household: its conversations go, with their attachments."""

from __future__ import annotations

from typing import Any

from django.utils.translation import ngettext

from contact.models import Message, Thread
from espace_famille.anonymisation import Item, delete_files_on_commit, scrub_admin_history


def conversations_erase(family: Any, *, apply: bool) -> list[Item]:
    threads = list(Thread.objects.filter(family=family).order_by("pk"))
    if not threads:
        return []
    messages = Message.objects.filter(thread__in=threads)
    message_count = messages.count()
    if apply:
        files = list(messages.exclude(attachment="").values_list("attachment", flat=True))
        scrub_admin_history(Thread, [t.pk for t in threads])
        Thread.objects.filter(pk__in=[t.pk for t in threads]).delete()
        delete_files_on_commit(files)
    count = len(threads)
    label = ngettext(
        "%(n)d conversation effacée",
        "%(n)d conversations effacées",
        count,
    ) % {"n": count}
    label += " " + ngettext(
        "(%(n)d message, pièces jointes comprises)",
        "(%(n)d messages, pièces jointes comprises)",
        message_count,
    ) % {"n": message_count}
    return [Item(label, count, [t.subject for t in threads])]
