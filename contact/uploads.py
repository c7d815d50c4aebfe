"""Attachments: PDF, JPEG or PNG, recognised from their content, never from their name."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str
    pillow_format: str | None


PDF = FileKind("application/pdf", ".pdf", None)
JPEG = FileKind("image/jpeg", ".jpg", "JPEG")
PNG = FileKind("image/png", ".png", "PNG")


def max_bytes() -> int:
    return int(getattr(settings, "CONTACT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _sniff(head: bytes) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def check_attachment(upload: UploadedFile) -> FileKind:
    """The kind of an accepted file; ValidationError in French otherwise."""
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)s Mo.")
            % {"size": f"{limit / 1024 / 1024:g}"},
            code="too_big",
        )
    upload.seek(0)
    kind = _sniff(upload.read(8))
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("Format non accepté : envoyez un fichier PDF, JPEG ou PNG."), code="bad_type"
        )
    if kind.pillow_format is not None:
        try:
            with Image.open(upload) as image:
                image.verify()
                if image.format != kind.pillow_format:
                    raise ValueError(image.format)
        except Exception as error:
            raise ValidationError(
                _("Cette image est illisible ou abîmée."), code="bad_image"
            ) from error
        finally:
            upload.seek(0)
    return kind
