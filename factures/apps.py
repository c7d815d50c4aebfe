from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacturesConfig(AppConfig):
    name = "factures"
    verbose_name = _("Facturation")

    def ready(self) -> None:
        from espace_famille.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry(
                key="factures",
                title=_("Mes factures"),
                description=_("Vos factures à payer et soldées, le paiement en ligne."),
                url_name="factures:index",
                order=40,
                icon="factures",
            )
        )
