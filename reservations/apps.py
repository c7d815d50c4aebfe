from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Réservations")

    def ready(self) -> None:
        from reservations import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import register_kinds
        from reservations.audit_kinds import BookingEvent, CampaignEvent

        register_kinds(BookingEvent)
        register_kinds(CampaignEvent)
        from documents.registry import register_unlocked_source
        from espace_famille.registry import MenuEntry, register_menu
        from inscriptions.signals import enrolment_cancelled
        from reservations import demo  # noqa: F401  (registers the demo steps)
        from reservations.selectors import bookings_unlocked, offered_places_count

        register_menu(
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
        register_unlocked_source(bookings_unlocked)
        # The openings of a campaign are not booked first-come before its results.
        from reservations.campaigns.services import campaign_booking_rule
        from reservations.rules import register_booking_rule

        register_booking_rule(campaign_booking_rule)
        enrolment_cancelled.connect(
            _on_enrolment_cancelled, dispatch_uid="reservations_enrolment_cancelled"
        )


def _on_enrolment_cancelled(sender, *, enrolment, by, request=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    from reservations.services import bookings_cancel_for_enrolment

    bookings_cancel_for_enrolment(enrolment=enrolment, by=by, request=request)
