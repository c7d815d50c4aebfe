"""Mes données: the household's conversations with the structure, with their attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from contact.models import Message
from espace_famille.export import Section, table
from espace_famille.registry import ExportSource, export_sources

if TYPE_CHECKING:
    from famille.models import Family


def sections(family: Family) -> list[Section]:
    messages = Message.objects.filter(thread__family=family).order_by("thread_id", "created_at")
    section = table(
        "messages",
        _("Messages"),
        messages,
        {
            _("Objet"): "thread__subject",
            _("Envoyé le"): "created_at",
            _("Réponse de la structure"): "from_staff",
            _("Message"): "body",
            _("Pièce jointe"): "attachment_name",
        },
    )
    section.files = [
        (m.attachment_name or m.attachment.name, m.attachment) for m in messages if m.attachment
    ]
    return [section]


export_sources.register(ExportSource("contact", 60, sections))
