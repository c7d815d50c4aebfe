"""Billing: tariffs, invoices and credit notes, their lines, payments and provider events."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from espace_famille.admin_formats import euros

ZERO = Decimal("0.00")


class BillingSettings(models.Model):
    """The structure's billing settings (a single row, edited by staff in the admin)."""

    payment_due_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    overdue_threshold = models.DecimalField(
        _("seuil d'impayés bloquant les réservations"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_(
            "Laisser vide pour ne jamais bloquer. Au-delà de ce montant échu et non réglé, "
            "les nouvelles réservations de la famille sont refusées."
        ),
    )
    payment_instructions = models.TextField(
        _("modes de paiement"),
        blank=True,
        default=_(
            "En ligne sur l'Espace famille, par chèque à l'ordre de la structure, en espèces, "
            "par CESU ou par virement (coordonnées bancaires ci-dessous)."
        ),
        help_text=_("Imprimés sur chaque facture, rubrique « Comment payer »."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("rappel avant l'échéance (jours)"),
        default=5,
        help_text=_(
            "Un e-mail rappelle une facture à régler ce nombre de jours avant son échéance "
            "(0 : jamais). Les rappels se coupent aussi un par un dans la structure."
        ),
    )

    class Meta:
        verbose_name = _("réglages de facturation")
        verbose_name_plural = _("réglages de facturation")

    def __str__(self) -> str:
        return str(_("Réglages de facturation"))

    @classmethod
    def current(cls) -> BillingSettings:
        return cls.objects.order_by("pk").first() or cls()


class Tariff(models.Model):
    """The price of one unit of an activity, for a period and optionally a QF bracket."""

    unit = models.ForeignKey(
        "inscriptions.Unit",
        verbose_name=_("unité"),
        related_name="tariffs",
        on_delete=models.PROTECT,
    )
    price = models.DecimalField(
        _("prix unitaire (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    qf_min = models.PositiveIntegerField(
        _("quotient familial minimum"),
        null=True,
        blank=True,
        help_text=_("Laisser vide : pas de minimum."),
    )
    qf_max = models.PositiveIntegerField(
        _("quotient familial maximum"),
        null=True,
        blank=True,
        help_text=_(
            "Laisser vide : pas de maximum. Une famille sans quotient familial connu paie le "
            "tarif sans maximum."
        ),
    )

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["unit", "valid_from", "qf_min"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="factures_tariff_period",
            ),
            models.CheckConstraint(
                condition=Q(qf_min__isnull=True)
                | Q(qf_max__isnull=True)
                | Q(qf_max__gte=F("qf_min")),
                name="factures_tariff_bracket",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {euros(self.price)}"

    def applies(self, day: datetime.date, qf: int | None) -> bool:
        if day < self.valid_from or (self.valid_until and day > self.valid_until):
            return False
        if qf is None:
            return self.qf_max is None
        return (self.qf_min is None or qf >= self.qf_min) and (
            self.qf_max is None or qf <= self.qf_max
        )


class InvoiceCounter(models.Model):
    """The last number used in a year; locked with select_for_update to allocate the next."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def to_pay(self) -> InvoiceQuerySet:
        return self.filter(kind=Invoice.Kind.INVOICE, total__gt=F("amount_settled"))

    def settled(self) -> InvoiceQuerySet:
        return self.exclude(kind=Invoice.Kind.INVOICE, total__gt=F("amount_settled"))


class Invoice(models.Model):
    """An invoice or a credit note, issued once and never changed or deleted."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Facture")
        CREDIT_NOTE = "credit_note", _("Avoir")

    # Fields that may change after issue: what has been settled, and the stored PDF.
    MUTABLE_FIELDS = frozenset(
        {"amount_settled", "settled_at", "pdf", "pdf_sha256", "pdf_rendered_at"}
    )

    number = models.CharField(_("numéro"), max_length=20, unique=True, editable=False)
    kind = models.CharField(
        _("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE, editable=False
    )
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="invoices",
        on_delete=models.PROTECT,
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("facture corrigée"),
        null=True,
        blank=True,
        related_name="credit_notes",
        on_delete=models.PROTECT,
    )
    # The household as it was when the invoice was issued.
    household_name = models.CharField(_("foyer"), max_length=200)
    household_address = models.TextField(_("adresse du foyer"), blank=True)
    period_start = models.DateField(_("début de période"))
    period_end = models.DateField(_("fin de période"))
    issued_on = models.DateField(_("émise le"))
    due_date = models.DateField(_("échéance"))
    total = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    amount_settled = models.DecimalField(
        _("montant réglé"), max_digits=10, decimal_places=2, default=ZERO
    )
    settled_at = models.DateTimeField(_("soldée le"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="factures/", blank=True, editable=False)
    pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    # When the stored PDF was rendered: older than settled_at, it still asks to be paid.
    pdf_rendered_at = models.DateTimeField(_("PDF produit le"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émise par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_on", "-number"]
        indexes = [
            models.Index(fields=["family", "issued_on"]),
            # The staff list in its own order, read from the index instead of sorting every
            # invoice of the town (23 -> 0.2 ms for the first page of 24,000 invoices, SQLite).
            models.Index(fields=["-issued_on", "-number"], name="factures_invoice_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="factures_invoice_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise PermissionError("An issued invoice is never changed: issue a credit note.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> NoReturn:
        raise PermissionError("Invoices are never deleted: issue a credit note.")

    @property
    def balance(self) -> Decimal:
        if self.kind == self.Kind.CREDIT_NOTE:
            return ZERO
        return max(self.total - self.amount_settled, ZERO)

    @property
    def is_settled(self) -> bool:
        return self.balance == ZERO

    @property
    def pdf_is_stale(self) -> bool:
        """A stored PDF rendered before the invoice was settled (it still says "to pay")."""
        if not self.pdf or self.settled_at is None:
            return False
        return self.pdf_rendered_at is None or self.pdf_rendered_at < self.settled_at


class InvoiceLine(models.Model):
    """One line: a member's units of one activity at one unit price, or a manual amount."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), related_name="lines", on_delete=models.PROTECT
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        null=True,
        blank=True,
        related_name="invoice_lines",
        on_delete=models.SET_NULL,
    )
    member_name = models.CharField(_("bénéficiaire"), max_length=200, blank=True)
    label = models.CharField(_("libellé"), max_length=250)
    quantity = models.DecimalField(_("quantité"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("prix unitaire"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    childcare = models.BooleanField(
        _("frais de garde (crédit d'impôt)"),
        default=False,
        help_text=_("Repris de l'activité et de l'unité à la facturation ; jamais modifié."),
    )

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Invoice lines are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> NoReturn:
        raise PermissionError("Invoice lines are never deleted.")


class BilledBooking(models.Model):
    """A booking billed on an invoice line; the unique booking makes a re-run bill nothing twice."""

    booking = models.OneToOneField(
        "reservations.Booking",
        verbose_name=_("réservation"),
        related_name="billed",
        on_delete=models.PROTECT,
    )
    line = models.ForeignKey(
        InvoiceLine,
        verbose_name=_("ligne de facture"),
        related_name="billed_bookings",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("réservation facturée")
        verbose_name_plural = _("réservations facturées")

    def __str__(self) -> str:
        return f"{self.booking_id} → {self.line_id}"


class ManualCharge(models.Model):
    """A charge added by staff, billed on the family's next invoice of the billing run."""

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="manual_charges",
        on_delete=models.PROTECT,
    )
    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("libellé"), max_length=250)
    quantity = models.DecimalField(_("quantité"), max_digits=8, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("prix unitaire"), max_digits=8, decimal_places=2)
    line = models.OneToOneField(
        InvoiceLine,
        verbose_name=_("ligne de facture"),
        null=True,
        blank=True,
        related_name="manual_charge",
        on_delete=models.PROTECT,
        editable=False,
    )

    class Meta:
        verbose_name = _("ligne manuelle")
        verbose_name_plural = _("lignes manuelles")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return self.label


class Payment(models.Model):
    """One attempt to pay (online) or one payment recorded by staff (offline)."""

    class Method(models.TextChoices):
        ONLINE = "online", _("Paiement en ligne")
        CHEQUE = "cheque", _("Chèque")
        CASH = "cash", _("Espèces")
        CESU = "cesu", _("CESU")
        TRANSFER = "transfer", _("Virement")
        DIRECT_DEBIT = "sepa_debit", _("Prélèvement")

    class Status(models.TextChoices):
        """The moves between them: factures/payment_states.py."""

        PENDING = "pending", _("En cours")
        SUCCEEDED = "succeeded", _("Réussi")
        FAILED = "failed", _("Échoué")
        CANCELLED = "cancelled", _("Annulé")
        TO_REFUND = "to_refund", _("À rembourser")
        REFUNDED = "refunded", _("Remboursé")
        REJECTED = "rejected", _("Rejeté par la banque")

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="payments",
        on_delete=models.PROTECT,
    )
    invoices: models.ManyToManyField[Invoice, PaymentAllocation] = models.ManyToManyField(
        Invoice,
        verbose_name=_("factures"),
        through="PaymentAllocation",
        related_name="payments",
    )
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices)
    provider = models.CharField(_("prestataire"), max_length=20, blank=True)
    reference = models.CharField(_("référence"), max_length=40, unique=True)
    provider_reference = models.CharField(
        _("référence chez le prestataire"), max_length=255, blank=True, db_index=True
    )
    amount = models.DecimalField(
        _("montant"), max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("commencé le"), db_index=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    note = models.TextField(_("remarque"), blank=True)
    refunded_at = models.DateTimeField(_("remboursement noté le"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remboursement noté par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "method", "created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} — {euros(self.amount)}"

    @property
    def amount_cents(self) -> int:
        return int((self.amount * 100).to_integral_value())

    @property
    def method_label(self) -> str:
        """How the family paid, in words for "Acquittée le … par …": "carte bancaire en ligne",
        "chèque", "espèces", "virement"…; a method added later shows its own label."""
        return self.label_for(self.method, self.provider)

    @classmethod
    def label_for(cls, method: str, provider: str) -> str:
        """`method_label` of a payment read as values (a method and a provider)."""
        if method == cls.Method.ONLINE:
            if provider == "payfip":
                return str(_("paiement en ligne PayFiP"))
            return str(_("carte bancaire en ligne"))
        label = str(dict(cls.Method.choices).get(method, method))
        return label if label.isupper() else label[:1].lower() + label[1:]

    def delete(self, *args: object, **kwargs: object) -> NoReturn:
        raise PermissionError("Payments are never deleted.")


class PaymentAllocation(models.Model):
    """The part of a payment that settles one invoice (its whole balance when paid online)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("paiement"), related_name="allocations", on_delete=models.PROTECT
    )
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), related_name="allocations", on_delete=models.PROTECT
    )
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    applied = models.BooleanField(_("imputé"), default=False)

    class Meta:
        verbose_name = _("imputation")
        verbose_name_plural = _("imputations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="factures_allocation_once")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"


class ProviderEvent(models.Model):
    """A notification received from a payment provider, stored once by its event id."""

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Traité")
        IGNORED = "ignored", _("Ignoré")
        REJECTED = "rejected", _("Refusé")

    provider = models.CharField(_("prestataire"), max_length=20)
    event_id = models.CharField(_("identifiant"), max_length=255)
    event_type = models.CharField(_("type"), max_length=100)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("paiement"),
        null=True,
        blank=True,
        related_name="events",
        on_delete=models.PROTECT,
    )
    status = models.CharField(_("traitement"), max_length=10, choices=Status.choices)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    payload = models.JSONField(_("contenu"), default=dict)

    class Meta:
        verbose_name = _("notification du prestataire")
        verbose_name_plural = _("notifications des prestataires")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="factures_provider_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class OnlinePaymentMethod(models.Model):
    """The options of an eopayment gateway (PayFiP, SystemPay/PayZen), edited by staff.

    Used when PAYMENT_PROVIDER names its backend and the row is enabled; otherwise the
    environment variables (PAYFIP_*, SYSTEMPAY_*) apply. The keys are never shown back.
    """

    class Backend(models.TextChoices):
        PAYFIP = "payfip", _("PayFiP (DGFiP)")
        SYSTEMPAY = "systempay", _("SystemPay / PayZen (Lyra)")

    class Mode(models.TextChoices):
        TEST = "test", _("Test")
        ACTIVATION = "activation", _("Activation (PayFiP)")
        PRODUCTION = "production", _("Production")

    class SignatureAlgo(models.TextChoices):
        HMAC_SHA256 = "hmac_sha256", _("HMAC-SHA-256 (recommandé)")
        SHA1 = "sha1", _("SHA-1 (ancien)")

    backend = models.CharField(_("service"), max_length=20, choices=Backend.choices, unique=True)
    label = models.CharField(_("libellé"), max_length=100)
    enabled = models.BooleanField(_("activé"), default=False)
    merchant_id = models.CharField(
        _("identifiant du commerçant"),
        max_length=20,
        help_text=_(
            "PayFiP : numéro client à 6 chiffres fourni par la DGFiP. "
            "SystemPay : identifiant de la boutique à 8 chiffres."
        ),
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.TEST)
    key_test = models.CharField(_("clé de test"), max_length=255, blank=True)
    key_production = models.CharField(_("clé de production"), max_length=255, blank=True)
    signature_algo = models.CharField(
        _("algorithme de signature (SystemPay)"),
        max_length=12,
        choices=SignatureAlgo.choices,
        default=SignatureAlgo.HMAC_SHA256,
    )
    service_url = models.URLField(
        _("adresse du service"),
        blank=True,
        help_text=_(
            "Laisser vide pour l'adresse officielle (web service PayFiP, formulaire SystemPay)."
        ),
    )
    payment_page_url = models.URLField(
        _("page de paiement (PayFiP)"),
        blank=True,
        help_text=_("Laisser vide pour la page officielle de PayFiP."),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("moyen de paiement en ligne")
        verbose_name_plural = _("moyens de paiement en ligne")
        ordering = ["backend"]

    def __str__(self) -> str:
        return self.label


# SEPA direct debit: mandates, collections and debits (factures/sepa/models.py).
from factures.sepa.models import SepaCollection, SepaDebit, SepaMandate  # noqa: E402

__all__ = ["SepaCollection", "SepaDebit", "SepaMandate"]
