from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoriqueConfig(AppConfig):
    name = "historique"
    verbose_name = _("Historique")

    def ready(self) -> None:
        from espace_famille.registry import MenuEntry, menu

        menu.register(
            MenuEntry(
                key="historique",
                title=_("Historique"),
                description=_("Vos connexions et vos paiements en ligne."),
                url_name="historique:index",
                order=60,
                icon="historique",
            )
        )
