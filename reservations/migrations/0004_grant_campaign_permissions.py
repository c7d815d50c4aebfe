"""Give the registration campaigns' permissions to the staff roles, if they exist.

Direction: everything, with « Peut lancer l'attribution d'une campagne ». Accueil: read the
campaigns and their results (to answer families). A structure without these groups grants
the permissions itself (Administration → Groupes).
"""

from django.db import migrations

from espace_famille.role_grants import role_grants

MODELS = ("campaign", "campaignrule", "campaignrequest")
GRANTS = {
    "Direction": [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")]
    + ["allocate_campaign"],
    "Accueil": [f"view_{model}" for model in MODELS],
}
NAMES = {"allocate_campaign": "Peut lancer l'attribution d'une campagne"}


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0003_registration_campaigns"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [role_grants("reservations", GRANTS, names=NAMES)]
