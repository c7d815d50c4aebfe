"""Mes documents and Documentation de la structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from famille.models import Family


def _index(family: Family) -> str:
    return reverse("documents:index")


def _upload(family: Family) -> str:
    from documents.models import DocumentType

    document_type = DocumentType.objects.filter(scope=DocumentType.Scope.FAMILY).first()
    return reverse("documents:upload", args=[document_type.pk]) if document_type else _index(family)


def _documentation(family: Family) -> str:
    return reverse("documentation:index")


def _submission_file(family: Family) -> str:
    from documents.models import Submission

    submission = Submission.objects.filter(family=family).order_by("-pk").first()
    return reverse("documents:file", args=[submission.pk]) if submission else _index(family)


PAGES = [
    ("Mes documents", _index),
    ("Envoyer un document (formulaire)", _upload),
    ("Documentation de la structure", _documentation),
    ("Fichier envoyé (téléchargement)", _submission_file),
]
