"""Demo data of the core: the structure's identity and the staff superuser."""

from django.utils.translation import gettext as _

from espace_famille.models import Structure, User
from espace_famille.registry import DemoStep, demo_steps

DEMO_PASSWORD = "demo-espace-famille"  # noqa: S105 - published demo login, see README
STAFF_EMAIL = "admin@example.org"


def demo_user(email: str, **fields: object) -> User:
    """Create the demo login once; later runs leave it as it is."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, **fields)
    return user


def _structure_and_staff() -> None:
    if not Structure.objects.exists():
        Structure.objects.create(
            name=_("Accueil de loisirs Les Petits Castors"),
            address="12 rue des Écoles\n69000 Lyon",
            phone="04 72 00 00 00",
            email="contact@example.org",
            siret="12345678900012",
            opening_hours=_("Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h 30"),
            legal_mentions=_(
                "Association loi 1901 — SIRET 123 456 789 00012 — "
                "IBAN FR76 0000 0000 0000 0000 0000 000"
            ),
        )
    demo_user(
        STAFF_EMAIL, is_staff=True, is_superuser=True, first_name="Admin", last_name=_("Structure")
    )


demo_steps.register(DemoStep("structure", 10, _structure_and_staff))
