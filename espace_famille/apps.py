from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EspaceFamilleConfig(AppConfig):
    name = "espace_famille"
    verbose_name = _("Espace Famille")

    def ready(self) -> None:
        from espace_famille import demo, signals  # noqa: F401  (connects receivers, demo step)
