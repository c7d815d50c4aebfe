"""The gateways' options and keys: Direction changes them, Comptabilité only reads them.

Who holds the merchant number and the signing keys decides where the families' money goes:
the head of the structure (Direction). Comptabilité sees which gateway and mode are in use, to
reconcile payments, but the keys are never shown to anyone. Accueil has no business there.
Groups that do not exist are skipped (a structure that made its own grants them itself).
"""

from django.db import migrations

GRANTS = {
    "Direction": ("add", "change", "delete", "view"),
    "Comptabilité": ("view",),
}
NAMES = {
    "add": "Can add moyen de paiement en ligne",
    "change": "Can change moyen de paiement en ligne",
    "delete": "Can delete moyen de paiement en ligne",
    "view": "Can view moyen de paiement en ligne",
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups = {group.name: group for group in Group.objects.filter(name__in=GRANTS)}
    if not groups:
        return
    # On a fresh database the permission rows are created after the migrations: make them now.
    content_type, _ = ContentType.objects.get_or_create(
        app_label="factures", model="onlinepaymentmethod"
    )
    for name, actions in GRANTS.items():
        if name not in groups:
            continue
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_onlinepaymentmethod",
                defaults={"name": NAMES[action]},
            )
            groups[name].permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="factures", content_type__model="onlinepaymentmethod"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("factures", "0005_online_payment_method"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
