"""`manage.py facturer --month 2026-10`: the billing run of a month."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from factures.billing import billing_run, parse_month


class Command(BaseCommand):
    help = "Facture un mois : une facture par foyer pour ses réservations facturables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="AAAA-MM, par exemple 2026-10")
        parser.add_argument(
            "--no-pdf",
            action="store_true",
            help="Ne pas produire les PDF tout de suite (ils le seront au premier téléchargement).",
        )

    def handle(self, *args: object, month: str, no_pdf: bool, **options: Any) -> None:
        try:
            first = parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = billing_run(month=first, render_pdf=not no_pdf)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{len(result.invoices)} invoice(s), total {result.total} EUR for {first:%Y-%m}."
        )
        if result.missing_tariffs:
            self.stderr.write(
                f"{result.skipped_bookings} booking(s) not billed, no tariff for: "
                + ", ".join(sorted(result.missing_tariffs))
            )
