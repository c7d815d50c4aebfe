"""`manage.py campaigns_allocate`: allocate every campaign whose results date has come.

Run it from a timer (every 10 minutes: deploy/systemd/espace-famille-campaigns-allocate.timer).
A campaign is allocated once: running the command again, or after staff pressed the button,
does nothing more.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reservations.campaigns.services import campaigns_allocate_due


class Command(BaseCommand):
    help = "Allocate the registration campaigns whose results date has come (each once)."

    def handle(self, *args: object, **options: object) -> None:
        done = campaigns_allocate_due()
        for campaign in done:
            self.stdout.write(f"allocated: {campaign.pk} {campaign.name}")
        if not done:
            self.stdout.write("nothing to allocate")
