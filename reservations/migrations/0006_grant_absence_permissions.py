"""Give the justified absences' permissions to the staff roles, if they exist.

Direction: everything. Accueil: review the declarations (accept, refuse), read the policies.
Comptabilité: read the declarations (the credit notes they produce). A structure without these
groups grants the permissions itself (Administration → Groupes).
"""

from django.db import migrations

from espace_famille.role_grants import role_grants

MODELS = ("absencepolicy", "absencedeclaration", "absenceday")
GRANTS = {
    "Direction": [
        f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")
    ],
    "Accueil": [f"view_{model}" for model in MODELS] + ["change_absencedeclaration"],
    "Comptabilité": ["view_absencedeclaration", "view_absenceday"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0005_justified_absences"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [role_grants("reservations", GRANTS)]
