"""Staff accept a change request from its own page, in a real browser."""

import pytest

from famille.models import ChangeRequest
from famille.services import change_request_create
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff_browser_login(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # Staff land on the admin, not on the families' "Accès réservé" page.
    page.wait_for_url(f"{base_url}/admin/")


def test_accept_and_apply_works_without_a_refusal_reason(page, live_server, family, parent, staff):
    change_request = change_request_create(
        family=family, user=parent, target=family, values={"city": "Lyon"}
    )
    staff_browser_login(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/admin/famille/changerequest/{change_request.pk}/change/")
    page.get_by_role("button", name="Accepter et appliquer").click()
    page.wait_for_url(f"{live_server.url}/admin/famille/changerequest/")
    change_request.refresh_from_db()
    family.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.ACCEPTED
    assert family.city == "Lyon"


def test_refusing_still_needs_the_reason(page, live_server, family, parent, staff):
    change_request = change_request_create(
        family=family, user=parent, target=family, values={"city": "Lyon"}
    )
    staff_browser_login(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/admin/famille/changerequest/{change_request.pk}/change/")
    page.get_by_role("button", name="Refuser", exact=True).click()
    page.wait_for_timeout(300)
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.PENDING
    page.get_by_label("Motif du refus (envoyé à la famille)").fill("Adresse incomplète.")
    page.get_by_role("button", name="Refuser", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/famille/changerequest/")
    change_request.refresh_from_db()
    assert (change_request.status, change_request.reason) == ("refused", "Adresse incomplète.")
