from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille.demo import DEMO_PASSWORD
from espace_famille.registry import demo_steps, scale_steps


class Command(BaseCommand):
    help = _("Crée les données de démonstration (sans effet si elles existent déjà).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Accepte de tourner sans DEBUG (base de mesure, jamais en production)."),
        )
        parser.add_argument(
            "--families",
            type=int,
            default=0,
            help=_("Ajoute N familles générées avec une année de données (mesures de charge)."),
        )

    def handle(self, *args: object, families: int = 0, force: bool = False, **options: Any) -> None:
        if not (settings.DEBUG or force):
            # The demo logins have a published password: never on a production database.
            raise CommandError(
                _("Les données de démonstration ne se chargent qu'avec DEBUG (ou --force).")
            )
        with transaction.atomic():
            for step in demo_steps:
                step.run()
        if families:
            for scale_step in scale_steps:
                with transaction.atomic():
                    scale_step.run(families)
            if connection.vendor == "postgresql":
                # Rows added in bulk: the planner's statistics and the visibility map now, not
                # whenever autovacuum gets to them. With stale estimates, Mes factures at
                # 10,000 households read 3,800 pages (a sequential scan of the payments)
                # instead of 13; without the visibility map, the admin's count of the coming
                # week's bookings scanned all 525,000 (65 ms) instead of an index-only scan
                # (4 ms).
                # VACUUM cannot run inside a transaction (a test's): ANALYZE alone there.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
            self.stdout.write(
                ngettext(
                    "%(n)d famille générée ajoutée.", "%(n)d familles générées ajoutées.", families
                )
                % {"n": families}
            )
        self.stdout.write(self.style.SUCCESS(_("Données de démonstration prêtes.")))
        self.stdout.write(
            _("Comptes de démonstration (mot de passe : %(pw)s) :") % {"pw": DEMO_PASSWORD}
        )
        self.stdout.write("  test@example.org    " + _("famille TEST"))
        self.stdout.write("  martin@example.org  " + _("famille MARTIN"))
        self.stdout.write(
            "  bernard@example.org " + _("famille BERNARD (Chloé, en garde alternée avec MARTIN)")
        )
        self.stdout.write("  admin@example.org   " + _("personnel (administration : /admin/)"))
