"""Anonymisation of a departed household: its documents go, rows and files."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from documents.models import Submission
from espace_famille.anonymisation import Item, delete_files_on_commit, scrub_admin_history


def documents_erase(family: Any, *, apply: bool) -> list[Item]:
    """Every document the household sent (identity, health, income…): erased with its file."""
    submissions = Submission.objects.filter(family=family).select_related("document_type", "member")
    rows = list(submissions.order_by("pk"))
    if not rows:
        return []
    details = [
        _("%(type)s — %(owner)s") % {"type": s.document_type, "owner": s.member or _("foyer")}
        for s in rows
    ]
    if apply:
        files = [s.file.name for s in rows if s.file]
        scrub_admin_history(Submission, [s.pk for s in rows])
        Submission.objects.filter(pk__in=[s.pk for s in rows]).delete()
        delete_files_on_commit(files)
    count = len(rows)
    label = ngettext(
        "%(n)d document transmis effacé (fichier compris)",
        "%(n)d documents transmis effacés (fichiers compris)",
        count,
    ) % {"n": count}
    return [Item(label, count, details)]
