from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class FacturesConfig(AppConfig):
    name = "factures"
    verbose_name = _("Facturation")

    def ready(self) -> None:
        from espace_famille.audit_kinds import audit_kinds
        from factures.audit_kinds import BillingEvent

        audit_kinds.register(BillingEvent)
        from espace_famille.registry import MenuEntry, menu
        from factures import demo  # noqa: F401  (registers the demo steps)
        from factures.rules import overdue_balance_rule
        from factures.selectors import invoices_to_pay_count
        from reservations.registry import booking_rules

        menu.register(
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
        booking_rules.register(overdue_balance_rule)
