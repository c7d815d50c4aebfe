"""Apply the retention periods (RETENTION_* settings): run it daily, like clearsessions."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from espace_famille.retention import retention_run


class Command(BaseCommand):
    help = "Erase what is past its retention period (without --apply, only count it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="erase (default: count only)")

    def handle(self, *args: object, **options: Any) -> None:
        counts = retention_run(now=timezone.now(), apply=options["apply"])
        verb = "erased" if options["apply"] else "to erase"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} {verb}")
