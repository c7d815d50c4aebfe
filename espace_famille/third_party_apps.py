"""Third-party apps under French names in the admin (kept out of apps.py, whose only
AppConfig must stay the core's own)."""

from allauth.mfa.apps import MFAConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class SecondFactorConfig(MFAConfig):
    """allauth.mfa under a French name in the admin."""

    verbose_name = _("Double authentification")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue under a French name in the admin."""

    verbose_name = _("Tâches en arrière-plan")
