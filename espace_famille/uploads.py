"""The one upload checker of the portal: documents, message attachments, staff publications.

PDF, JPEG and PNG only, recognised from their first bytes (never the name or the browser's
claim). What we store is always made by us from what was sent:
- an image is fully decoded with Pillow and encoded again, which drops its metadata (EXIF with
  the GPS position, comments, colour profiles): nothing but the pixels survives;
- a PDF is parsed with pypdf and written again from its pages only, without JavaScript, automatic
  actions (OpenAction, AA), any action but moving inside the document (launch, submit, links
  out), embedded files or attachments, nor the document's metadata; bytes before or after the
  PDF (an HTML page glued to it, a "polyglot") do not survive either;
- the stored name and the download name take their extension from the detected type.
Anything that cannot be parsed is refused with a French message. Image sizes are read from the
headers and checked, for each image and for the whole request, before anything is decoded.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter
    from pypdf.generic import PdfObject

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
ACCEPT = "application/pdf,image/jpeg,image/png,image/*"
MAX_FILES = 10
MAX_PHOTO_SIDE = 2480  # an A4 page at 300 dpi: enough to read any document

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanFile:
    """The bytes to store, made by the checker, with their detected type."""

    content: bytes
    content_type: str
    original_name: str  # the client's name, cleaned: a label, never a storage or download name

    @property
    def extension(self) -> str:
        return EXTENSION[self.content_type]

    @property
    def storage_name(self) -> str:
        return f"document.{self.extension}"

    @property
    def download_name(self) -> str:
        return download_name(self.original_name, self.content_type, "document")


# Settings (espace_famille/settings.py and the README's table).


def max_image_pixels() -> int:
    return settings.UPLOAD_MAX_IMAGE_PIXELS


def max_request_pixels() -> int:
    return settings.UPLOAD_MAX_REQUEST_PIXELS


def size_label(max_bytes: int) -> str:
    megabytes = max_bytes / 1024 / 1024
    shown = formats.number_format(megabytes, 0 if megabytes.is_integer() else 1)
    return _("%(size)s Mo") % {"size": shown}


def _millions(pixels: int) -> str:
    millions = pixels / 1_000_000
    return formats.number_format(millions, 0 if millions.is_integer() else 1)


# Names.


def label(name: str) -> str:
    """The original file name, cleaned to be shown as a label only."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    return name.strip()[:200]


def download_name(name: str, content_type: str, fallback: str) -> str:
    """A file name for the browser whose extension is the detected type's, whatever was sent.

    "rapport.html" stored as a PDF downloads as "rapport.pdf"; several joined photos
    ("recto.jpg, verso.jpg") download under `fallback`.
    """
    extension = EXTENSION.get(content_type, "bin")
    base = label(name)
    if not base or "," in base:
        base = label(fallback) or "document"
    stem, dot, _old = base.rpartition(".")
    if dot and stem:
        base = stem
    return f"{base}.{extension}"


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


# The checker.


def clean_upload(
    files: Sequence[UploadedFile | None], *, max_bytes: int, join_photos: bool = True
) -> CleanFile:
    """One PDF, or one JPEG/PNG photo, or (with `join_photos`) several photos joined into a PDF.

    Raises ValidationError with a French message; then nothing is kept.
    """
    uploads = [f for f in files if f is not None]
    if not uploads:
        raise ValidationError(_("Choisissez un fichier."), code="required")
    limit = MAX_FILES if join_photos else 1
    if len(uploads) > limit:
        if limit == 1:
            raise ValidationError(_("Envoyez un seul fichier."), code="too_many")
        raise ValidationError(
            _("Envoyez au plus %(count)d photos à la fois.") % {"count": limit}, code="too_many"
        )
    read = [(label(f.name or ""), _read(f, max_bytes)) for f in uploads]
    kinds = [(name, data, _kind(name, data)) for name, data in read]
    if len(kinds) > 1 and any(kind == PDF for _n, _d, kind in kinds):
        raise ValidationError(
            _("Envoyez un seul PDF, ou une ou plusieurs photos à assembler."), code="mixed"
        )
    _check_dimensions([(name, data, kind) for name, data, kind in kinds if kind != PDF])
    if len(kinds) == 1:
        name, data, kind = kinds[0]
        content = clean_pdf(name, data) if kind == PDF else reencode(name, data, kind)
        if len(content) > max_bytes:
            raise ValidationError(_too_large_message(f"« {name} »", max_bytes), code="too_large")
        return CleanFile(content, kind, name)
    content = photos_to_pdf([(name, data) for name, data, _k in kinds])
    if len(content) > max_bytes:
        raise ValidationError(
            _too_large_message(_("Le document assemblé"), max_bytes), code="too_large"
        )
    names = ", ".join(name for name, _d, _k in kinds)
    return CleanFile(content, PDF, names[:200])


def _too_large_message(name: str, max_bytes: int) -> str:
    return _("%(name)s dépasse la taille maximale autorisée (%(max)s).") % {
        "name": name,
        "max": size_label(max_bytes),
    }


def _read(upload: UploadedFile, max_bytes: int) -> bytes:
    name = label(upload.name or "") or _("Le fichier")
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(_too_large_message(f"« {name} »", max_bytes), code="too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if not data:
        raise ValidationError(_("Le fichier « %(name)s » est vide.") % {"name": name}, code="empty")
    if len(data) > max_bytes:
        raise ValidationError(_too_large_message(f"« {name} »", max_bytes), code="too_large")
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


# Images.


def _unreadable_image(name: str) -> ValidationError:
    return ValidationError(
        _(
            "La photo « %(name)s » est illisible (fichier incomplet ou abîmé). "
            "Reprenez-la ou envoyez un PDF."
        )
        % {"name": name},
        code="image",
    )


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _(
            "La photo « %(name)s » a une trop grande définition (au plus %(max)s millions de "
            "pixels). Reprenez-la avec une définition plus faible dans les réglages de l'appareil "
            "photo, ou envoyez un PDF."
        )
        % {"name": name, "max": _millions(max_image_pixels())},
        code="too_large",
    )


def _header_size(name: str, data: bytes, kind: str) -> tuple[int, int]:
    """Width and height from the image's header: nothing is decoded."""
    expected = {JPEG: "JPEG", PNG: "PNG"}[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != expected:
                    raise _unreadable_image(name)
                return probe.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(name) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable_image(name) from None


def _check_dimensions(images: Sequence[tuple[str, bytes, str]]) -> None:
    """Each image and all of them together within the pixel limits, from their headers only.

    Decoding costs about 4 bytes a pixel whatever the file size (a 300 KB PNG can claim
    9400 x 9400 pixels), and ten photos just under the per-image limit took 9 s and 380 MB in
    one request: both limits are checked before any image is decoded.
    """
    total = 0
    for name, data, kind in images:
        width, height = _header_size(name, data, kind)
        if width * height > max_image_pixels():
            raise _too_many_pixels(name)
        total += width * height
    if total > max_request_pixels():
        raise ValidationError(
            _(
                "Ces photos ont ensemble une trop grande définition (au plus %(max)s millions "
                "de pixels par envoi). Envoyez-en moins à la fois, reprenez-les avec une "
                "définition plus faible, ou envoyez un PDF."
            )
            % {"max": _millions(max_request_pixels())},
            code="too_large",
        )


def _open_image(name: str, data: bytes, kind: str, draft: int | None = None) -> Image.Image:
    """Open, check and fully decode an image; `draft` lets JPEG decode at a reduced scale."""
    width, height = _header_size(name, data, kind)
    if width * height > max_image_pixels():
        raise _too_many_pixels(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if draft and kind == JPEG:
                image.draft("RGB", (draft, draft))
            image.load()
            # Phones store the orientation in EXIF, which re-encoding drops: apply it first
            # (in place, not on a copy of the decoded pixels).
            ImageOps.exif_transpose(image, in_place=True)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(name) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable_image(name) from None
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


# PDFs.

# Annotations that carry files, sounds, videos or scripts rather than marks on the page.
_ACTIVE_ANNOTATIONS = {
    "/FileAttachment",
    "/Sound",
    "/Movie",
    "/Screen",
    "/RichMedia",
    "/3D",
}
# Actions a reader may keep: moving inside the document and the reader's own menu commands.
_SAFE_ACTIONS = {"/GoTo", "/Named"}
# Keys that trigger actions or scripts, wherever they are.
_ACTIVE_KEYS = {
    "/AA",
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EF",
    "/RichMediaContent",
}


def _unreadable_pdf(name: str) -> ValidationError:
    return ValidationError(
        _(
            "« %(name)s » n'est pas un PDF valide (fichier incomplet ou abîmé). "
            "Enregistrez-le de nouveau ou envoyez une photo du document."
        )
        % {"name": name},
        code="pdf",
    )


def clean_pdf(name: str, data: bytes) -> bytes:
    """Parse the PDF and write it again from its pages, without any active content."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _(
                    "« %(name)s » est protégé par un mot de passe. Enregistrez-le sans mot de "
                    "passe ou envoyez une photo du document."
                )
                % {"name": name},
                code="pdf_encrypted",
            )
        if len(reader.pages) == 0:
            raise _unreadable_pdf(name)
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        for page in writer.pages:
            _strip_page(page)
        _copy_form(reader, writer)
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        output = io.BytesIO()
        writer.write(output)
    except ValidationError:
        raise
    except (
        PyPdfError,
        OSError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        AssertionError,
        NotImplementedError,
    ):
        logger.info("PDF refused: cannot be parsed", exc_info=True)
        raise _unreadable_pdf(name) from None
    return output.getvalue()


def _copy_form(reader: PdfReader, writer: PdfWriter) -> None:
    """Keep a fillable form fillable (and a filled one's values) without its scripts or XFA."""
    from pypdf.generic import DictionaryObject, NameObject

    form = reader.root_object.get("/AcroForm")
    form = form.get_object() if form is not None else None
    if not isinstance(form, DictionaryObject):
        return
    # Cloned after the pages: its fields are the widgets already copied with them.
    try:
        copy = form.clone(writer)
        if "/XFA" in copy:  # XML forms carry their own scripts
            del copy[NameObject("/XFA")]
        _strip_actions(copy, seen=set())
    except Exception:  # a broken form dictionary: the pages are kept, flattened as they show
        logger.info("PDF form dropped: cannot be copied", exc_info=True)
        return
    writer.root_object[NameObject("/AcroForm")] = getattr(copy, "indirect_reference", None) or copy


def _strip_page(page: PageObject) -> None:
    """Drop the page's automatic actions and every active annotation or action under it."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    for key in ("/AA", "/Thumb"):
        if key in page:
            del page[NameObject(key)]
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = ArrayObject()
    for reference in annotations.get_object():
        annotation = reference.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        if annotation.get("/Subtype") in _ACTIVE_ANNOTATIONS:
            continue
        _strip_actions(annotation, seen=set())
        kept.append(reference)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page[NameObject("/Annots")]


def _strip_actions(node: PdfObject, *, seen: set[tuple[int, int]]) -> None:
    """Remove scripts, automatic actions, embedded files and unsafe actions, recursively."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if isinstance(node, IndirectObject):
        if (node.idnum, node.generation) in seen:
            return
        seen.add((node.idnum, node.generation))
        resolved = node.get_object()
        if resolved is None:
            return
        node = resolved
    if isinstance(node, DictionaryObject):
        for key in list(node.keys()):
            if key in _ACTIVE_KEYS or key == "/P":  # /P: the annotation's page, already kept
                if key != "/P":
                    del node[NameObject(key)]
                continue
            if key in ("/A", "/Next"):
                action = node[key].get_object()
                if (
                    not isinstance(action, DictionaryObject)
                    or action.get("/S") not in _SAFE_ACTIONS
                ):
                    del node[NameObject(key)]
                    continue
            _strip_actions(node.raw_get(key), seen=seen)
    elif isinstance(node, ArrayObject):
        for item in node:
            _strip_actions(item, seen=seen)
