"""Give the shared-custody (garde alternée) permissions to the staff roles, if they exist.

Direction and Accueil link a child to its second household (view, add, change, delete);
Comptabilité reads the links (who pays which days). A structure without these groups grants
the permissions itself (Administration → Groupes).
"""

from django.db import migrations

from espace_famille.role_grants import role_grants

ACTIONS = ("view", "add", "change", "delete")
GRANTS = {
    "Direction": [f"{action}_sharedcustody" for action in ACTIONS],
    "Accueil": [f"{action}_sharedcustody" for action in ACTIONS],
    "Comptabilité": ["view_sharedcustody"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("famille", "0009_sharedcustody"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [role_grants("famille", GRANTS)]
