from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Réservations")

    def ready(self) -> None:
        from espace_famille.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry(
                key="reservations",
                title=_("Mes réservations"),
                description=_("Le planning de chaque enfant : réserver ou annuler."),
                url_name="reservations:index",
                order=30,
                icon="reservations",
            )
        )
