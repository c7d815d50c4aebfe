"""Writes: a family sends a document, staff accept or refuse it, staff publish documentation."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.audit_kinds import DocumentEvent
from documents.models import DocumentType, StructureDocument, Submission
from espace_famille import audit
from espace_famille.anonymisation import delete_files_on_commit
from espace_famille.emails import send_to_family
from espace_famille.files import atomic_with_files, file_save
from espace_famille.uploads import CleanFile, clean_upload
from famille.models import Family, Member
from famille.selectors import in_household

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile
    from django.http import HttpRequest

    from espace_famille.models import User


def max_upload_bytes() -> int:
    return settings.DOCUMENTS_MAX_UPLOAD_MB * 1024 * 1024


def _store(field_file: FieldFile, clean: CleanFile) -> str:
    """Save the bytes under a random name through the storage API; returns the stored name."""
    field_file.save(clean.storage_name, ContentFile(clean.content), save=False)
    if not field_file.name:
        raise RuntimeError("The storage gave the file no name.")
    return field_file.name


def submission_create(
    *,
    family: Family,
    member: Member | None,
    document_type: DocumentType,
    files: Sequence[UploadedFile],
    user: User | None,
    request: HttpRequest | None = None,
) -> Submission:
    """Check the file(s), store them and record a submission waiting for review.

    Raises ValidationError (a French message for the parent) and then changes nothing: the
    previous submission stays as it was.
    """
    if member is not None and not in_household(member, family):
        raise ValidationError(_("Cette personne ne fait pas partie de votre foyer."))
    if document_type.is_family_level != (member is None):
        raise ValidationError(_("Ce document n'est pas demandé à cette personne."))
    clean = clean_upload(files, max_bytes=max_upload_bytes())
    submission = Submission(
        family=family,
        member=member,
        document_type=document_type,
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=len(clean.content),
        uploaded_by=user,
    )
    # The file is deleted again if the row is not recorded (no orphan, no dangling row).
    with atomic_with_files():
        file_save(submission.file, clean.storage_name, ContentFile(clean.content))
        submission.full_clean()
        submission.save()
        Submission.objects.filter(
            family=family,
            member=member,
            document_type=document_type,
            status=Submission.Status.PENDING,
        ).exclude(pk=submission.pk).update(status=Submission.Status.REPLACED)
        audit.record(
            family,
            user,
            DocumentEvent.DOCUMENT_UPLOADED,
            _("%(document)s transmis pour %(owner)s")
            % {"document": document_type, "owner": member or family},
            obj=submission,
            request=request,
        )
    return submission


def _notify(submission: Submission, name: str) -> None:
    context = {
        "submission": submission,
        "owner": submission.member or submission.family,
        "document_type": submission.document_type,
    }
    family = submission.family
    transaction.on_commit(lambda: send_to_family(name, family=family, context=context))


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("family", "member", "document_type")
        .get(pk=submission.pk)
    )


@transaction.atomic
def submission_accept(
    *,
    submission: Submission,
    user: User,
    valid_until: datetime.date | None = None,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """Accept a submission waiting for review; False (nothing done) when it is not waiting."""
    submission = _locked(submission)
    if submission.status != Submission.Status.PENDING:
        return False
    today = today or timezone.localdate()
    submission.status = Submission.Status.ACCEPTED
    submission.valid_until = valid_until or submission.document_type.valid_until_from(today)
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.refusal_reason = ""
    submission.full_clean()
    submission.save(
        update_fields=["status", "valid_until", "reviewed_by", "reviewed_at", "refusal_reason"]
    )
    audit.record(
        submission.family,
        user,
        DocumentEvent.DOCUMENT_ACCEPTED,
        _("%(document)s de %(owner)s accepté")
        % {"document": submission.document_type, "owner": submission.member or submission.family},
        obj=submission,
        request=request,
    )
    _notify(submission, "documents_accepted")
    return True


@transaction.atomic
def submission_refuse(
    *,
    submission: Submission,
    user: User,
    reason: str,
    request: HttpRequest | None = None,
) -> bool:
    """Refuse a submission waiting for review, with the reason the family will read."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif du refus : la famille le recevra."))
    submission = _locked(submission)
    if submission.status != Submission.Status.PENDING:
        return False
    submission.status = Submission.Status.REFUSED
    submission.refusal_reason = reason
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.full_clean()
    submission.save(update_fields=["status", "refusal_reason", "reviewed_by", "reviewed_at"])
    audit.record(
        submission.family,
        user,
        DocumentEvent.DOCUMENT_REFUSED,
        _("%(document)s de %(owner)s refusé : %(reason)s")
        % {
            "document": submission.document_type,
            "owner": submission.member or submission.family,
            "reason": reason,
        },
        obj=submission,
        request=request,
    )
    _notify(submission, "documents_refused")
    return True


def structure_document_attach(*, document: StructureDocument, upload: UploadedFile) -> None:
    """Check a file staff publish and store it under a random name (saved by the caller)."""
    clean = clean_upload([upload], max_bytes=max_upload_bytes())
    previous = document.file.name if document.file else None
    _store(document.file, clean)
    document.original_name = clean.original_name
    document.content_type = clean.content_type
    document.size = len(clean.content)
    if previous:
        name, storage = previous, document.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def departed_documents_purge(*, now: datetime.datetime, apply: bool) -> int:
    """Retention step: the documents (identity, health, income…) of a household that left more
    than RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS ago are erased, rows and files, before the rest
    of its records (RETENTION_DEPARTED_FAMILY_YEARS)."""
    limit = timezone.localdate(now) - datetime.timedelta(
        days=settings.RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS
    )
    old = Submission.objects.filter(family__is_active=False, family__left_on__lt=limit)
    if not apply:
        return old.count()
    with transaction.atomic():
        files = list(old.values_list("file", flat=True))
        count = old.count()
        old.delete()
        delete_files_on_commit(files)
    return count
