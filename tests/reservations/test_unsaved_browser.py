"""Ticks are not lost silently: leaving the planning with changes not validated asks first.

The same script warns on the family forms: one mechanism, loaded from the core's static files.
The summary of a validation is checked in the browser, with and without JavaScript.
"""

import datetime
import os

import pytest

from reservations.models import Opening
from tests.factories import canteen_weeks, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leaving_the_planning_with_ticks_asks_first(page, live_server, family):
    lea, monday = canteen_weeks(family)
    parent = make_parent(family, "quitter@example.org")
    browser_login(page, live_server.url, parent.email)
    url = f"{live_server.url}/reservations/membre/{lea.pk}/?date={monday.isoformat()}"
    page.goto(url)
    page.locator('input[name="book"]').first.check()

    dialogs: list[str] = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    # The next week (swapped in place by htmx): a confirmation, the ticks stay.
    page.get_by_role("link", name="Semaine suivante").click()
    page.wait_for_timeout(400)
    assert dialogs == ["confirm"]
    assert page.url == url
    assert page.locator('input[name="book"]').first.is_checked()
    # The menu (a page load): the browser's leave-page dialog.
    page.get_by_role("link", name="Menu").click()
    page.wait_for_timeout(400)
    assert dialogs == ["confirm", "beforeunload"]
    assert page.url == url
    page.remove_listener("dialog", stay)

    # Once validated, moving on asks nothing.
    page.get_by_role("button", name="Valider mes changements").click()
    page.locator(".planning-report").wait_for()
    page.on("dialog", stay)
    page.get_by_role("link", name="Semaine suivante").click()
    page.wait_for_url(f"**/?date={(monday + datetime.timedelta(days=7)).isoformat()}")
    assert dialogs == ["confirm", "beforeunload"]


def test_accepting_the_warning_leaves(page, live_server, family):
    lea, monday = canteen_weeks(family)
    parent = make_parent(family, "quitter2@example.org")
    browser_login(page, live_server.url, parent.email)
    page.goto(f"{live_server.url}/reservations/membre/{lea.pk}/?date={monday.isoformat()}")
    page.locator('input[name="book"]').first.check()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Semaine suivante").click()
    page.wait_for_url(f"**/?date={(monday + datetime.timedelta(days=7)).isoformat()}")
    # The new week has no tick: leaving it asks nothing more.
    page.get_by_role("link", name="Menu").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
@pytest.mark.parametrize("width", [360, 768, 1280])
def test_summary_folded_at_every_width(
    browser, live_server, family, output_path, javascript, width
):
    lea, monday = canteen_weeks(family)
    parent = make_parent(family, f"resume{width}{javascript}@example.org")
    context = browser.new_context(
        java_script_enabled=javascript,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    browser_login(page, live_server.url, parent.email)
    page.goto(f"{live_server.url}/reservations/membre/{lea.pk}/?date={monday.isoformat()}")
    for box in page.locator('input[name="book"]').all():
        box.check()
    # Taken by someone else meanwhile: refused when validated.
    Opening.objects.filter(date=monday + datetime.timedelta(days=4)).update(capacity=0)
    page.get_by_role("button", name="Valider mes changements").click()
    report = page.locator(".planning-report")
    report.wait_for()
    assert "3 réservations enregistrées, 1 refusée :" in report.inner_text()
    assert not page.locator(".planning-report details li").first.is_visible()
    page.locator(".planning-report summary").click()
    assert page.locator(".planning-report details li").count() == 4
    assert page.locator(".planning-report details li").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(
        path=os.path.join(output_path, f"planning-report-{width}-{javascript}.png"), full_page=True
    )
    context.close()
