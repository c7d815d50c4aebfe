"""Anonymisation of a departed household: its absence declarations stay (their credited days
explain credit notes), their certificates (health data) go with their files, and the families'
details and the staff's refusal reasons, which may name people, are erased."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from espace_famille.anonymisation import Item, delete_files_on_commit, scrub_admin_history
from reservations.absences.models import AbsenceDeclaration


def absence_texts_erase(family: Any, *, apply: bool) -> list[Item]:
    declarations = AbsenceDeclaration.objects.filter(family=family)
    touched = declarations.filter(~Q(comment="") | ~Q(refusal_reason="") | ~Q(certificate=""))
    count = touched.count()
    if apply:
        scrub_admin_history(AbsenceDeclaration, declarations.values_list("pk", flat=True))
        files = [name for name in touched.values_list("certificate", flat=True) if name]
        touched.update(
            comment="",
            refusal_reason="",
            certificate="",
            certificate_name="",
            certificate_type="",
        )
        delete_files_on_commit(files)
    if not count:
        return []
    label = ngettext(
        "%(n)d absence déclarée : justificatif et commentaires effacés",
        "%(n)d absences déclarées : justificatifs et commentaires effacés",
        count,
    ) % {"n": count}
    return [Item(label, count)]
