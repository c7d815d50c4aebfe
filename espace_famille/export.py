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
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from espace_famille.anonymisation import delete_files_on_commit
from espace_famille.models import DataExport
from espace_famille.registry import ExportSource, RetentionStep, export_sources, retention_steps

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Family

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


def sections_for(family: Family) -> list[Section]:
    autodiscover_modules("export")  # each app's export.py registers its sections (once)
    found: list[Section] = []
    for source in export_sources:
        found.extend(source.build(family))
    return found


# In the background: requested on the page, built by a task, emailed as a signed link valid
# MY_DATA_LINK_DAYS, downloaded by a parent of the same household only, erased once expired.

TOKEN_SALT = "espace_famille.export.download"  # noqa: S105 (a salt, not a secret)


def download_token(export: DataExport) -> str:
    """The link's signed part: names the export and its household (checked on download)."""
    return signing.dumps({"e": export.pk, "f": export.family_id}, salt=TOKEN_SALT)


def download_url(export: DataExport) -> str:
    return settings.SITE_URL + reverse("my_data_download", args=[download_token(export)])


class ExportUnavailable(Exception):
    """The link is not this household's, is forged, or has expired: nothing is served."""


def export_for_token(*, token: str, family: Family, now: datetime.datetime) -> DataExport:
    """The export a link names, if it belongs to this household and has not expired."""
    max_age = datetime.timedelta(days=settings.MY_DATA_LINK_DAYS)
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        raise ExportUnavailable from None
    if not isinstance(data, dict) or data.get("f") != family.pk:
        raise ExportUnavailable
    export_id = data.get("e")
    if not isinstance(export_id, int):
        raise ExportUnavailable
    export = DataExport.objects.filter(
        pk=export_id, family=family, status=DataExport.Status.READY, expires_at__gt=now
    ).first()
    if export is None or not export.file:
        raise ExportUnavailable
    return export


def export_request(*, family: Family, user: User, request: Any = None) -> DataExport:
    """A parent asks for the household's data: recorded now, built by a background task.

    A request already in preparation is reused rather than queued twice."""
    from espace_famille import audit
    from espace_famille.tasks import build_household_export

    with transaction.atomic():
        pending = DataExport.objects.filter(family=family, status=DataExport.Status.PENDING).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(family=family, requested_by=user)
        audit.record(
            family,
            user,
            audit.Kind.DATA_EXPORT_REQUESTED,
            _("Données du foyer demandées : préparation en cours"),
            obj=export,
            request=request,
        )
        transaction.on_commit(lambda: build_household_export.enqueue(export_id=export.pk))
    return export


def export_build(*, export_id: int) -> str:
    """The task's work: build the ZIP, store it, email the link. Returns the new status."""
    from espace_famille import audit
    from espace_famille.emails import send_to_family
    from espace_famille.files import atomic_with_files, file_save

    export = DataExport.objects.select_related("family").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return "nothing to do"
    content = household_zip(export.family)
    now = timezone.now()
    with atomic_with_files():
        export = DataExport.objects.select_for_update().get(pk=export_id)
        if export.status != DataExport.Status.PENDING:
            return "nothing to do"
        file_save(export.file, "mes-donnees.zip", ContentFile(content))
        export.size = len(content)
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + datetime.timedelta(days=settings.MY_DATA_LINK_DAYS)
        export.save()
        audit.record(
            export.family,
            None,
            audit.Kind.DATA_EXPORT_READY,
            _("Données du foyer prêtes (%(size)d Ko), lien envoyé par e-mail")
            % {"size": len(content) // 1024},
            obj=export,
        )
        link, expires, family = download_url(export), export.expires_at, export.family
        transaction.on_commit(
            lambda: send_to_family(
                "my_data_ready", family=family, context={"link": link, "expires": expires}
            )
        )
    return export.status


def export_failed(*, export_id: int) -> None:
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.FAILED
    )


def export_downloaded(*, export: DataExport, user: User, request: Any = None) -> None:
    from espace_famille import audit

    audit.record(
        export.family,
        user,
        audit.Kind.DATA_EXPORTED,
        _("Données du foyer téléchargées (%(size)d Ko)") % {"size": export.size // 1024},
        obj=export,
        request=request,
    )


def expired_exports_purge(*, now: datetime.datetime, apply: bool) -> int:
    """Retention step: exports past their link's validity (and failed ones) go with their file."""
    old = DataExport.objects.filter(
        Q(expires_at__lte=now)
        | Q(status=DataExport.Status.FAILED)
        | Q(status=DataExport.Status.PENDING, created_at__lte=now - datetime.timedelta(days=1))
    )
    if not apply:
        return old.count()
    with transaction.atomic():
        files = list(old.values_list("file", flat=True))
        count, _per_model = old.delete()
        delete_files_on_commit(files)
    return count


retention_steps.register(RetentionStep("exports", expired_exports_purge))


def household_export(*, family: Family, user: User | None, request: Any = None) -> bytes:
    """The household's ZIP at once (staff tools, tests), audited as a download."""
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


def household_zip(family: Family) -> bytes:
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


def _core_sections(family: Family) -> list[Section]:
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
