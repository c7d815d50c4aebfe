"""axe-core finds no accessibility violation on the login page, the dashboard and every menu."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_parent
from tests.helpers import PORTAL_URLS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} (x{len(violation['nodes'])})"
        for violation in results.response["violations"]
    ]


def test_login_page_has_no_violation(page, live_server, structure):
    page.goto(f"{live_server.url}/accounts/login/")
    assert _violations(page) == []


def test_portal_pages_have_no_violation(page, live_server, family):
    parent = make_parent(family, "a11y@example.org")
    browser_login(page, live_server.url, parent.email)
    found = {}
    for url in PORTAL_URLS:
        page.goto(f"{live_server.url}{url}")
        violations = _violations(page)
        if violations:
            found[url] = violations
    assert found == {}
