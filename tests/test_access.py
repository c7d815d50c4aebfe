"""The access layer: anonymous → login, staff without family → 403, other family → 404."""

import pytest
from django.http import Http404

from espace_famille.access import get_for_family
from famille.models import Member
from tests.helpers import PORTAL_URLS

pytestmark = pytest.mark.django_db
# The menus' pages, and those reached from Ma famille (Mes données, the deletion request).
PORTAL_URLS = [*PORTAL_URLS, "/mes-donnees/", "/famille/supprimer-le-compte/"]


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_staff_without_family_get_403_pointing_to_admin(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 403
    assert b'href="/admin/"' in response.content


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_parents_reach_every_portal_page(parent_client, url):
    assert parent_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_portal_pages_refuse_unexpected_methods(parent_client, url):
    assert parent_client.delete(url).status_code == 405


def test_objects_are_fetched_through_the_family(family, other_family):
    ours = family.members.first()
    theirs = other_family.members.first()
    assert get_for_family(Member, family, pk=ours.pk) == ours
    with pytest.raises(Http404):
        get_for_family(Member, family, pk=theirs.pk)


def test_the_family_page_shows_only_our_members(parent_client, family, other_family):
    page = parent_client.get("/famille/").content.decode()
    assert "Hugo" in page
    assert "Zoé" not in page


def test_unknown_url_answers_a_french_404(parent_client):
    response = parent_client.get("/nulle-part/")
    assert response.status_code == 404


def test_a_family_that_left_cannot_use_the_portal(parent_client, family):
    family.is_active = False
    family.save()
    response = parent_client.get("/")
    assert response.status_code == 403
    assert "Votre Espace famille est fermé" in response.content.decode()
