"""Serving private files: uploads, attachments and PDFs have no public URL."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def serve_private_file(
    field_file: FieldFile, *, content_type: str, filename: str, download: bool = True
) -> FileResponse:
    """Stream a stored file to a requester the calling view has already authorised.

    A row whose file is gone from storage answers 404, never 500. Responses are not cached and
    the browser must not guess another type than the one we checked at upload.
    """
    try:
        handle = field_file.open("rb")
    except OSError:  # FileNotFoundError included
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=download, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
