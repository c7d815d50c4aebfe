"""Give the health-record permission to the staff roles that need it, if they exist.

The groups "Direction" and "Accueil" are the structure's staff roles; a structure that has
not created them grants the permission itself (Administration → Groupes). Where a migration
creates those groups, this one must run after it (list it in `dependencies`).
"""

from django.db import migrations

ROLES = ("Direction", "Accueil")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups = list(Group.objects.filter(name__in=ROLES))
    if not groups:
        return
    # On a fresh database the permission rows are created after the migrations: make it now.
    content_type, _ = ContentType.objects.get_or_create(app_label="famille", model="member")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_health_record",
        defaults={"name": "Peut consulter les fiches santé (allergies, PAI, médecin)"},
    )
    for group in groups:
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permission = Permission.objects.filter(
        content_type__app_label="famille", codename="view_health_record"
    ).first()
    if permission is not None:
        for group in Group.objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("famille", "0003_member_health_record_permission"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
