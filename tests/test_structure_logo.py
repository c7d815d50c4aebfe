"""The structure's logo is served from private storage and shown on the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.files import png_bytes

pytestmark = pytest.mark.django_db


def test_the_structure_logo_is_served_and_shown(client, structure):
    structure.logo = SimpleUploadedFile(
        "logo.png", png_bytes((40, 20), "#0b5cad"), content_type="image/png"
    )
    structure.save()
    response = client.get(reverse("structure_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes((40, 20), "#0b5cad")
    page = client.get(reverse("account_login")).content.decode()
    assert f'src="{reverse("structure_logo")}"' in page


def test_no_logo_answers_404(client, structure):
    assert client.get(reverse("structure_logo")).status_code == 404
