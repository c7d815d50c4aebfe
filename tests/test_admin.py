"""Every admin list and form opens for staff, in French."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_admin_changelist_and_add_pages_open(staff_client, family, parent, model):
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)


def test_admin_is_in_french(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert "Gestion de la structure" in page
    assert "Familles" in page


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_parent_cannot_enter_the_admin(parent_client):
    assert parent_client.get("/admin/").status_code in (302, 403)


def test_family_change_page_shows_members_and_logins(staff_client, family, parent):
    page = staff_client.get(reverse("admin:famille_family_change", args=[family.pk]))
    content = page.content.decode()
    assert "Hugo" in content
    assert parent.email in content
