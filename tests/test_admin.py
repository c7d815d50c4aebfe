"""Every admin list and form opens for staff, in French."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse

from espace_famille.models import User

pytestmark = pytest.mark.django_db


# Rows that only the portal, the services or Django itself create: the admin offers no add page.
WITHOUT_ADD_PAGE = {
    "espace_famille.Structure",
    "espace_famille.AuditEvent",
    "espace_famille.EmailDelivery",
    "espace_famille.StaffJob",
    "mfa.Authenticator",
    "django_tasks_database.DBTaskResult",
    "famille.FieldPolicy",
    "famille.ChangeRequest",
    "documents.Submission",
    "reservations.WaitingListEntry",
    "reservations.CampaignRequest",
    "reservations.AbsenceDeclaration",
    "factures.Invoice",
    "factures.Payment",
    "factures.ProviderEvent",
    "factures.SepaMandate",
    "factures.SepaCollection",
    "factures.SepaDebit",
    "contact.Thread",
}


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_admin_changelist_and_add_pages_open(staff_client, family, parent, model):
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if opts.label in WITHOUT_ADD_PAGE else 200)


def test_admin_is_in_french(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert "Gestion de la structure" in page
    assert "Familles" in page


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_parent_cannot_enter_the_admin(parent_client):
    response = parent_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_family_change_page_shows_members_and_logins(staff_client, family, parent):
    page = staff_client.get(reverse("admin:famille_family_change", args=[family.pk]))
    content = page.content.decode()
    assert "Hugo" in content
    assert parent.email in content


def test_second_factor_and_task_sections_are_in_french(staff_client, staff):
    """no "Authenticators" nor "Task Results" left in English."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    index = staff_client.get("/admin/").text
    for english in ("Authenticators", "Task Results", "Email addresses"):
        assert english not in index, english
    assert "Authentificateurs (double authentification)" in index
    assert "Tâches (e-mails envoyés en arrière-plan)" in index
    authenticators = staff_client.get(reverse("admin:mfa_authenticator_changelist")).text
    assert "Dernière utilisation" in authenticators and "Last used at" not in authenticators
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="espace_famille.tasks.send_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    tasks = staff_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).text
    assert "Mise en file" in tasks and "en attente" in tasks
    for english in ("Enqueued at", "By status", "Par status", "Ready"):
        assert english not in tasks, english


def test_the_second_factor_secret_is_never_shown(staff_client, staff):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    authenticator = Authenticator.objects.get(user=staff)
    page = staff_client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200
    assert secret not in page.text and "secret" not in page.text


def test_the_login_admin_stores_emails_in_lower_case(staff_client, family):
    response = staff_client.post(
        reverse("admin:espace_famille_user_add"),
        {
            "email": "Nouveau.Parent@Example.ORG",
            "first_name": "Nouveau",
            "last_name": "PARENT",
            "family": family.pk,
            "usable_password": "false",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nouveau.parent@example.org")
    assert not user.has_usable_password()
