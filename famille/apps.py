from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class FamilleConfig(AppConfig):
    name = "famille"
    verbose_name = _("Familles")

    def ready(self) -> None:
        from espace_famille.anonymisation import Step, anonymisation_steps
        from espace_famille.registry import RetentionStep, retention_steps
        from famille.anonymisation import household_erase
        from famille.services import departed_households_anonymise, inactive_households_close

        anonymisation_steps.register(Step("famille", 70, household_erase))
        retention_steps.register(RetentionStep("comptes-inactifs", inactive_households_close))
        retention_steps.register(RetentionStep("foyers-partis", departed_households_anonymise))
        from famille import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import audit_kinds
        from famille.audit_kinds import FamilyEvent

        audit_kinds.register(FamilyEvent)
        from espace_famille.registry import MenuEntry, menu
        from famille import (
            demo,  # noqa: F401  (registers the demo steps)
            todo,
        )

        menu.register(
            MenuEntry(
                key="famille",
                title=_("Ma famille"),
                description=_("Les personnes de votre foyer et leurs informations."),
                url_name="famille:index",
                order=10,
                icon="famille",
                badge=todo.badge,  # shares its query with the "À faire" line
                badge_label=ngettext_lazy(
                    "%(n)s demande refusée à consulter", "%(n)s demandes refusées à consulter", "n"
                ),
            )
        )
        from espace_famille.registry import FamilyTodo, family_todos

        family_todos.register(FamilyTodo("famille", 30, todo.todo_lines))
