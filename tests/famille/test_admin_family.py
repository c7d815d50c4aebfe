"""The family page of the admin: its "comptes parents" inline creates invitable logins."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from espace_famille.models import User

pytestmark = pytest.mark.django_db
NEW_EMAIL = "Nouveau.Parent@Example.ORG"


def family_url(family):
    return reverse("admin:famille_family_change", args=[family.pk])


def form_data(response) -> dict[str, object]:
    """What the browser posts back for the change page as it is shown."""
    data: dict[str, object] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def add_login(data: dict[str, object], **values: str) -> dict[str, object]:
    index = int(data["logins-TOTAL_FORMS"])
    data["logins-TOTAL_FORMS"] = index + 1
    for name, value in values.items():
        data[f"logins-{index}-{name}"] = value
    return data


def test_a_login_added_in_the_family_page_has_no_password_and_a_lower_case_email(
    staff_client, family, parent
):
    data = add_login(
        form_data(staff_client.get(family_url(family))),
        email=NEW_EMAIL,
        first_name="Nora",
        last_name="TEST",
    )
    response = staff_client.post(family_url(family), data)
    assert response.status_code == 302, response.context["errors"]
    login = User.objects.get(email=NEW_EMAIL.lower())
    assert login.family == family
    assert login.is_active
    assert not login.has_usable_password()
    assert login.password.startswith("!")


def test_the_same_address_in_another_case_is_refused(staff_client, family, parent):
    data = add_login(form_data(staff_client.get(family_url(family))), email="PARENT@example.org")
    response = staff_client.post(family_url(family), data)
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="parent@example.org").count() == 1


def test_the_invitation_of_a_login_added_there_lives_seven_days(
    client, staff, family, parent, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_VALIDITY_DAYS = 7
    settings.PASSWORD_RESET_LINK_HOURS = 24
    client.force_login(staff)
    # is_active as a browser ticking the box would send it (ignored now the box is read-only).
    data = add_login(form_data(client.get(family_url(family))), email=NEW_EMAIL, is_active="on")
    assert client.post(family_url(family), data).status_code == 302
    login = User.objects.get(email__iexact=NEW_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:famille_family_changelist"),
            {"action": "action_invite", "_selected_action": [family.pk]},
        )
    [message] = [m for m in mail.outbox if m.to == [login.email]]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body
    client.logout()

    with time_machine.travel(timezone.now() + timezone.timedelta(days=6)):
        page = client.get(link.group(1), follow=True).content.decode()

    assert "Ce lien n'est plus valable" not in page
    assert 'name="password1"' in page


def test_logins_cannot_be_deactivated_from_the_family_page(staff_client, family, parent):
    page = staff_client.get(family_url(family))
    assert 'name="logins-0-is_active"' not in page.content.decode()
    data = form_data(page)
    data.pop("logins-0-is_active", None)  # what an unticked box would post
    response = staff_client.post(family_url(family), data)
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.is_active
