"""First connection by invitation, login, logout, password change and their audit events."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from espace_famille.models import AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Castors-et-Loutres-2026"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Send the invitation from the admin's action; return the link's path."""

    def _invite(staff_client, user):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                reverse("admin:espace_famille_user_changelist"),
                {"action": "action_invite", "_selected_action": [user.pk]},
                follow=True,
            )
        return _invitation_link(response, user)

    return _invite


def _invitation_link(response, user):
    assert response.status_code == 200
    assert "1 invitation envoyée." in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    html = message.alternatives[0][0]
    link = re.search(r"(http://testserver/accounts/password/reset/key/[^\s\"<]+)", message.body)
    assert link, message.body
    assert link.group(1) in html
    return link.group(1).replace("http://testserver", "")


def _set_password(client, link):
    response = client.get(link, follow=True)
    assert response.status_code == 200
    action = response.redirect_chain[-1][0] if response.redirect_chain else link
    return client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)


@pytest.fixture
def invitee(family):
    return User.objects.create_user("invitee@example.org", None, family=family, first_name="Inès")


def test_invitation_flow_end_to_end(client, staff, invitee, invite):
    staff_client = client
    staff_client.force_login(staff)
    link = invite(staff_client, invitee)
    staff_client.logout()

    response = _set_password(client, link)

    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == invitee
    invitee.refresh_from_db()
    assert invitee.check_password(NEW_PASSWORD)
    assert invitee.invited_at is not None
    kinds = list(AuditEvent.objects.filter(user=invitee).values_list("kind", flat=True))
    assert AuditEvent.Kind.PASSWORD_SET in kinds
    assert (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.INVITATION_SENT, user=staff, family=invitee.family
        ).count()
        == 1
    )


def test_invitation_link_is_single_use(client, staff, invitee, invite):
    client.force_login(staff)
    link = invite(client, invitee)
    client.logout()
    _set_password(client, link)
    client.logout()

    response = client.get(link, follow=True)

    page = response.content.decode()
    assert "Ce lien n'est plus valable" in page
    assert reverse("account_reset_password") in page
    assert "password1" not in page


def test_invitation_link_expires(client, staff, invitee, settings, invite):
    settings.INVITATION_VALIDITY_DAYS = 7
    client.force_login(staff)
    link = invite(client, invitee)
    client.logout()

    with time_machine.travel(timezone.now() + timezone.timedelta(days=7, hours=3)):
        response = client.get(link, follow=True)

    assert "Ce lien n'est plus valable" in response.content.decode()
    invitee.refresh_from_db()
    assert not invitee.has_usable_password()


def test_invitation_link_still_valid_within_its_period(client, staff, invitee, invite):
    client.force_login(staff)
    link = invite(client, invitee)
    client.logout()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=6)):
        response = _set_password(client, link)
    assert response.context["user"] == invitee


def test_forgotten_password_link_lives_shorter_than_an_invitation(
    client, parent, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LINK_HOURS = 24
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": parent.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=27)):
        response = client.get(link.group(1), follow=True)
    assert "Ce lien n'est plus valable" in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.PASSWORD_RESET_REQUESTED, user=parent
        ).count()
        == 1
    )


def test_deactivated_account_gets_no_invitation(staff_client, invitee):
    invitee.is_active = False
    invitee.save()
    response = staff_client.post(
        reverse("admin:espace_famille_user_changelist"),
        {"action": "action_invite", "_selected_action": [invitee.pk]},
        follow=True,
    )
    assert "désactivé" in response.content.decode()
    assert mail.outbox == []


def test_login_writes_one_audit_event(client, parent):
    response = client.post(
        reverse("account_login"), {"login": parent.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN)
    assert events.count() == 1
    event = events.get()
    assert event.user == parent
    assert event.family == parent.family
    assert event.ip_address == "127.0.0.1"


def test_login_by_email_is_case_insensitive(client, parent):
    response = client.post(
        reverse("account_login"), {"login": parent.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302


def test_failed_login_writes_one_audit_event(client, parent):
    response = client.post(reverse("account_login"), {"login": parent.email, "password": "mauvais"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert event.user == parent
    assert event.family == parent.family
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN).count() == 0


def test_failed_login_of_unknown_email_is_recorded_without_family(client, structure):
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x"})
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert event.family is None and event.user is None
    assert "nobody@example.org" in event.summary


def test_logout_writes_one_audit_event(parent_client, parent):
    response = parent_client.post(reverse("account_logout"))
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGOUT)
    assert event.user == parent


def test_login_attempts_are_rate_limited(client, parent):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": parent.email, "password": "mauvais"})
    response = client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})
    # allauth answers the login form again, with its message, and logs nobody in.
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Trop" in response.content.decode()


def test_password_change_from_the_portal(parent_client, parent):
    response = parent_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=parent).exists()


def test_signup_is_closed(client, structure):
    response = client.get("/accounts/signup/")
    assert b"password1" not in response.content


def test_deactivated_parent_cannot_log_in(client, staff, parent):
    client.force_login(staff)
    client.post(
        reverse("admin:espace_famille_user_changelist"),
        {"action": "action_deactivate", "_selected_action": [parent.pk]},
    )
    client.logout()
    parent.refresh_from_db()
    assert not parent.is_active
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_DEACTIVATED).count() == 1
    client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def _forgotten_password_link(client, user, capture):
    with capture(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(1)


def _deactivate(user, staff):
    from espace_famille.accounts import account_deactivate

    account_deactivate(request=None, user=user, by=staff)


@pytest.mark.parametrize("opened_before", [False, True])
def test_invitation_of_a_deactivated_account_sets_no_password(
    client, staff, invitee, invite, opened_before
):
    client.force_login(staff)
    link = invite(client, invitee)
    client.logout()
    opened = client.get(link, follow=True)  # the set-password form, key kept in the session
    action = opened.redirect_chain[-1][0] if opened.redirect_chain else link
    _deactivate(invitee, staff)

    if opened_before:
        response = client.post(
            action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
        )
    else:
        response = _set_password(client, link)

    assert "Ce lien n'est plus valable" in response.content.decode()
    invitee.refresh_from_db()
    assert not invitee.has_usable_password()
    assert not invitee.is_active
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(user=invitee, kind=AuditEvent.Kind.PASSWORD_SET).exists()


def test_forgotten_password_link_of_a_deactivated_account_sets_no_password(
    client, staff, parent, django_capture_on_commit_callbacks
):
    link = _forgotten_password_link(client, parent, django_capture_on_commit_callbacks)
    _deactivate(parent, staff)

    response = _set_password(client, link)

    assert "Ce lien n'est plus valable" in response.content.decode()
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)
    assert not parent.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "uid_and_key",
    [
        "zz-zz",
        "0-0",
        "9" * 200 + "-abc",
        "1-" + "é" * 50,
        "1-set-password",
        "abc-" + "x" * 5000,
        "1-%00",
    ],
)
def test_malformed_reset_links_are_refused_not_a_500(client, parent, uid_and_key):
    url = f"/accounts/password/reset/key/{uid_and_key}/"
    for response in (
        client.get(url, follow=True),
        client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True),
    ):
        assert response.status_code == 200
        assert "Ce lien n'est plus valable" in response.content.decode()
    parent.refresh_from_db()
    assert parent.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session


def test_no_invitation_for_a_family_that_left(staff_client, parent, family):
    family.is_active = False
    family.save()
    response = staff_client.post(
        reverse("admin:espace_famille_user_changelist"),
        {"action": "action_invite", "_selected_action": [parent.pk]},
        follow=True,
    )
    assert "la famille n&#x27;est plus active" in response.content.decode()
    assert mail.outbox == []


def test_parents_cannot_change_their_login_email(parent_client):
    assert parent_client.get("/accounts/email/").status_code == 404
    assert parent_client.post("/accounts/email/", {"email": "x@evil.example"}).status_code == 404


def test_behind_a_proxy_the_audit_keeps_the_client_address(client, parent, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("account_login"),
        {"login": parent.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN).ip_address == "203.0.113.7"
