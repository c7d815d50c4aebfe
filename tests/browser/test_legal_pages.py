"""Données personnelles, Accessibilité (and Mes données for a parent): no axe violation and no
sideways scroll at 360, 768 and 1280 px, before login and after."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from espace_famille.export import export_build
from espace_famille.models import DataExport
from tests.factories import PASSWORD, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = ["/donnees-personnelles/", "/accessibilite/"]
WIDTHS = [360, 768, 1280]
# Set to a folder to keep a screenshot of every page and width (for a human look).
SCREENSHOTS = os.environ.get("LEGAL_PAGES_SCREENSHOTS")


def _check(page, base_url: str, who: str, pages=PAGES) -> dict[str, list[str]]:
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in pages:
            page.goto(f"{base_url}{url}")
            if SCREENSHOTS:
                name = f"{who}-{url.strip('/').replace('/', '-')}-{width}.png"
                page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)
            problems = [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"scrolls sideways by {overflow}px")
            if problems:
                found[f"{url} @ {width}px"] = problems
    return found


def test_legal_pages_before_login(page, live_server, structure):
    structure.dpo_name = "Service informatique et libertés de la Ville de Montreuil-sur-Mer"
    structure.dpo_email = "protection-des-donnees@ville-de-montreuil-sur-mer.example.org"
    structure.save()
    assert _check(page, live_server.url, "anonyme") == {}


def test_legal_pages_for_a_parent(page, live_server, family):
    parent = make_parent(family, "legal@example.org")
    ready = DataExport.objects.create(family=family, requested_by=parent)
    export_build(export_id=ready.pk)  # one link to download, one still in preparation
    DataExport.objects.create(family=family, requested_by=parent)
    browser_login(page, live_server.url, parent.email)
    pages = [*PAGES, "/mes-donnees/", "/mes-donnees/lien-perime/", "/famille/supprimer-le-compte/"]
    assert _check(page, live_server.url, "parent", pages) == {}


def test_the_anonymisation_confirmation_fits(page, live_server, family, staff):
    """The admin's confirmation page (1280 and 768 px, as the other admin pages)."""
    family.is_active = False
    family.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Courriel").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    found = {}
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/famille/family/")
        page.check(f'input[name="_selected_action"][value="{family.pk}"]')
        page.select_option('select[name="action"]', "action_anonymise")
        page.click('button[name="index"]')
        page.wait_for_selector("text=irréversible")
        if SCREENSHOTS:
            path = os.path.join(SCREENSHOTS, f"admin-anonymiser-{width}.png")
            page.screenshot(path=path, full_page=True)
        problems = [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"scrolls sideways by {overflow}px")
        if problems:
            found[width] = problems
    assert found == {}
    family.refresh_from_db()
    assert family.anonymised_at is None
