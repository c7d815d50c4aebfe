"""Documentation de la structure: published files for every family, and the admin that adds them."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import DocumentType, StructureCategory, StructureDocument
from tests.factories import make_family, make_parent
from tests.files import pdf_bytes, png_bytes

URL = "/documentation/"


def publish(title: str, category=None, content: bytes | None = None, **fields) -> StructureDocument:
    document = StructureDocument(
        title=title,
        category=category,
        content_type="application/pdf",
        original_name=f"{title}.pdf",
        **fields,
    )
    data = content or pdf_bytes(title)
    document.size = len(data)
    document.file.save("x.pdf", ContentFile(data), save=False)
    document.save()
    return document


@pytest.fixture
def library(db, insurance):
    rules = StructureCategory.objects.create(name="Règlement", order=1)
    forms = StructureCategory.objects.create(name="Formulaires", order=2)
    return {
        "rules": publish(
            "Règlement intérieur",
            rules,
            description="Horaires et inscriptions",
            published_on=datetime.date(2026, 9, 1),
        ),
        "form": publish("Attestation à signer", forms, return_type=insurance),
        "loose": publish("Plan d'accès"),
        "hidden": publish("Brouillon", rules, is_published=False),
    }


def test_anonymous_goes_to_login(client, library):
    for url in (URL, reverse("documentation:file", args=[library["rules"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_method(parent_client, library):
    assert parent_client.post(URL).status_code == 405
    file_url = reverse("documentation:file", args=[library["rules"].pk])
    assert parent_client.post(file_url).status_code == 405


def test_grouped_by_category_with_title_description_and_date(parent_client, library, insurance):
    html = parent_client.get(URL).content.decode()
    assert html.index("Règlement") < html.index("Formulaires") < html.index("Autres documents")
    assert "Horaires et inscriptions" in html
    assert "Publié le 1er septembre 2026" in html
    assert "Brouillon" not in html
    assert "À nous retourner" in html
    assert reverse("documents:upload", args=[insurance.pk]) in html


def test_every_family_downloads_published_files(client, library, other_parent, parent):
    for user in (parent, other_parent):
        client.force_login(user)
        response = client.get(reverse("documentation:file", args=[library["rules"].pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_unpublished_file_is_404(parent_client, library):
    url = reverse("documentation:file", args=[library["hidden"].pk])
    assert parent_client.get(url).status_code == 404


def test_to_return_links_to_the_member_choice_for_a_child_document(parent_client, vaccination, lea):
    publish("Fiche sanitaire", return_type=vaccination)
    html = parent_client.get(URL).content.decode()
    target = reverse("documents:upload", args=[vaccination.pk])
    assert target in html
    assert "Pour quelle personne" in parent_client.get(target).content.decode()


def test_documents_page_links_to_the_form_to_return(parent_client, library, insurance):
    html = parent_client.get("/documents/").content.decode()
    assert reverse("documentation:file", args=[library["form"].pk]) in html


def test_query_count_is_bounded_and_flat(parent_client, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as first:
        parent_client.get(URL)
    for index in range(10):
        publish(f"Menu {index}", StructureCategory.objects.create(name=f"Cat {index}"))
        make_parent(make_family(f"F{index}", f"f{index}@example.org"), f"p{index}@example.org")
    with django_assert_max_num_queries(12) as many:
        parent_client.get(URL)
    assert len(first.captured_queries) == len(many.captured_queries)


def test_staff_publish_a_checked_file_through_the_admin(staff_client):
    category = StructureCategory.objects.create(name="Menus")
    add = reverse("admin:documents_structuredocument_add")
    fields = {
        "title": "Menus de décembre",
        "description": "",
        "category": category.pk,
        "published_on": "2026-12-01",
        "is_published": "on",
    }
    bad = SimpleUploadedFile("menu.pdf", Path("/bin/ls").read_bytes(), "application/pdf")
    response = staff_client.post(add, {**fields, "upload": bad})
    assert response.status_code == 200
    assert "n&#x27;est ni un PDF" in response.content.decode()
    assert not StructureDocument.objects.exists()

    photo = SimpleUploadedFile("menu.png", png_bytes(), "image/png")
    response = staff_client.post(add, {**fields, "upload": photo})
    assert response.status_code == 302
    document = StructureDocument.objects.get()
    assert document.content_type == "image/png" and document.original_name == "menu.png"
    assert "menu" not in document.file.name
    file_url = reverse("admin:documents_structuredocument_file", args=[document.pk])
    assert staff_client.get(file_url).status_code == 200


def test_admin_lists_of_types_and_documents(staff_client, library):
    DocumentType.objects.create(name="Vaccins", validity_months=12)
    for url in (
        reverse("admin:documents_documenttype_changelist"),
        reverse("admin:documents_documenttype_add"),
        reverse("admin:documents_structuredocument_changelist"),
        reverse("admin:documents_structuredocument_change", args=[library["rules"].pk]),
        reverse("admin:documents_structurecategory_changelist"),
    ):
        assert staff_client.get(url).status_code == 200, url
