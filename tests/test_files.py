"""Private files are streamed with safe headers, and a missing file is a 404."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from espace_famille.files import serve_private_file
from espace_famille.models import Structure


def _field_file(name: str) -> FieldFile:
    return FieldFile(Structure(), Structure._meta.get_field("logo"), name)


def test_a_stored_file_is_streamed_as_an_attachment():
    name = default_storage.save("prive/essai.pdf", ContentFile(b"%PDF-1.4 essai"))
    response = serve_private_file(
        _field_file(name), content_type="application/pdf", filename="facture.pdf"
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4 essai"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="facture.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_answers_404():
    with pytest.raises(Http404):
        serve_private_file(
            _field_file("prive/disparu.pdf"), content_type="application/pdf", filename="x.pdf"
        )
