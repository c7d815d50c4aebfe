"""The audit log's event kinds of Mes factures: invoices and payments.

Registered with the core in `apps.py` (`audit_kinds.register` of `espace_famille.audit_kinds`):
adding a kind here needs no migration of the core.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BillingEvent(models.TextChoices):
    INVOICE_ISSUED = "invoice_issued", _("Facture émise")
    PAYMENT_STARTED = "payment_started", _("Paiement commencé")
    PAYMENT_SUCCEEDED = "payment_succeeded", _("Paiement réussi")
    PAYMENT_FAILED = "payment_failed", _("Paiement échoué")
    PAYMENT_CANCELLED = "payment_cancelled", _("Paiement annulé")
    PAYMENT_REFUNDED = "payment_refunded", _("Paiement remboursé")
    PAYMENT_METHOD_CHANGED = "payment_method_changed", _("Moyen de paiement en ligne modifié")
    CHILDCARE_LINES_UPDATED = "childcare_lines_updated", _("Frais de garde des lignes recalculés")


class DirectDebitEvent(models.TextChoices):
    """SEPA direct debit (factures/sepa): summaries name the mandate's RUM, never its IBAN."""

    MANDATE_SIGNED = "sepa_mandate_signed", _("Mandat de prélèvement signé")
    MANDATE_RECORDED = "sepa_mandate_recorded", _("Mandat de prélèvement papier enregistré")
    MANDATE_REVOKED = "sepa_mandate_revoked", _("Mandat de prélèvement révoqué")
    MANDATE_SUSPENDED = "sepa_mandate_suspended", _("Mandat de prélèvement suspendu")
    DEBIT_SCHEDULED = "sepa_debit_scheduled", _("Prélèvement prévu")
    DEBIT_DEBITED = "sepa_debit_debited", _("Prélèvement encaissé")
    DEBIT_REJECTED = "sepa_debit_rejected", _("Prélèvement rejeté")
