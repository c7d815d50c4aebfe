from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class FacturesConfig(AppConfig):
    name = "factures"
    verbose_name = _("Facturation")

    def ready(self) -> None:
        from espace_famille.anonymisation import keep_audit_kinds, register_anonymisation_step
        from factures.anonymisation import accounting_kept
        from factures.audit_kinds import BillingEvent as _Billing

        register_anonymisation_step("facturation", 60, accounting_kept)
        keep_audit_kinds(_Billing.values)
        from factures import staff_home

        staff_home.register()  # its lines and panels on the admin's home page
        from espace_famille.audit_kinds import register_kinds
        from factures.audit_kinds import BillingEvent, DirectDebitEvent

        register_kinds(BillingEvent)
        register_kinds(DirectDebitEvent)
        from espace_famille.registry import MenuEntry, register_menu
        from factures import demo  # noqa: F401  (registers the demo steps)
        from factures.rules import overdue_balance_rule
        from factures.selectors import invoices_to_pay_count
        from factures.sepa import checks  # noqa: F401  (registers the system check)
        from reservations.rules import register_booking_rule

        register_menu(
            MenuEntry(
                key="factures",
                title=_("Mes factures"),
                description=_("Vos factures à payer et soldées, le paiement en ligne."),
                url_name="factures:index",
                order=40,
                icon="factures",
                badge=invoices_to_pay_count,
                badge_label=ngettext_lazy("%(n)s facture à payer", "%(n)s factures à payer", "n"),
            )
        )
        register_booking_rule(overdue_balance_rule)
