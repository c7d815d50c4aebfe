from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EspaceFamilleConfig(AppConfig):
    name = "espace_famille"
    verbose_name = _("Espace Famille")

    def ready(self) -> None:
        from espace_famille import demo, signals  # noqa: F401  (connects receivers, demo step)
        from espace_famille import staff_home as home
        from espace_famille.database import create_cache_tables

        home.register()  # the failed emails' line on the admin's home page

        # `migrate` creates the database cache's table: no `createcachetable` step to forget.
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="cache_tables")
