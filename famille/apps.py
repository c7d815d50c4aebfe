from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilleConfig(AppConfig):
    name = "famille"
    verbose_name = _("Familles")

    def ready(self) -> None:
        from espace_famille.registry import MenuEntry, register_menu
        from famille import demo  # noqa: F401  (registers the demo steps)
        from famille.selectors import unseen_decisions_count

        register_menu(
            MenuEntry(
                key="famille",
                title=_("Ma famille"),
                description=_("Les personnes de votre foyer et leurs informations."),
                url_name="famille:index",
                order=10,
                icon="famille",
                badge=unseen_decisions_count,
                badge_label=_("demandes refusées à consulter"),
            )
        )
