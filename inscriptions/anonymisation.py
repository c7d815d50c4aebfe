"""Anonymisation of a departed household: the enrolments stay (bookings and invoices refer to
them), the families' comments and the staff's reasons, which may name people, are erased."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from espace_famille.anonymisation import Item, scrub_admin_history
from inscriptions.models import Enrolment


def enrolment_texts_erase(family: Any, *, apply: bool) -> list[Item]:
    texts = Enrolment.objects.filter(member__family=family).filter(~Q(comment="") | ~Q(reason=""))
    count = texts.count()
    if apply:
        scrub_admin_history(
            Enrolment, Enrolment.objects.filter(member__family=family).values_list("pk", flat=True)
        )
        texts.update(comment="", reason="")
    if not count:
        return []
    label = ngettext(
        "%(n)d commentaire ou motif d'inscription effacé",
        "%(n)d commentaires ou motifs d'inscription effacés",
        count,
    ) % {"n": count}
    return [Item(label, count)]
