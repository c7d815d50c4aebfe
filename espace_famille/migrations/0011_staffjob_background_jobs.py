"""Background jobs (espace_famille.jobs): the StaffJob model, and its list for every staff role."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


ROLES = ("Direction", "Accueil", "Comptabilité")


def grant_view(apps, schema_editor):
    """Every staff role sees the jobs list; each job itself needs its kind's permission."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    groups = list(Group.objects.filter(name__in=ROLES))
    if not groups:
        return
    # On a fresh database the permission rows are created after the migrations: make it now.
    content_type, _ = ContentType.objects.get_or_create(
        app_label="espace_famille", model="staffjob"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_staffjob",
        defaults={"name": "Can view tâche de fond"},
    )
    for group in groups:
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0010_data_export"),
        ("espace_famille", "0006_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaffJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=60, verbose_name="tâche")),
                ("label", models.CharField(blank=True, max_length=120, verbose_name="précision")),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="paramètres")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "En attente"),
                            ("running", "En cours"),
                            ("succeeded", "Terminée"),
                            ("failed", "Échouée"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="état",
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0, verbose_name="fait")),
                ("total", models.PositiveIntegerField(default=0, verbose_name="à faire")),
                ("result", models.JSONField(blank=True, default=dict, verbose_name="résultat")),
                ("error", models.TextField(blank=True, verbose_name="erreur")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="lancée le")),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="dernière nouvelle"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finie le"),
                ),
                (
                    "started_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="lancée par",
                    ),
                ),
            ],
            options={
                "verbose_name": "tâche de fond",
                "verbose_name_plural": "tâches de fond",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["-created_at"], name="staffjob_newest_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state__in", ["queued", "running"])),
                        fields=("kind",),
                        name="staffjob_one_live_per_kind",
                    )
                ],
            },
        ),
        migrations.RunPython(grant_view, migrations.RunPython.noop),
    ]
