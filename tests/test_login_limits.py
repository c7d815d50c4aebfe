"""Login limits: brute force is blocked, but nobody can lock a parent out and a rush is served."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher
from django.test import Client
from django.urls import reverse

from espace_famille.models import User
from tests.factories import PASSWORD, make_parent

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"
KIOSK = "192.0.2.10"


def _login(address: str, login: str, password: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("account_login"), {"login": login, "password": password})
    return client


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_from_elsewhere_do_not_lock_the_parent_out(parent):
    for _attempt in range(8):
        assert not _logged_in(_login(ATTACKER, parent.email, "mauvais"))
    assert _logged_in(_login(HOME, parent.email, PASSWORD))


def test_brute_force_from_one_address_stays_blocked(parent):
    for _attempt in range(5):
        _login(ATTACKER, parent.email, "mauvais")
    # The right password no longer opens the account from that address.
    assert not _logged_in(_login(ATTACKER, parent.email, PASSWORD))


def test_successful_logins_from_one_shared_address_are_not_limited(family):
    parents = [make_parent(family, f"parent{n}@example.org") for n in range(40)]
    refused = [p.email for p in parents if not _logged_in(_login(KIOSK, p.email, PASSWORD))]
    assert refused == []


def test_a_few_mistakes_behind_a_shared_address_do_not_block_the_others(family):
    parents = [make_parent(family, f"parent{n}@example.org") for n in range(30)]
    for parent in parents[:15]:
        _login(KIOSK, parent.email, "faute-de-frappe")
    refused = [p.email for p in parents if not _logged_in(_login(KIOSK, p.email, PASSWORD))]
    assert refused == []


def test_passwords_are_hashed_at_owasp_argon2id_floor_and_old_hashes_upgraded(settings, family):
    from espace_famille import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the suite's own hasher is MD5
    user = make_parent(family, "ancien@example.org")
    # A hash made with Django's default Argon2 parameters (100 MiB, 8 lanes): too slow to serve
    # a registration rush on two cores.
    django_default = Argon2PasswordHasher()
    old = django_default.encode(PASSWORD, django_default.salt())
    assert "m=102400" in old
    User.objects.filter(pk=user.pk).update(password=old)

    assert _logged_in(_login(HOME, user.email, PASSWORD))

    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "$argon2id$" in user.password
    assert "m=7168,t=5,p=1" in user.password
