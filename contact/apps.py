from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = _("Contact")

    def ready(self) -> None:
        from espace_famille.registry import MenuEntry, register_menu

        register_menu(
            MenuEntry(
                key="contact",
                title=_("Contact"),
                description=_("Écrire à la structure et suivre ses réponses."),
                url_name="contact:index",
                order=80,
                icon="contact",
            )
        )
