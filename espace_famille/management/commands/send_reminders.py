"""`manage.py send_reminders`: the reminder emails due today (espace_famille.reminders).

Run every morning by deploy/systemd/espace-famille-reminders.timer. Running it again the same
day, or two runs at once, sends nothing twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from espace_famille.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reminder emails due today, one email per household, each event once."

    def handle(self, *args: object, **options: object) -> None:
        run = reminders_send()
        self.stdout.write(
            f"{run.emails} email(s), {run.reminders} reminder(s) sent; "
            f"{run.already_sent} already sent or not wanted."
        )
