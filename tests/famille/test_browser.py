"""A parent edits a child's allergies in a real browser and sees the change pending."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from famille.models import ChangeRequest
from tests.factories import make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editing_a_childs_allergies_shows_it_pending(page, live_server, family):
    parent = make_parent(family, "navigateur@example.org")
    lea = family.members.get(first_name="Léa")
    browser_login(page, live_server.url, parent.email)

    page.get_by_role("link", name="Ma famille").click()
    page.get_by_role("link", name="Léa TEST").click()
    page.wait_for_url(f"{live_server.url}/famille/membres/{lea.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Léa TEST"
    assert Axe().run(page).response["violations"] == []

    allergies = page.get_by_label("Allergies")
    allergies.click()
    page.keyboard.type("Arachides")

    # Leaving with changes not validated asks first; the parent stays on the page.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name="Retour à Ma famille").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url == f"{live_server.url}/famille/membres/{lea.pk}/"
    page.remove_listener("dialog", stay)

    page.get_by_role("button", name="Valider mes modifications").click()
    page.wait_for_load_state()
    assert page.get_by_text("Modification envoyée, en attente de validation.").is_visible()
    assert page.get_by_label("Allergies").input_value() == "Arachides"
    assert (
        page.locator(".is-pending .pending-note").first.inner_text() == "En attente de validation"
    )
    assert "Valeur enregistrée : —" in page.locator(".is-pending").first.inner_text()

    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # phone first
    lea.refresh_from_db()
    assert lea.allergies == ""
    change_request = ChangeRequest.objects.get()
    assert [(i.field_name, i.new_value) for i in change_request.items.all()] == [
        ("allergies", "Arachides")
    ]

    # Back on the overview, Léa's card says a change is waiting; leaving asks nothing now.
    page.get_by_role("link", name="Retour à Ma famille").click()
    page.wait_for_url(f"{live_server.url}/famille/")
    assert (
        page.locator(".card", has_text="Léa TEST")
        .get_by_text("Modification en attente de validation")
        .is_visible()
    )
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
