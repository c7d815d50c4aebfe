from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User
    from inscriptions.models import Enrolment


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Réservations")

    def ready(self) -> None:
        from reservations import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import audit_kinds
        from reservations.audit_kinds import AbsenceEvent, BookingEvent, CampaignEvent

        audit_kinds.register(BookingEvent)
        audit_kinds.register(CampaignEvent)
        audit_kinds.register(AbsenceEvent)
        from espace_famille.anonymisation import Step, anonymisation_steps
        from reservations.absences.anonymisation import absence_texts_erase
        from reservations.anonymisation import calendar_feed_erase

        anonymisation_steps.register(Step("absences", 45, absence_texts_erase))
        anonymisation_steps.register(Step("agenda", 46, calendar_feed_erase))
        from documents.registry import unlocked_sources
        from espace_famille.registry import MenuEntry, menu
        from inscriptions.registry import enrolment_cancelled
        from reservations import demo  # noqa: F401  (registers the demo steps)
        from reservations.selectors import bookings_unlocked, offered_places_count

        menu.register(
            MenuEntry(
                key="reservations",
                title=_("Mes réservations"),
                description=_("Le planning de chaque enfant : réserver ou annuler."),
                url_name="reservations:index",
                order=30,
                icon="reservations",
                badge=offered_places_count,
                badge_label=ngettext_lazy(
                    "%(n)s place proposée depuis la liste d'attente",
                    "%(n)s places proposées depuis la liste d'attente",
                    "n",
                ),
            )
        )
        # The review page of a document lists the bookings it let through.
        unlocked_sources.register(bookings_unlocked)
        enrolment_cancelled.register(_cancel_bookings_of_enrolment)
        # The openings of a campaign are not booked first-come before its results.
        from reservations.campaigns.services import campaign_booking_rule
        from reservations.registry import booking_rules

        booking_rules.register(campaign_booking_rule)
        from espace_famille.registry import (
            FamilyTodo,
            ReminderKind,
            family_todos,
            reminder_kinds,
        )
        from reservations import todo

        family_todos.register(FamilyTodo("reservations", 60, todo.todo_lines))
        reminder_kinds.register(
            ReminderKind(
                "campagne-ouverture",
                50,
                _("Les demandes d'une campagne de réservation ouvrent"),
                todo.campaigns_opening,
            )
        )
        reminder_kinds.register(
            ReminderKind(
                "campagne-cloture",
                60,
                _("Les demandes d'une campagne de réservation ferment bientôt"),
                todo.campaigns_closing,
            )
        )
        reminder_kinds.register(
            ReminderKind(
                "semaine-sans-reservation",
                70,
                _("Rien n'est encore réservé pour la semaine suivante"),
                todo.week_unbooked,
                default_on=False,
            )
        )


def _cancel_bookings_of_enrolment(
    *, enrolment: Enrolment, by: User | None, request: HttpRequest | None = None
) -> None:
    from reservations.services import bookings_cancel_for_enrolment

    bookings_cancel_for_enrolment(enrolment=enrolment, by=by, request=request)
