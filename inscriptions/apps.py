from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class InscriptionsConfig(AppConfig):
    name = "inscriptions"
    verbose_name = _("Inscriptions")

    def ready(self) -> None:
        from espace_famille.anonymisation import register_anonymisation_step
        from inscriptions.anonymisation import enrolment_texts_erase

        register_anonymisation_step("inscriptions", 40, enrolment_texts_erase)
        from inscriptions import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import register_kinds
        from inscriptions.audit_kinds import EnrolmentEvent

        register_kinds(EnrolmentEvent)
        from documents.registry import register_requirement_source
        from espace_famille.registry import MenuEntry, register_menu
        from inscriptions import demo  # noqa: F401  (registers the demo steps)
        from inscriptions.selectors import activity_document_requirements, pending_requests_count

        register_menu(
            MenuEntry(
                key="inscriptions",
                title=_("Mes inscriptions"),
                description=_("Les inscriptions de chacun et vos demandes d'inscription."),
                url_name="inscriptions:index",
                order=20,
                icon="inscriptions",
                badge=pending_requests_count,
                badge_label=ngettext_lazy(
                    "%(n)s demande d'inscription en attente",
                    "%(n)s demandes d'inscription en attente",
                    "n",
                ),
            )
        )
        register_requirement_source(activity_document_requirements)
