"""Données personnelles, Accessibilité (and Mes données for a parent): no axe violation and no
sideways scroll at 360, 768 and 1280 px, before login and after."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_parent
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
                name = f"{who}-{url.strip('/')}-{width}.png"
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
    browser_login(page, live_server.url, parent.email)
    assert _check(page, live_server.url, "parent", [*PAGES, "/mes-donnees/"]) == {}
