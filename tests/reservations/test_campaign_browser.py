"""A parent asks for two holiday days of a campaign in a real browser; the planning in its
"demande" state fits 360, 768 and 1280 px."""

import datetime

import pytest
from django.utils import timezone

from reservations.campaigns.models import Campaign, CampaignRequest
from tests.factories import canteen_weeks, make_parent
from tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_for_two_days_and_see_them_asked(browser, live_server, family, output_path):
    lea, monday = canteen_weeks(family)
    lea.refresh_from_db()
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="Vacances de février",
        start_date=monday,
        end_date=monday + datetime.timedelta(days=4),
        requests_open_at=now - datetime.timedelta(days=1),
        requests_close_at=now + datetime.timedelta(days=3),
        results_at=now + datetime.timedelta(days=4),
    )
    campaign.activities.add(*{e.activity for e in lea.enrolments.all()})
    parent = make_parent(family, "campagne@example.org")
    url = f"{live_server.url}/reservations/membre/{lea.pk}/?date={monday.isoformat()}"
    for width in (360, 768, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        browser_login(page, live_server.url, parent.email)
        page.goto(url)
        if width == 360:
            page.locator("td.cell--requestable input[name=ask]").first.check()
            page.locator("td.cell--requestable input[name=ask]").nth(1).check()
            page.get_by_role("button", name="Valider mes changements").click()
            page.get_by_text("2 demandes enregistrées").wait_for()
        assert page.locator("td.cell--requested").count() == 2
        page.get_by_text("Campagne d'inscription « Vacances de février »").wait_for()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (width, overflow)
        page.screenshot(path=f"{output_path}/campaign-planning-{width}.png", full_page=True)
        context.close()
    assert CampaignRequest.objects.filter(member=lea).count() == 2
