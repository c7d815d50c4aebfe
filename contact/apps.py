from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = _("Contact")

    def ready(self) -> None:
        from contact.anonymisation import conversations_erase
        from espace_famille.anonymisation import Step, anonymisation_steps

        anonymisation_steps.register(Step("conversations", 30, conversations_erase))
        from contact import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from contact.audit_kinds import ContactEvent
        from espace_famille.audit_kinds import audit_kinds

        audit_kinds.register(ContactEvent)
        from contact import (
            demo,  # noqa: F401  (registers the demo steps)
            todo,
        )
        from contact.services import old_threads_purge
        from espace_famille.registry import MenuEntry, RetentionStep, menu, retention_steps

        retention_steps.register(RetentionStep("conversations", old_threads_purge))

        menu.register(
            MenuEntry(
                key="contact",
                title=_("Contact"),
                description=_("Écrire à la structure et suivre ses réponses."),
                url_name="contact:index",
                order=80,
                icon="contact",
                badge=todo.badge,  # shares its query with the "À faire" line
                badge_label=ngettext_lazy("%(n)s réponse non lue", "%(n)s réponses non lues", "n"),
            )
        )
        from espace_famille.registry import FamilyTodo, family_todos

        family_todos.register(FamilyTodo("contact", 50, todo.todo_lines))
