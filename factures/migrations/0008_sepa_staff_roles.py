"""Direct debit rights for the staff roles, if the groups exist (espace_famille 0006).

Direction: everything on mandates, collections and debits. Comptabilité: records paper mandates,
produces collections, records rejects (add and change; nothing is ever deleted). Accueil: sees
them (it already sees every billing model through "factures.*" read-only).
"""

from django.db import migrations

MODELS = ("sepamandate", "sepacollection", "sepadebit")
ROLES = {
    "Direction": ("view", "add", "change", "delete"),
    "Comptabilité": ("view", "add", "change"),
    "Accueil": ("view",),
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLES)}
    if not groups:
        return
    # On a fresh database the permission rows are created after the migrations: make them now.
    app_config = apps.get_app_config("factures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for name, actions in ROLES.items():
        if name not in groups:
            continue
        codenames = [f"{action}_{model}" for action in actions for model in MODELS]
        groups[name].permissions.add(
            *Permission.objects.filter(content_type__app_label="factures", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="factures", content_type__model__in=MODELS
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("factures", "0007_sepa_direct_debit"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
