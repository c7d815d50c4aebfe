"""A parent pays two invoices with the sandbox provider in a real browser, then sees them paid."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from factures.models import Invoice, Payment
from tests.factories import issue, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sandbox_payment_flow(page, live_server, family, output_path):
    parent = make_parent(family, "navigateur@example.org")
    first, second = issue(family, "12.00"), issue(family, "8.50")
    browser_login(page, live_server.url, parent.email)

    page.goto(f"{live_server.url}/factures/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes factures"
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=os.path.join(output_path, "factures-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Axe().run(page).violations_count == 0
    page.get_by_label(f"Régler la facture {first.number}").check()
    page.get_by_label(f"Régler la facture {second.number}").check()
    assert "20,50" in page.locator("#total-coche").inner_text()
    page.get_by_role("button", name="Paiement en ligne").click()

    page.wait_for_url("**/sandbox/")
    assert Axe().run(page).violations_count == 0
    assert "20,50 €" in page.locator("main").inner_text()
    page.get_by_role("button", name="Payer").click()
    page.wait_for_url("**/retour/")
    assert "Paiement de 20,50 € reçu" in page.locator("main").inner_text()
    assert Axe().run(page).violations_count == 0
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED

    page.get_by_role("link", name="Retour à mes factures").click()
    assert "Aucune facture à payer" in page.locator("main").inner_text()
    page.get_by_role("link", name="Soldées").click()
    assert first.number in page.locator("main").inner_text()
    assert all(invoice.is_settled for invoice in Invoice.objects.all())

    page.goto(f"{live_server.url}/historique/paiements/")
    assert f"{first.number}, {second.number}" in page.locator("main").inner_text()
    assert Axe().run(page).violations_count == 0
    page.goto(f"{live_server.url}/historique/?periode=semaine")
    assert Axe().run(page).violations_count == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_refused_payment_in_the_browser(page, live_server, family):
    parent = make_parent(family, "navigateur@example.org")
    invoice = issue(family, "12.00")
    browser_login(page, live_server.url, parent.email)
    page.goto(f"{live_server.url}/factures/")
    page.get_by_label(f"Régler la facture {invoice.number}").check()
    page.get_by_role("button", name="Paiement en ligne").click()
    page.get_by_role("button", name="Refuser").click()
    page.wait_for_url("**/retour/")
    assert "n'a pas abouti" in page.locator("main").inner_text()
    invoice.refresh_from_db()
    assert not invoice.is_settled
