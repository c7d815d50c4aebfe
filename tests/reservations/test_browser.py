"""A parent books two white cells in a real browser, confirms, and sees them booked."""

import datetime
import os

import pytest

from reservations.models import Booking, Opening
from tests.factories import canteen_weeks, insert_booking, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_book_two_white_cells(browser, live_server, family, output_path, javascript):
    lea, monday = canteen_weeks(family)
    parent = make_parent(family, "navigateur@example.org")
    context = browser.new_context(
        java_script_enabled=javascript, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    errors: list[str] = []
    # Console errors (a CSP refusal, a script error); the missing favicon is not ours.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    browser_login(page, live_server.url, parent.email)

    page.goto(f"{live_server.url}/reservations/membre/{lea.pk}/?date={monday.isoformat()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Planning de Léa TEST"
    monday_label = f"Réserver Repas {_long(monday)}"
    friday_label = f"Réserver Repas {_long(monday + datetime.timedelta(days=4))}"
    page.get_by_label(monday_label).check()
    page.get_by_label(friday_label).check()
    assert page.locator(".cell__pending:visible").count() == 2
    if javascript:
        page.evaluate("window.stillHere = true")
    page.get_by_role("button", name="Valider mes changements").click()

    page.get_by_text("2 réservations enregistrées").wait_for()
    booked = page.locator("td.cell--booked")
    assert booked.count() == 2
    assert booked.first.inner_text().strip().startswith("✓ Réservé")
    assert Booking.objects.filter(member=lea, status="booked").count() == 2
    if javascript:  # htmx swapped the grid in place: same document, no page load
        assert page.evaluate("window.stillHere === true")
        following = monday + datetime.timedelta(days=7)
        page.get_by_role("link", name="Semaine suivante").click()
        page.wait_for_url(f"**/?date={following.isoformat()}")
        assert (
            page.locator(".planning-nav__current")
            .inner_text()
            .startswith(f"Semaine du {'1er' if following.day == 1 else following.day} ")
        )
        assert page.evaluate("window.stillHere === true")
        page.get_by_role("link", name="Semaine précédente").click()
        page.wait_for_url(f"**/?date={monday.isoformat()}")
        assert page.locator("td.cell--booked").count() == 2
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=os.path.join(output_path, f"planning-{javascript}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert errors == []
    context.close()


def _long(day: datetime.date) -> str:
    days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    number = "1er" if day.day == 1 else str(day.day)
    return f"{days[day.weekday()]} {number} {months[day.month - 1]}"


def test_pages_have_no_accessibility_violation(page, live_server, family):
    from axe_playwright_python.sync_playwright import Axe

    lea, monday = canteen_weeks(family)
    insert_booking(lea, Opening.objects.filter(date=monday).first())
    parent = make_parent(family, "a11y-reservations@example.org")
    browser_login(page, live_server.url, parent.email)
    found = {}
    for url in (
        "/reservations/",
        f"/reservations/membre/{lea.pk}/?date={monday.isoformat()}",
        f"/reservations/membre/{lea.pk}/?date={monday.isoformat()}&vue=mois",
        f"/reservations/membre/{lea.pk}/semaine-type/",
        "/inscriptions/",
        f"/inscriptions/membre/{lea.pk}/",
    ):
        page.goto(f"{live_server.url}{url}")
        violations = [
            f"{v['id']}: {v['help']} (x{len(v['nodes'])})"
            for v in Axe().run(page).response["violations"]
        ]
        if violations:
            found[url] = violations
    assert found == {}
