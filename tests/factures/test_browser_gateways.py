"""In Chromium, against the local stubs: a parent pays two invoices through PayFiP in one journey
(each return starts the next transaction, then the summary), then one through SystemPay."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from factures.models import Invoice, Payment
from tests.factories import issue, make_parent
from tests.factures.gateway_stubs import PayFiPStub, SystemPayStub
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (360, 768, 1280)
KEY = "BrowserKey42"


def _shoot(page, output_path: str, name: str) -> None:
    """The page at each width, saved; nothing wider than the screen."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=os.path.join(output_path, f"{name}-{width}px.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        hidden = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')]"
            ".filter(e => e.scrollWidth > e.clientWidth).length"
        )
        assert hidden == 0, (name, width)  # no table scrolls sideways inside the page
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def stubs(settings):
    with PayFiPStub() as payfip, SystemPayStub(KEY) as systempay:
        settings.PAYFIP_NUMCLI = "123456"
        settings.PAYFIP_SOAP_URL = payfip.soap_url
        settings.PAYFIP_PAYMENT_URL = payfip.page_url
        settings.SYSTEMPAY_SITE_ID = "12345678"
        settings.SYSTEMPAY_KEY_TEST = KEY
        settings.SYSTEMPAY_SERVICE_URL = systempay.form_url
        yield payfip, systempay


def test_two_invoices_through_payfip_in_one_journey_then_one_through_systempay(
    page, live_server, family, settings, stubs, output_path
):
    payfip, systempay = stubs
    settings.PAYMENT_PROVIDER = "payfip"
    parent = make_parent(family, "navigateur@example.org")
    first, second = issue(family, "12.00"), issue(family, "8.50")
    browser_login(page, live_server.url, parent.email)

    page.goto(f"{live_server.url}/factures/")
    assert "l'une après l'autre" in page.locator("main").inner_text()
    assert Axe().run(page).violations_count == 0
    _shoot(page, output_path, "factures-payfip")
    page.get_by_label(f"Régler la facture {first.number}").check()
    page.get_by_label(f"Régler la facture {second.number}").check()
    page.get_by_role("button", name="Paiement en ligne").click()

    # First transaction: PayFiP's page, then back to the site.
    page.wait_for_url(f"{payfip.page_url}?idop=*")
    assert "12,00 €" in page.locator("main").inner_text()
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Retour au site").click()
    # The return settled the first invoice and started the second transaction by itself.
    page.wait_for_url(f"{payfip.page_url}?idop=*")
    assert "8,50 €" in page.locator("main").inner_text()
    assert Invoice.objects.get(pk=first.pk).is_settled
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Retour au site").click()

    page.wait_for_url("**/paiement/parcours/recapitulatif/")
    summary = page.locator("main").inner_text()
    assert "2 factures réglées, pour 20,50 €" in summary
    assert Axe().run(page).violations_count == 0
    _shoot(page, output_path, "factures-payfip-recapitulatif")
    assert all(Invoice.objects.get(pk=i.pk).is_settled for i in (first, second))
    assert Payment.objects.filter(provider="payfip", status="succeeded").count() == 2

    # The structure moves to its bank's gateway: one invoice through SystemPay.
    settings.PAYMENT_PROVIDER = "systempay"
    third = issue(family, "30.00")
    page.goto(f"{live_server.url}/factures/")
    assert "l'une après l'autre" not in page.locator("main").inner_text()
    page.get_by_label(f"Régler la facture {third.number}").check()
    page.get_by_role("button", name="Paiement en ligne").click()
    page.wait_for_url(systempay.form_url)  # the signed form, posted by the page's script
    assert "30,00 €" in page.locator("main").inner_text()
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("link", name="Retour à la boutique").click()
    page.wait_for_url("**/retour/")
    assert "Paiement de 30,00 € reçu" in page.locator("main").inner_text()
    assert Axe().run(page).violations_count == 0
    _shoot(page, output_path, "factures-systempay-resultat")
    assert systempay.ipn_status == [200]
    assert Invoice.objects.get(pk=third.pk).is_settled


def test_journey_pages_without_script(browser, live_server, family, settings, stubs, output_path):
    """Without script the parent presses the buttons the script would; the pages at 3 widths."""
    payfip, _systempay = stubs
    settings.PAYMENT_PROVIDER = "payfip"
    parent = make_parent(family, "sans-script@example.org")
    first, second = issue(family, "12.00"), issue(family, "8.50")
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    browser_login(page, live_server.url, parent.email)
    page.goto(f"{live_server.url}/factures/")
    page.get_by_label(f"Régler la facture {first.number}").check()
    page.get_by_label(f"Régler la facture {second.number}").check()
    page.get_by_role("button", name="Paiement en ligne").click()
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Retour au site").click()
    page.wait_for_url("**/retour/")
    assert "Facture 1 sur 2" in page.locator("main").inner_text()
    _shoot(page, output_path, "factures-payfip-etape")
    page.get_by_role("button", name="Payer la facture suivante").click()
    page.wait_for_url(f"{payfip.page_url}?idop=*")
    page.get_by_role("button", name="Annuler").click()
    page.get_by_role("button", name="Retour au site").click()
    page.wait_for_url("**/retour/")
    # eopayment believes a PayFiP cancellation only after 2 minutes: pending meanwhile.
    assert "Annuler ce paiement" in page.locator("main").inner_text()
    page.get_by_role("button", name="Annuler ce paiement").click()
    page.wait_for_url("**/paiement/parcours/recapitulatif/")
    assert "1 facture réglée" in page.locator("main").inner_text()
    context.close()
