from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InscriptionsConfig(AppConfig):
    name = "inscriptions"
    verbose_name = _("Inscriptions")

    def ready(self) -> None:
        from espace_famille.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry(
                key="inscriptions",
                title=_("Mes inscriptions"),
                description=_("Les inscriptions de chacun et vos demandes d'inscription."),
                url_name="inscriptions:index",
                order=20,
                icon="inscriptions",
            )
        )
