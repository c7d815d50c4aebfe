"""A parent subscribes to direct debit in a real browser, then sees the planned debit."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from factures.models import SepaMandate
from tests.factories import issue, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (360, 768, 1280)


def shoot(page, output_path: str, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(output_path, f"{name}-{width}px.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)


def test_a_parent_subscribes_to_direct_debit(page, live_server, family, output_path):
    parent = make_parent(family, "navigateur@example.org")
    invoice = issue(family, "12.00")
    browser_login(page, live_server.url, parent.email)

    page.goto(f"{live_server.url}/factures/")
    page.get_by_role("link", name="Prélèvement automatique").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Prélèvement automatique"
    page.get_by_label("Titulaire du compte").fill("Camille Test")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 180")
    page.get_by_label("J'ai lu le texte du mandat").check()
    page.get_by_role("button", name="Signer le mandat").click()
    assert "clé de contrôle erronée" in page.locator("main").inner_text()
    assert page.get_by_label("Titulaire du compte").input_value() == "Camille Test"
    assert Axe().run(page).violations_count == 0
    shoot(page, output_path, "prelevement-erreur")

    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("J'ai lu le texte du mandat").check()
    page.get_by_role("button", name="Signer le mandat").click()
    main = page.locator("main").inner_text()
    mandate = SepaMandate.objects.get()
    assert f"Mandat {mandate.reference} signé" in main
    assert "FR76 **** **** **** **** ***0 189" in main
    assert Axe().run(page).violations_count == 0
    shoot(page, output_path, "prelevement-mandat")

    page.get_by_role("link", name="Mes factures").first.click()
    row = page.get_by_role("row").filter(has_text=invoice.number)
    assert "Prélèvement prévu le" in row.inner_text()
    assert page.get_by_role("button", name="Paiement en ligne").count() == 0
    assert Axe().run(page).violations_count == 0
    shoot(page, output_path, "factures-prelevement")
