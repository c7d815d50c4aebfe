from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class InscriptionsConfig(AppConfig):
    name = "inscriptions"
    verbose_name = _("Inscriptions")

    def ready(self) -> None:
        from espace_famille.anonymisation import Step, anonymisation_steps
        from inscriptions.anonymisation import enrolment_texts_erase

        anonymisation_steps.register(Step("inscriptions", 40, enrolment_texts_erase))
        from inscriptions import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import audit_kinds
        from inscriptions.audit_kinds import EnrolmentEvent

        audit_kinds.register(EnrolmentEvent)
        from documents.registry import requirement_sources
        from espace_famille.registry import MenuEntry, menu
        from inscriptions import (
            demo,  # noqa: F401  (registers the demo steps)
            todo,
        )
        from inscriptions.selectors import activity_document_requirements

        menu.register(
            MenuEntry(
                key="inscriptions",
                title=_("Mes inscriptions"),
                description=_("Les inscriptions de chacun et vos demandes d'inscription."),
                url_name="inscriptions:index",
                order=20,
                icon="inscriptions",
                badge=todo.badge,  # shares its query with the "À faire" line
                badge_label=ngettext_lazy(
                    "%(n)s demande d'inscription en attente",
                    "%(n)s demandes d'inscription en attente",
                    "n",
                ),
            )
        )
        requirement_sources.register(activity_document_requirements)
        from espace_famille.registry import FamilyTodo, family_todos

        family_todos.register(FamilyTodo("inscriptions", 40, todo.todo_lines))
