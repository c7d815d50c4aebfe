"""The audit log's event kinds of Mes factures: invoices and payments.

Registered with the core in `apps.py` (`espace_famille.audit_kinds.register_kinds`): adding a kind
here needs no migration of the core.
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
    CHILDCARE_LINES_UPDATED = "childcare_lines_updated", _("Frais de garde des lignes recalculés")
