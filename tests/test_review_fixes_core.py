"""Core behaviours hardened after the security review."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from espace_famille import audit
from espace_famille.emails import send_templated
from espace_famille.models import AuditEvent, Structure, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_family_that_left_cannot_use_the_portal(parent_client, family):
    family.is_active = False
    family.save()
    response = parent_client.get("/")
    assert response.status_code == 403
    assert "Votre Espace famille est fermé" in response.content.decode()


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


def test_subjects_are_one_line_and_not_html_escaped(
    parent, structure, django_capture_on_commit_callbacks
):
    structure.name = "Centre d'animation\r\nBcc: victim@example.org"
    structure.save()
    send_templated(
        "invitation",
        to=[parent.email],
        context={"user": parent, "link": "http://testserver/x", "expires": parent.date_joined},
    )
    message = mail.outbox[0]
    assert message.subject == "Votre Espace famille — Centre d'animation Bcc: victim@example.org"
    assert "&#x27;" not in message.body
    assert "Centre d'animation" in message.body


def test_second_factor_changes_are_audited(staff, rf):
    authenticator = Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={})
    request = rf.post("/accounts/2fa/totp/activate/")
    authenticator_added.send(
        sender=Authenticator, request=request, user=staff, authenticator=authenticator
    )
    event = AuditEvent.objects.get(kind=audit.Kind.SECOND_FACTOR_CHANGED)
    assert event.user == staff
    assert "ajoutée" in event.summary


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#0b5cad").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_structure_logo_is_served_and_shown(client, structure):
    structure.logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    structure.save()
    response = client.get(reverse("structure_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()
    page = client.get(reverse("account_login")).content.decode()
    assert f'src="{reverse("structure_logo")}"' in page


def test_no_logo_answers_404(client, structure):
    assert client.get(reverse("structure_logo")).status_code == 404


def test_healthz_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_demo_refuses_a_production_database(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not Structure.objects.exists()


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
