"""Staff roles: the groups Direction, Accueil and Comptabilité with the rights of each job.

Direction: every right (but not superuser). Accueil: families, logins of parents, change
requests, documents, enrolments, bookings, conversations; billing read-only. Comptabilité:
tariffs, billing runs, invoices and credit notes, payments and refunds; families read-only.
Staff may adjust the groups afterwards in the admin; this migration only creates them.
"""

from django.db import migrations

V, A, C, D = "view", "add", "change", "delete"

ACCUEIL = {
    "espace_famille.user": (V, A, C),
    "espace_famille.structure": (V,),
    "espace_famille.auditevent": (V,),
    "famille.family": (V, A, C),
    "famille.member": (V, A, C, D),
    "famille.fieldpolicy": (V,),
    "famille.changerequest": (V, C),
    "famille.changerequestitem": (V,),
    "documents.documenttype": (V,),
    "documents.submission": (V, C),
    "documents.structurecategory": (V, A, C),
    "documents.structuredocument": (V, A, C),
    "inscriptions.activity": (V,),
    "inscriptions.unit": (V,),
    "inscriptions.enrolment": (V, A, C),
    "reservations.closure": (V,),
    "reservations.opening": (V,),
    "reservations.booking": (V, A, C),
    "reservations.waitinglistentry": (V, C),
    "contact.thread": (V, C),
    "contact.message": (V,),
    "account.emailaddress": (V,),
    # Billing: read-only.
    "factures.*": (V,),
}

COMPTABILITE = {
    "espace_famille.structure": (V,),
    "espace_famille.auditevent": (V,),
    "famille.family": (V,),
    "famille.member": (V,),
    "inscriptions.activity": (V,),
    "inscriptions.unit": (V,),
    "inscriptions.enrolment": (V,),
    "reservations.opening": (V,),
    "reservations.booking": (V,),
    "factures.*": (V,),
    "factures.tariff": (V, A, C, D),
    "factures.manualcharge": (V, A, C, D),
    "factures.invoice": (V, A, C),
    "factures.payment": (V, A, C),
    "factures.billingsettings": (V, C),
}

ROLES = {"Direction": None, "Accueil": ACCUEIL, "Comptabilité": COMPTABILITE}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after every migration: create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_roles(apps)


def assign_roles(apps):
    """Create the groups (or reset their rights) from the tables above."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = Permission.objects.select_related("content_type")
    for name, table in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        if table is None:
            group.permissions.set(every)
            continue
        chosen = []
        for permission in every:
            app_label = permission.content_type.app_label
            model = permission.content_type.model
            action = permission.codename.split("_", 1)[0]
            actions = set(table.get(f"{app_label}.{model}", ())) | set(
                table.get(f"{app_label}.*", ())
            )
            if action in actions and permission.codename == f"{action}_{model}":
                chosen.append(permission)
        group.permissions.set(chosen)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0005_user_manage_staff_permission"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
        # The project's apps as they stood when the roles were written (not `__latest__`: a later
        # migration of theirs may depend on these groups existing).
        ("famille", "0002_child_records_and_change_requests"),
        ("documents", "0002_documenttype_pending_counts"),
        ("inscriptions", "0002_enrolment_index_from_member"),
        ("reservations", "0002_opening_booked_count"),
        ("factures", "0003_payment_status_to_refund_refunded"),
        ("contact", "0001_initial"),
        ("account", "__latest__"),
        ("mfa", "__latest__"),
        ("django_tasks_database", "__latest__"),
        ("admin", "__latest__"),
        ("sessions", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
