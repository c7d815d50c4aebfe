"""Mes données: everything the structure holds about one household, as a ZIP.

Each app registers the sections it owns (`registry.export_sources`) in its own `export.py`,
found like admin modules (`autodiscover_modules`), each reading strictly through the family it
is given; the core assembles them: `donnees.json` (machine-readable),
`resume.html` (readable), and the household's own files under `fichiers/`.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from espace_famille.registry import ExportSource, export_sources

logger = logging.getLogger(__name__)


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    # (name inside fichiers/<key>/, the stored file)
    files: list[tuple[str, FieldFile]] = field(default_factory=list)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date | Decimal):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return str(value)


def table(key: str, title: str, queryset: QuerySet, columns: dict[str, str]) -> Section:
    """A section from a queryset: `columns` maps each heading to a field lookup."""
    lookups = list(columns.values())
    rows = [[_text(row[lookup]) for lookup in lookups] for row in queryset.values(*lookups)]
    return Section(key=key, title=title, columns=list(columns), rows=rows)


def sections_for(family: Any) -> list[Section]:
    autodiscover_modules("export")  # each app's export.py registers its sections (once)
    found: list[Section] = []
    for source in export_sources:
        found.extend(source.build(family))
    return found


def household_export(*, family: Any, user: Any, request: Any = None) -> bytes:
    """The household's ZIP for a parent of that household, audited."""
    from espace_famille import audit

    content = household_zip(family)
    audit.record(
        family,
        user,
        audit.Kind.DATA_EXPORTED,
        _("Données du foyer téléchargées (%(size)d Ko)") % {"size": len(content) // 1024},
        request=request,
    )
    return content


def household_zip(family: Any) -> bytes:
    """The ZIP of one household: JSON, an HTML summary, and its files."""
    sections = sections_for(family)
    generated = timezone.localtime().isoformat(timespec="seconds")
    data = {
        "generated_at": generated,
        "sections": {
            s.key: {
                "title": s.title,
                "rows": [dict(zip(s.columns, r, strict=True)) for r in s.rows],
            }
            for s in sections
        },
    }
    summary = render_to_string(
        "export/summary.html", {"family": family, "sections": sections, "generated": generated}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("resume.html", summary)
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for section in sections:
            for position, (name, stored) in enumerate(section.files, start=1):
                safe = get_valid_filename(name) or "fichier"
                try:
                    with stored.open("rb") as handle:
                        content = handle.read()
                except OSError:  # a file lost from storage: the rest of the export still goes
                    logger.warning("export: file of %s %d missing", section.key, position)
                    continue
                archive.writestr(f"fichiers/{section.key}/{position:03d}-{safe}", content)
    return buffer.getvalue()


def _core_sections(family: Any) -> list[Section]:
    from espace_famille.models import AuditEvent, User

    return [
        table(
            "comptes",
            _("Comptes de connexion"),
            User.objects.filter(family=family).order_by("pk"),
            {
                _("E-mail"): "email",
                _("Prénom"): "first_name",
                _("Nom"): "last_name",
                _("Actif"): "is_active",
                _("Dernière connexion"): "last_login",
            },
        ),
        table(
            "journal",
            _("Connexions et actions sur le compte"),
            AuditEvent.objects.filter(family=family).order_by("created_at", "pk"),
            {
                _("Date"): "created_at",
                _("Type"): "kind",
                _("Résumé"): "summary",
                _("Adresse IP"): "ip_address",
            },
        ),
    ]


export_sources.register(ExportSource("compte", 90, _core_sections))
