"""Households already inactive start their retention period today; the right to anonymise a
departed household goes to the group Direction (if it exists)."""

import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    Family = apps.get_model("famille", "Family")
    Family.objects.filter(is_active=False, left_on__isnull=True).update(
        left_on=datetime.date.today()
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    direction = Group.objects.filter(name="Direction").first()
    if direction is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="famille", model="family")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="anonymise_family",
        defaults={"name": "Peut anonymiser une famille partie (irréversible)"},
    )
    direction.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("famille", "0006_family_left_on_anonymisation_deletion_request"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
