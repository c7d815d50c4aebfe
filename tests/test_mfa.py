"""Staff may protect their login with a TOTP second factor (allauth.mfa)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from espace_famille import audit
from espace_famille.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_admin_links_to_the_second_factor_page(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert f'href="{reverse("mfa_index")}"' in page
    assert staff_client.get(reverse("mfa_index")).status_code == 200


def test_a_staff_login_with_totp_asks_for_the_code(client, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    code = hotp_value(secret, next(yield_hotp_counters_from_time()))
    response = client.post(reverse("mfa_authenticate"), {"code": f"{code:06d}"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_second_factor_changes_are_audited(staff, rf):
    authenticator = Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={})
    request = rf.post("/accounts/2fa/totp/activate/")
    authenticator_added.send(
        sender=Authenticator, request=request, user=staff, authenticator=authenticator
    )
    event = AuditEvent.objects.get(kind=audit.Kind.SECOND_FACTOR_CHANGED)
    assert event.user == staff
    assert "ajoutée" in event.summary
