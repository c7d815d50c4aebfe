"""A parent logs in with a real browser, opens a menu and comes back with "Menu"."""

import os

import pytest

from tests.factories import make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_dashboard_menu_and_back(page, live_server, family, output_path):
    parent = make_parent(family, "navigateur@example.org")
    browser_login(page, live_server.url, parent.email)

    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue, famille TEST"
    assert page.locator(".tile").count() == 8

    page.get_by_role("link", name="Ma famille").click()
    page.wait_for_url(f"{live_server.url}/famille/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ma famille"
    assert page.get_by_text("Hugo TEST").is_visible()

    page.get_by_role("link", name="Menu").click()
    page.wait_for_url(f"{live_server.url}/")
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=os.path.join(output_path, "dashboard-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
