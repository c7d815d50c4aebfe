from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from documents.anonymisation import documents_erase
        from espace_famille.anonymisation import Step, anonymisation_steps

        anonymisation_steps.register(Step("documents", 20, documents_erase))
        from documents.services import departed_documents_purge
        from espace_famille.registry import RetentionStep, retention_steps

        retention_steps.register(RetentionStep("documents", departed_documents_purge))
        from documents import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from documents.audit_kinds import DocumentEvent
        from espace_famille.audit_kinds import audit_kinds

        audit_kinds.register(DocumentEvent)
        from documents import (
            demo,  # noqa: F401  (registers the demo steps)
            todo,
        )
        from espace_famille.registry import MenuEntry, menu

        menu.register(
            MenuEntry(
                key="documents",
                title=_("Mes documents"),
                description=_("Les pièces que la structure vous demande."),
                url_name="documents:index",
                order=50,
                icon="documents",
                badge=todo.badge,  # shares its query with the "À faire" line
                badge_label=ngettext_lazy(
                    "%(n)s document à fournir", "%(n)s documents à fournir", "n"
                ),
            )
        )

        menu.register(
            MenuEntry(
                key="documentation",
                title=_("Documentation"),
                description=_("Les documents publiés par la structure."),
                url_name="documentation:index",
                order=70,
                icon="documentation",
            )
        )
        from espace_famille.registry import (
            FamilyTodo,
            ReminderKind,
            family_todos,
            reminder_kinds,
        )

        family_todos.register(FamilyTodo("documents", 20, todo.todo_lines))
        reminder_kinds.register(
            ReminderKind(
                "document-expire-bientot",
                30,
                _("Un document expire dans les 30 jours"),
                todo.documents_expiring,
            )
        )
        reminder_kinds.register(
            ReminderKind("document-expire", 40, _("Un document a expiré"), todo.documents_expired)
        )
