"""Mes données: the documents the household sent, with the files themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from documents.models import Submission
from espace_famille.export import Section, table
from espace_famille.registry import ExportSource, export_sources

if TYPE_CHECKING:
    from famille.models import Family


def sections(family: Family) -> list[Section]:
    submissions = Submission.objects.filter(family=family).order_by("pk")
    section = table(
        "documents",
        _("Documents transmis"),
        submissions,
        {
            _("Document"): "document_type__name",
            _("Prénom"): "member__first_name",
            _("Statut"): "status",
            _("Transmis le"): "uploaded_at",
            _("Valable jusqu'au"): "valid_until",
            _("Motif du refus"): "refusal_reason",
            _("Nom du fichier"): "original_name",
        },
    )
    section.files = [(s.original_name or s.file.name, s.file) for s in submissions if s.file]
    return [section]


export_sources.register(ExportSource("documents", 20, sections))
