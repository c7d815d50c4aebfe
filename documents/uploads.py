"""Checks an uploaded file from its content and makes the bytes we store.

PDF, JPEG and PNG only, recognised from their first bytes (never the name or the browser's
claim). A PDF must look like one from end to end; an image must open and decode completely with
Pillow and is re-encoded, which drops its metadata (EXIF, including the GPS position). Several
photos are joined into a single PDF (front and back of a card).
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
MAX_FILES = 10
MAX_PHOTO_SIDE = 2480  # an A4 page at 300 dpi: enough to read any document
# Decoding costs about 4 bytes a pixel whatever the file size (a 300 KB PNG can claim 9400 x 9400
# pixels): refuse from the header, before decoding. 40 Mpx covers phone photos (12 to 24 Mpx by
# default) and A4 scans at 600 dpi (35 Mpx). Setting: DOCUMENTS_MAX_IMAGE_PIXELS.
MAX_IMAGE_PIXELS = 40_000_000
ACCEPT = "application/pdf,image/jpeg,image/png,image/*"


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOCUMENTS_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def max_image_pixels() -> int:
    return int(getattr(settings, "DOCUMENTS_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS))


def max_upload_label() -> str:
    return _("%(size)s Mo") % {"size": getattr(settings, "DOCUMENTS_MAX_UPLOAD_MB", 10)}


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    original_name: str

    @property
    def storage_name(self) -> str:
        return f"document.{EXTENSION[self.content_type]}"


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def label(name: str) -> str:
    """The original file name, cleaned to be shown as a label only."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    return name.strip()[:200]


def clean_upload(files: Sequence[UploadedFile]) -> CleanFile:
    """One PDF, or one or more JPEG/PNG photos, checked and re-encoded; ValidationError if not."""
    files = [f for f in files if f is not None]
    if not files:
        raise ValidationError(_("Choisissez un fichier."), code="required")
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Envoyez au plus %(count)d photos à la fois.") % {"count": MAX_FILES}, code="too_many"
        )
    read = [(label(f.name or ""), _read(f)) for f in files]
    kinds = [(name, data, _kind(name, data)) for name, data in read]
    if len(kinds) == 1:
        name, data, kind = kinds[0]
        if kind == PDF:
            check_pdf(name, data)
            return CleanFile(data, PDF, name)
        return CleanFile(reencode(name, data, kind), kind, name)
    if any(kind == PDF for _n, _d, kind in kinds):
        raise ValidationError(
            _("Envoyez un seul PDF, ou une ou plusieurs photos à assembler."), code="mixed"
        )
    content = photos_to_pdf([(name, data) for name, data, _k in kinds])
    if len(content) > max_upload_bytes():
        raise ValidationError(_too_large_message(_("Le document assemblé")), code="too_large")
    names = ", ".join(name for name, _d, _k in kinds)
    return CleanFile(content, PDF, names[:200])


def _too_large_message(name: str) -> str:
    return _("%(name)s dépasse la taille maximale autorisée (%(max)s).") % {
        "name": name,
        "max": max_upload_label(),
    }


def _read(upload: UploadedFile) -> bytes:
    name = label(upload.name or "") or _("Le fichier")
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ValidationError(_too_large_message(f"« {name} »"), code="too_large")
    upload.seek(0)
    data = upload.read(max_upload_bytes() + 1)
    if not data:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name}, code="empty")
    if len(data) > max_upload_bytes():
        raise ValidationError(_too_large_message(f"« {name} »"), code="too_large")
    return data


def _kind(name: str, data: bytes) -> str:
    kind = sniff(data[:16])
    if kind is None:
        raise ValidationError(
            _(
                "« %(name)s » n'est ni un PDF, ni une photo JPEG ou PNG. "
                "Enregistrez votre document en PDF, ou prenez-le en photo."
            )
            % {"name": name},
            code="type",
        )
    return kind


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.S)
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")


def check_pdf(name: str, data: bytes) -> None:
    """A minimal parse: header, an object, and a trailer whose startxref points at a table."""
    error = ValidationError(
        _(
            "« %(name)s » n'est pas un PDF valide (fichier incomplet ou abîmé). "
            "Enregistrez-le de nouveau ou envoyez une photo du document."
        )
        % {"name": name},
        code="pdf",
    )
    if not re.match(rb"%PDF-[12]\.\d", data[:8]) or not _OBJECT.search(data[:65536]):
        raise error
    trailers = list(_STARTXREF.finditer(data[-4096:]))
    if not trailers or b"endobj" not in data:
        raise error
    offset = int(trailers[-1].group(1))
    target = data[offset : offset + 64].lstrip() if 0 < offset < len(data) else b""
    if target.startswith(b"xref") or _OBJECT.match(target):
        return
    # Readers rebuild a table whose offset is a little off; accept when there is one.
    if b"\nxref" not in data and b"/XRef" not in data:
        raise error


def _too_many_pixels(name: str) -> ValidationError:
    millions = max_image_pixels() / 1_000_000
    limit = formats.number_format(millions, 0 if millions.is_integer() else 1)
    return ValidationError(
        _(
            "La photo « %(name)s » a une trop grande définition (au plus %(max)s millions de "
            "pixels). Reprenez-la avec une définition plus faible dans les réglages de l'appareil "
            "photo, ou envoyez un PDF."
        )
        % {"name": name, "max": limit},
        code="too_large",
    )


def _open_image(name: str, data: bytes, kind: str, draft: int | None = None) -> Image.Image:
    """Open, check and fully decode an image; `draft` lets JPEG decode at a reduced scale."""
    error = ValidationError(
        _(
            "La photo « %(name)s » est illisible (fichier incomplet ou abîmé). "
            "Reprenez-la ou envoyez un PDF."
        )
        % {"name": name},
        code="image",
    )
    expected = {JPEG: "JPEG", PNG: "PNG"}[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != expected:
                    raise error
                # The header gives the size: refuse before anything is decoded.
                width, height = probe.size
                if width * height > max_image_pixels():
                    raise _too_many_pixels(name)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if draft and kind == JPEG:
                image.draft("RGB", (draft, draft))
            image.load()
            # Phones store the orientation in EXIF, which re-encoding drops: apply it first
            # (in place, not on a copy of the decoded pixels).
            ImageOps.exif_transpose(image, in_place=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(name) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise error from None
    return image


def reencode(name: str, data: bytes, kind: str) -> bytes:
    """Decode and encode the image again: nothing but the pixels survives."""
    image = _open_image(name, data, kind)
    output = io.BytesIO()
    if kind == JPEG:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=88, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=True)
    return output.getvalue()


def photos_to_pdf(photos: Sequence[tuple[str, bytes]]) -> bytes:
    """Join several photos into one PDF, one page each, at most A4 at 300 dpi."""
    pages = []
    for name, data in photos:
        kind = sniff(data[:16])
        image = _open_image(name, data, kind or PNG, draft=MAX_PHOTO_SIDE)
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGB")  # palette and unusual modes: before resizing
        image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))  # shrink before any copy
        if image.mode != "RGB":
            image = image.convert("RGB")
        pages.append(image)
    output = io.BytesIO()
    pages[0].save(output, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return output.getvalue()
