"""Mandates, collections and debits of the SEPA direct debit (imported by factures.models)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from espace_famille.admin_formats import euros
from factures.sepa.banking import mask_iban


class SepaMandate(models.Model):
    """A household's authorisation to debit its account (CORE, recurring)."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Signé en ligne")
        PAPER = "paper", _("Mandat papier")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        SUSPENDED = "suspended", _("Suspendu (rejets)")
        REVOKED = "revoked", _("Révoqué")

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="sepa_mandates",
        on_delete=models.PROTECT,
    )
    reference = models.CharField(
        _("référence unique du mandat (RUM)"), max_length=35, unique=True, editable=False
    )
    holder = models.CharField(_("titulaire du compte"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    signed_on = models.DateField(_("signé le"))
    consent_text = models.TextField(_("texte accepté"), editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signé par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    signed_ip = models.GenericIPAddressField(_("adresse IP de signature"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    pdf = models.FileField(_("PDF"), upload_to="factures/mandats/", blank=True, editable=False)
    pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    ended_at = models.DateTimeField(_("révoqué ou suspendu le"), null=True, blank=True)
    ended_reason = models.CharField(_("motif de fin"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("mandat de prélèvement")
        verbose_name_plural = _("mandats de prélèvement")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One mandate in force per household: the one its invoices are debited on.
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(status="active"),
                name="factures_sepa_one_active_mandate",
            )
        ]

    def __str__(self) -> str:
        return self.reference  # never the IBAN: this is what the audit log keeps

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.iban)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class SepaCollection(models.Model):
    """One month's collection: the pain.008 file given to the bank, and its debits."""

    collection_date = models.DateField(_("date de prélèvement"))
    message_id = models.CharField(_("identifiant du message"), max_length=35, blank=True)
    file = models.FileField(_("fichier pain.008"), upload_to="factures/sepa/", blank=True)
    file_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    total = models.DecimalField(_("montant total"), max_digits=12, decimal_places=2)
    count = models.PositiveIntegerField(_("nombre de prélèvements"))
    created_at = models.DateTimeField(_("produit le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("produit par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    debited_at = models.DateTimeField(_("encaissement noté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("remise de prélèvements")
        verbose_name_plural = _("remises de prélèvements")
        ordering = ["-collection_date", "-pk"]

    def __str__(self) -> str:
        return str(
            _("Prélèvement du %(date)s") % {"date": self.collection_date.strftime("%d/%m/%Y")}
        )


class SepaDebit(models.Model):
    """One transaction of a collection: one invoice's balance on the household's mandate."""

    class Sequence(models.TextChoices):
        FIRST = "FRST", _("Premier")
        RECURRING = "RCUR", _("Récurrent")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévu")
        DEBITED = "debited", _("Prélevé")
        REJECTED = "rejected", _("Rejeté")

    collection = models.ForeignKey(
        SepaCollection, verbose_name=_("remise"), related_name="debits", on_delete=models.PROTECT
    )
    mandate = models.ForeignKey(
        SepaMandate, verbose_name=_("mandat"), related_name="debits", on_delete=models.PROTECT
    )
    invoice = models.ForeignKey(
        "factures.Invoice",
        verbose_name=_("facture"),
        related_name="sepa_debits",
        on_delete=models.PROTECT,
    )
    payment = models.OneToOneField(
        "factures.Payment",
        verbose_name=_("paiement"),
        related_name="sepa_debit",
        on_delete=models.PROTECT,
    )
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35, unique=True)
    sequence = models.CharField(_("séquence"), max_length=4, choices=Sequence.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    reject_code = models.CharField(_("code de rejet"), max_length=4, blank=True)
    rejected_on = models.DateField(_("rejeté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("prélèvement")
        verbose_name_plural = _("prélèvements")
        ordering = ["collection", "pk"]
        constraints = [
            # An invoice is never debited twice: a second debit only after a reject.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=~Q(status="rejected"),
                name="factures_sepa_invoice_debited_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} — {euros(self.amount or Decimal(0))}"
