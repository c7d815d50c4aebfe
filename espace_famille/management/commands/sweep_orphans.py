"""`manage.py sweep_orphans [--delete]`: stored files no row points at.

Lists them by default (a dry run); `--delete` removes them. Files younger than
`--min-age-hours` (1 by default) are left alone: an upload in flight is stored before its row
commits. Run it with `--delete` from a timer (daily) in production.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from espace_famille.files import orphan_files


class Command(BaseCommand):
    help = "List (or with --delete remove) stored files that no row of any FileField points at."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove the orphan files")
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=1.0,
            help="leave younger files alone (uploads in flight); default 1",
        )

    def handle(self, *args: object, delete: bool, min_age_hours: float, **options: object) -> None:
        if min_age_hours < 0:
            raise CommandError("--min-age-hours must not be negative.")
        orphans = orphan_files(min_age=datetime.timedelta(hours=min_age_hours))
        for storage, name in orphans:
            if delete:
                storage.delete(name)
            self.stdout.write(f"{'deleted' if delete else 'orphan'}: {name}")
        if delete:
            self.stdout.write(f"{len(orphans)} orphan file(s) deleted.")
        else:
            self.stdout.write(f"{len(orphans)} orphan file(s); run with --delete to remove them.")
