"""Third-party apps under French names in the admin (kept out of apps.py, whose only
AppConfig must stay the core's own).

The model names are set on `_meta` when the app is ready, not through `Meta` options: the
libraries' migrations stay untouched (Django's migration state reads the original options).
Their admin pages are re-registered with French columns in `espace_famille/admin.py`.
"""

from allauth.mfa.apps import MFAConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class SecondFactorConfig(MFAConfig):
    """allauth.mfa under a French name in the admin."""

    verbose_name = _("Double authentification")

    def ready(self) -> None:
        super().ready()
        opts = self.get_model("Authenticator")._meta
        opts.verbose_name = _("authentificateur")
        opts.verbose_name_plural = _("authentificateurs (double authentification)")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue under a French name in the admin."""

    verbose_name = _("Tâches en arrière-plan")  # type: ignore[assignment]  # lazy, as Django allows

    def ready(self) -> None:
        super().ready()
        opts = self.get_model("DBTaskResult")._meta
        opts.verbose_name = _("tâche (e-mail envoyé en arrière-plan)")
        opts.verbose_name_plural = _("tâches (e-mails envoyés en arrière-plan)")
