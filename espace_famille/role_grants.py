"""Data migrations that give a new model's permissions to the staff roles (Direction, Accueil,
Comptabilité), written once.

`role_grants(app_label, grants, names=…)` is the migration's operation: a RunPython that adds
each role's permissions to its group when the group exists (a structure without these groups
grants them itself, Administration → Groupes), and removes them when the migration is
reversed. On a fresh database Django creates the permission rows after the migrations, so the
rows are made here when missing (`names`: the label of a custom permission; otherwise Django's
"<action> <model>" until `migrate` renames it).

Migrations import this module: what it does must not change once a migration uses it (a new
behaviour gets a new function).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import migrations


def role_grants(
    app_label: str,
    grants: Mapping[str, Sequence[str]],
    *,
    names: Mapping[str, str] | None = None,
) -> migrations.RunPython:
    """The operation granting `grants` ({role: [codename, …]}) of `app_label`'s models; each
    codename is "<action>_<model>" (custom ones too: the model is after the first "_")."""
    labels = dict(names or {})

    def permission(apps: Any, codename: str) -> Any:
        Permission = apps.get_model("auth", "Permission")
        ContentType = apps.get_model("contenttypes", "ContentType")
        model = codename.split("_", 1)[1]
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        found, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": labels.get(codename, codename.replace("_", " "))},
        )
        return found

    def grant(apps: Any, schema_editor: Any) -> None:
        Group = apps.get_model("auth", "Group")
        for role, codenames in grants.items():
            group = Group.objects.filter(name=role).first()
            if group is not None:
                group.permissions.add(*[permission(apps, codename) for codename in codenames])

    def revoke(apps: Any, schema_editor: Any) -> None:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for role, codenames in grants.items():
            group = Group.objects.filter(name=role).first()
            if group is not None:
                group.permissions.remove(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )

    return migrations.RunPython(grant, revoke)
