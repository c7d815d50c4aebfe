"""Health records in the admin: only roles with famille.view_health_record, every view audited."""

import importlib
from html import unescape

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from espace_famille.models import AuditEvent, User
from famille.audit_kinds import FamilyEvent
from famille.services import change_request_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ALLERGY = "Arachides (stylo Anapen dans le sac)"


def staff_member(email, *codenames):
    user = User.objects.create_user(email, PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="famille", codename__in=codenames)
    )
    return user


@pytest.fixture
def lea_record(lea):
    lea.allergies = ALLERGY
    lea.has_pai = True
    lea.doctor_name = "Dr Vidal"
    lea.save()
    return lea


def member_url(member):
    return reverse("admin:famille_member_change", args=[member.pk])


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def health_views():
    return AuditEvent.objects.filter(kind=FamilyEvent.HEALTH_RECORD_VIEWED)


def test_staff_without_the_permission_never_see_the_health_record(client, lea_record):
    client.force_login(staff_member("accueil@example.org", "view_member", "change_member"))
    html = page(client, member_url(lea_record))
    assert "Léa" in html
    assert ALLERGY not in html and "Dr Vidal" not in html
    assert "Allergies" not in html and "Santé" not in html
    listing = page(client, reverse("admin:famille_member_changelist"))
    assert "PAI" not in listing
    assert not health_views().exists()


def test_saving_without_the_permission_keeps_the_health_record(client, lea_record, family):
    client.force_login(staff_member("accueil@example.org", "view_member", "change_member"))
    data = {
        "family": family.pk,
        "role": "child",
        "first_name": "Léa",
        "last_name": "TEST",
        "birth_date": "2017-05-21",
        "phone": "",
        "email": "",
        "school": "École du Centre",
        "school_class": "CE1",
        "relationship": "",
    }
    response = client.post(member_url(lea_record), data)
    assert response.status_code == 302
    lea_record.refresh_from_db()
    assert lea_record.school == "École du Centre"
    assert lea_record.allergies == ALLERGY and lea_record.has_pai


def test_every_view_with_the_permission_is_audited(client, lea_record, family):
    nurse = staff_member("direction@example.org", "view_member", "view_health_record")
    client.force_login(nurse)
    html = page(client, member_url(lea_record))
    assert ALLERGY in html and "Dr Vidal" in html
    page(client, member_url(lea_record))
    events = list(health_views())
    assert len(events) == 2
    event = events[0]
    assert event.user == nurse and event.family == family
    assert event.object_id == str(lea_record.pk)
    assert event.summary == "Fiche santé de Léa TEST consultée"
    assert event.ip_address == "127.0.0.1"
    assert "PAI" in page(client, reverse("admin:famille_member_changelist"))


def test_a_superuser_is_audited_too(staff_client, lea_record):
    assert ALLERGY in page(staff_client, member_url(lea_record))
    assert health_views().count() == 1


def test_a_change_request_on_health_fields_is_masked_or_audited(client, family, parent, lea):
    request = change_request_create(
        family=family, user=parent, target=lea, values={"allergies": ALLERGY}
    )
    url = reverse("admin:famille_changerequest_change", args=[request.pk])
    client.force_login(staff_member("accueil@example.org", "view_changerequest"))
    html = page(client, url)
    assert ALLERGY not in html
    assert "réservée aux personnes habilitées" in html
    assert not health_views().exists()

    client.force_login(
        staff_member("direction@example.org", "view_changerequest", "view_health_record")
    )
    assert ALLERGY in page(client, url)
    assert health_views().get().object_id == str(lea.pk)


def test_the_roles_that_need_it_are_granted_the_permission(db):
    # The staff roles' migration created Direction and Accueil already: start them empty.
    direction, accueil, animation = (
        Group.objects.get_or_create(name=name)[0] for name in ("Direction", "Accueil", "Animation")
    )
    for group in (direction, accueil):
        group.permissions.clear()
    migration = importlib.import_module("famille.migrations.0004_grant_health_record_to_roles")
    migration.grant(apps, None)
    for group in (direction, accueil):
        assert group.permissions.filter(codename="view_health_record").exists()
    assert not animation.permissions.exists()
    user = User.objects.create_user("dir@example.org", PASSWORD, is_staff=True)
    user.groups.add(direction)
    assert User.objects.get(pk=user.pk).has_perm("famille.view_health_record")
