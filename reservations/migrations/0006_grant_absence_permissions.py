"""Give the justified absences' permissions to the staff roles, if they exist.

Direction: everything. Accueil: review the declarations (accept, refuse), read the policies.
Comptabilité: read the declarations (the credit notes they produce). A structure without these
groups grants the permissions itself (Administration → Groupes).
"""

from django.db import migrations

MODELS = ("absencepolicy", "absencedeclaration", "absenceday")
GRANTS = {
    "Direction": [
        f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")
    ],
    "Accueil": [f"view_{model}" for model in MODELS] + ["change_absencedeclaration"],
    "Comptabilité": ["view_absencedeclaration", "view_absenceday"],
}
NAMES: dict[str, str] = {}


def _permission(apps, codename):  # type: ignore[no-untyped-def]
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    model = codename.split("_", 1)[1]
    # On a fresh database the permission rows are created after the migrations: make them now.
    content_type, _ = ContentType.objects.get_or_create(app_label="reservations", model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": NAMES.get(codename, codename.replace("_", " "))},
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
                    content_type__app_label="reservations", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0005_justified_absences"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
