"""A parent uploads a PDF in a real browser and follows its state."""

from __future__ import annotations

import os

import pytest

from documents.models import DocumentType, Submission
from tests.factories import make_parent, make_type
from tests.files import pdf_bytes
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_pdf_from_the_documents_page(page, live_server, family, output_path, tmp_path):
    make_type("Carnet de vaccination", validity_months=12)
    parent = make_parent(family, "navigateur@example.org")
    scan = tmp_path / "carnet de vaccination.pdf"
    scan.write_bytes(pdf_bytes("Carnet"))
    browser_login(page, live_server.url, parent.email)

    page.get_by_role("link", name="Mes documents").click()
    page.wait_for_url(f"{live_server.url}/documents/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes documents"
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Léa TEST", exact=True).click()
    lea_section = page.locator(f"#membre-{family.members.get(first_name='Léa').pk}")
    assert "À fournir" in lea_section.inner_text()
    lea_section.get_by_role("link", name="Carnet de vaccination", exact=True).click()
    assert "pour Léa TEST" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Fichier ou photos").set_input_files(str(scan))
    page.get_by_role("button", name="Envoyer", exact=True).click()

    page.wait_for_url(f"{live_server.url}/documents/#membre-*")
    assert "a bien été transmis" in page.locator(".messages").inner_text()
    assert "En attente de validation" in lea_section.inner_text()
    page.screenshot(path=os.path.join(output_path, "documents-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    submission = Submission.objects.get()
    assert submission.original_name == "carnet de vaccination.pdf"
    link = lea_section.get_by_role("link", name="Voir le fichier envoyé")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    with submission.file.open("rb") as handle:  # the PDF as the checker wrote it again
        assert response.ok and response.body() == handle.read()


def test_documents_pages_have_no_accessibility_violation(page, live_server, family):
    from axe_playwright_python.sync_playwright import Axe

    from espace_famille.registry import demo_steps

    for step in demo_steps:
        if step.name == "documents":
            step.run()
    vaccination = DocumentType.objects.get(name="Carnet de vaccination")
    parent = make_parent(family, "a11y-documents@example.org")
    browser_login(page, live_server.url, parent.email)
    found = {}
    for url in (
        "/documents/",
        f"/documents/{vaccination.pk}/envoyer/",
        f"/documents/{vaccination.pk}/envoyer/?member={family.members.get(first_name='Léa').pk}",
        "/documentation/",
    ):
        page.goto(f"{live_server.url}{url}")
        if "envoyer/?member" in url:  # with the error message of a rejected upload
            page.get_by_role("button", name="Envoyer", exact=True).click()
            page.wait_for_load_state()
            assert "Choisissez un fichier." in page.content()
        violations = [
            f"{violation['id']}: {violation['help']}"
            for violation in Axe().run(page).response["violations"]
        ]
        if violations:
            found[url] = violations
    assert found == {}
