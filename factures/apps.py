from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class FacturesConfig(AppConfig):
    name = "factures"
    verbose_name = _("Facturation")

    def ready(self) -> None:
        from espace_famille.anonymisation import Step, anonymisation_steps, kept_audit_kinds
        from factures.anonymisation import accounting_kept
        from factures.audit_kinds import BillingEvent as _Billing

        anonymisation_steps.register(Step("facturation", 60, accounting_kept))
        for kind in _Billing.values:
            kept_audit_kinds.register(kind)
        from factures import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import audit_kinds
        from factures.audit_kinds import BillingEvent, DirectDebitEvent

        audit_kinds.register(BillingEvent)
        audit_kinds.register(DirectDebitEvent)
        from espace_famille.registry import MenuEntry, menu
        from factures import (
            demo,  # noqa: F401  (registers the demo steps)
            todo,
        )
        from factures.rules import overdue_balance_rule
        from factures.sepa import checks  # noqa: F401  (registers the system check)
        from reservations.registry import booking_rules

        menu.register(
            MenuEntry(
                key="factures",
                title=_("Mes factures"),
                description=_("Vos factures à payer et soldées, le paiement en ligne."),
                url_name="factures:index",
                order=40,
                icon="factures",
                badge=todo.badge,  # shares its query with the "À faire" line
                badge_label=ngettext_lazy("%(n)s facture à payer", "%(n)s factures à payer", "n"),
            )
        )
        booking_rules.register(overdue_balance_rule)
        # A justified absence accepted after its days were invoiced: a credit note.
        from factures.services.absences import absence_credit_notes_issue
        from reservations.registry import absence_credited

        absence_credited.register(absence_credit_notes_issue)
        from espace_famille.registry import (
            FamilyTodo,
            ReminderKind,
            family_todos,
            reminder_kinds,
        )

        family_todos.register(FamilyTodo("factures", 10, todo.todo_lines))
        reminder_kinds.register(
            ReminderKind(
                "facture-echeance",
                10,
                _("Une facture arrive à échéance"),
                todo.invoices_due_soon,
            )
        )
        reminder_kinds.register(
            ReminderKind(
                "facture-retard", 20, _("Une facture est en retard"), todo.invoices_overdue
            )
        )
