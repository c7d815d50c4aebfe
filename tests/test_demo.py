"""`manage.py demo` follows the demo-data contract and is idempotent."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from espace_famille.models import Structure, User
from famille.models import Family

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-espace-famille"


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "contenttypes", "auth", "admin"}
        and model._meta.label != "espace_famille.AuditEvent"
    }


def test_demo_creates_the_contract_and_prints_the_logins(capsys):
    call_command("demo", force=True)
    out = capsys.readouterr().out
    for email in (
        "test@example.org",
        "martin@example.org",
        "bernard@example.org",
        "admin@example.org",
    ):
        assert email in out
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out
    assert User.objects.get(email="admin@example.org").is_superuser
    test = Family.objects.get(name="TEST")
    assert User.objects.get(email="test@example.org").family == test
    children = set(test.members.filter(role="child").values_list("first_name", "last_name"))
    assert children == {("Léa", "TEST"), ("Hugo", "TEST")}
    assert test.members.filter(role="parent").count() == 2
    martin = Family.objects.get(name="MARTIN")
    assert list(martin.members.filter(role="child").values_list("first_name", flat=True)) == [
        "Chloé"
    ]
    assert Structure.objects.count() == 1
    # Chloé in shared custody: her second household BERNARD has its own login, and books days.
    chloe = martin.members.get(first_name="Chloé")
    bernard = Family.objects.get(name="BERNARD")
    assert chloe.shared_custody.family == bernard
    assert User.objects.get(email="bernard@example.org").family == bernard
    assert chloe.bookings.filter(family=bernard).exists()
    assert chloe.bookings.filter(family__isnull=True).exists()


def test_demo_twice_changes_nothing():
    call_command("demo", force=True)
    before = _counts()
    call_command("demo", force=True)
    assert _counts() == before


def test_demo_generates_families_for_scale():
    call_command("demo", families=5, force=True)
    assert Family.objects.filter(name__startswith="GEN-").count() == 5
    assert User.objects.filter(family__name__startswith="GEN-").count() == 5
    call_command("demo", families=3, force=True)
    assert Family.objects.filter(name__startswith="GEN-").count() == 8


def test_demo_refuses_a_production_database(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not Structure.objects.exists()
