"""The admin's "Moyens de paiement en ligne": keys write-only, options checked, Direction only."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse

from espace_famille.models import AuditEvent, User
from factures.models import OnlinePaymentMethod
from factures.payments.gateways import gateway_config
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ADD = reverse("admin:factures_onlinepaymentmethod_add")
SECRET = "SuperSecretKey123"


def _form(**changes: str) -> dict[str, str]:
    return {
        "backend": "systempay",
        "label": "Banque Populaire",
        "enabled": "on",
        "merchant_id": "12345678",
        "mode": "test",
        "key_test": SECRET,
        "key_production": "",
        "signature_algo": "hmac_sha256",
        "service_url": "",
        "payment_page_url": "",
        **changes,
    }


@pytest.fixture
def method(staff_client):
    staff_client.post(ADD, _form())
    return OnlinePaymentMethod.objects.get()


def test_the_key_is_saved_but_never_shown_back(staff_client, method):
    assert method.key_test == SECRET
    change = reverse("admin:factures_onlinepaymentmethod_change", args=[method.pk])
    assert SECRET not in staff_client.get(change).content.decode()
    listing = staff_client.get(reverse("admin:factures_onlinepaymentmethod_changelist"))
    assert SECRET not in listing.content.decode()
    assert "test" in listing.content.decode()  # which keys are recorded, not their value


def test_an_empty_key_field_keeps_the_key_and_a_new_one_replaces_it(staff_client, method):
    change = reverse("admin:factures_onlinepaymentmethod_change", args=[method.pk])
    staff_client.post(change, _form(key_test="", label="Caisse d'Épargne"))
    method.refresh_from_db()
    assert (method.label, method.key_test) == ("Caisse d'Épargne", SECRET)
    staff_client.post(change, _form(key_test="NewKey456"))
    method.refresh_from_db()
    assert method.key_test == "NewKey456"


def test_saving_is_audited_without_the_key(staff_client, method):
    event = AuditEvent.objects.get(kind="payment_method_changed")
    assert "Banque Populaire" in event.summary
    assert SECRET not in event.summary


def test_enabling_incomplete_options_is_refused_with_a_message(staff_client):
    response = staff_client.post(ADD, _form(merchant_id="12", key_test=""))
    assert "Options incomplètes" in response.content.decode()
    assert not OnlinePaymentMethod.objects.exists()


def test_the_enabled_row_overrides_the_environment(settings, method):
    settings.SYSTEMPAY_SITE_ID = "87654321"
    settings.SYSTEMPAY_KEY_TEST = "EnvKey"
    assert gateway_config("systempay").merchant_id == "12345678"
    method.enabled = False
    method.save()
    assert gateway_config("systempay").merchant_id == "87654321"


def test_incomplete_options_turn_online_payment_off(settings, parent_client, family):
    settings.PAYMENT_PROVIDER = "payfip"
    settings.PAYFIP_NUMCLI = ""
    page = parent_client.get(reverse("factures:index")).content.decode()
    assert "n'est pas proposé" in page


def _account(role: str) -> User:
    if not Group.objects.filter(name=role).exists():
        importlib.import_module("espace_famille.migrations.0006_staff_roles").assign_roles(
            django_apps
        )
        importlib.import_module("factures.migrations.0006_online_payment_method_permissions").grant(
            django_apps, None
        )
    user = User.objects.create_user(f"{role}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


def test_direction_changes_the_gateways_comptabilite_only_reads_accueil_sees_nothing(db):
    direction, compta, accueil = (_account(r) for r in ("Direction", "Comptabilité", "Accueil"))
    assert direction.has_perms(
        ["factures.change_onlinepaymentmethod", "factures.add_onlinepaymentmethod"]
    )
    assert compta.has_perm("factures.view_onlinepaymentmethod")
    assert not compta.has_perm("factures.change_onlinepaymentmethod")
    assert not accueil.has_perm("factures.view_onlinepaymentmethod")
