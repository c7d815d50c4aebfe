"""Give the shared-custody (garde alternée) permissions to the staff roles, if they exist.

Direction and Accueil link a child to its second household (view, add, change, delete);
Comptabilité reads the links (who pays which days). A structure without these groups grants
the permissions itself (Administration → Groupes).
"""

from django.db import migrations

ACTIONS = ("view", "add", "change", "delete")
GRANTS = {
    "Direction": [f"{action}_sharedcustody" for action in ACTIONS],
    "Accueil": [f"{action}_sharedcustody" for action in ACTIONS],
    "Comptabilité": ["view_sharedcustody"],
}


def _permission(apps, codename):  # type: ignore[no-untyped-def]
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # On a fresh database the permission rows are created after the migrations: make them now.
    content_type, _ = ContentType.objects.get_or_create(app_label="famille", model="sharedcustody")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ")},
    )
    return permission


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*[_permission(apps, codename) for codename in codenames])


def revoke(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="famille", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("famille", "0009_sharedcustody"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
