"""Without a mouse: the planning and the payment selection work with Tab, Space and Enter.

The accessibility statement (Accessibilité page) says these two journeys are checked: a parent
tabs to the planning's boxes, ticks them with Space and confirms with Enter; ticks invoices with
Space and reaches the pay button. Each focused control must show a visible focus ring.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from factures.models import Payment
from inscriptions.models import Activity, Unit
from reservations.models import Booking, Opening
from tests.factories import enrol, issue, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 150

# What has the focus, and does it show (outline or box-shadow on :focus-visible)?
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    value: el.value === undefined ? "" : String(el.value),
    text: (el.innerText || "").trim(),
    checked: !!el.checked,
    ring: style.outlineStyle !== "none" || style.boxShadow !== "none",
  };
}"""


def tab_to(page, wanted) -> dict:
    """Press Tab until `wanted(focused)` holds; fail if it never comes."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and wanted(focused):
            return focused
    pytest.fail("never reached by the keyboard")


def _planning(family):
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Accueil du soir",
        service="periscolaire",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=200),
    )
    unit = Unit.objects.create(activity=activity, name="Soir", weekdays="12345", capacity=12)
    lea = family.members.get(first_name="Léa")
    enrol(lea, activity)
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=2)
    openings = [
        Opening.objects.create(unit=unit, date=monday + datetime.timedelta(days=i), capacity=12)
        for i in range(5)
    ]
    return lea, monday, openings


def test_planning_by_keyboard(page, live_server, family):
    lea, monday, openings = _planning(family)
    parent = make_parent(family, "clavier@example.org")
    browser_login(page, live_server.url, parent.email)
    page.goto(f"{live_server.url}/reservations/membre/{lea.pk}/?date={monday.isoformat()}")

    for opening in (openings[1], openings[3]):
        focused = tab_to(
            page, lambda f, pk=opening.pk: f["name"] == "book" and f["value"] == str(pk)
        )
        assert focused["ring"], "the focused box shows no focus ring"
        assert not focused["checked"]
        page.keyboard.press("Space")
        assert page.evaluate(FOCUSED)["checked"]

    focused = tab_to(
        page, lambda f: f["tag"] == "button" and "Valider mes changements" in f["text"]
    )
    assert focused["ring"]
    page.keyboard.press("Enter")
    page.locator("td.cell--booked").nth(1).wait_for()
    booked = Booking.objects.filter(member=lea, status="booked")
    assert sorted(booked.values_list("opening_id", flat=True)) == [
        openings[1].pk,
        openings[3].pk,
    ]


def test_invoice_selection_and_pay_button_by_keyboard(page, live_server, family):
    first, second = issue(family, "12.00"), issue(family, "8.50")
    parent = make_parent(family, "clavier-factures@example.org")
    browser_login(page, live_server.url, parent.email)
    page.goto(f"{live_server.url}/factures/")

    for invoice in (first, second):
        focused = tab_to(
            page, lambda f, pk=invoice.pk: f["name"] == "factures" and f["value"] == str(pk)
        )
        assert focused["ring"], "the focused box shows no focus ring"
        page.keyboard.press("Space")
        assert page.evaluate(FOCUSED)["checked"]
    # The total of the ticked invoices is announced (aria-live) before paying.
    assert "20,50" in page.locator("#total-coche").inner_text()

    focused = tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Paiement en ligne")
    assert focused["ring"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/sandbox/")
    payment = Payment.objects.get()
    assert sorted(payment.invoices.values_list("pk", flat=True)) == [first.pk, second.pk]
    assert str(payment.amount) == "20.50"
