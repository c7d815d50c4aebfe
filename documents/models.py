"""Requested documents (types and the families' submissions) and the structure's documentation."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _random_name(folder: str, filename: str) -> str:
    # The original name is kept as a label only; the stored name reveals nothing and is unguessable.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if extension not in EXTENSIONS.values():
        extension = "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def submission_upload_to(instance: models.Model, filename: str) -> str:
    return _random_name("documents/submissions", filename)


def structure_document_upload_to(instance: models.Model, filename: str) -> str:
    return _random_name("documents/structure", filename)


class DocumentType(models.Model):
    """A document the structure asks for (vaccination record, insurance certificate…)."""

    class Scope(models.TextChoices):
        FAMILY = "family", _("Le foyer (un seul document par famille)")
        MEMBER = "member", _("Chaque membre du foyer")
        CHILD = "child", _("Chaque enfant")
        ACTIVITY = "activity", _("Les membres inscrits à une activité qui le demande")

    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(
        _("explication"), blank=True, help_text=_("Affichée aux familles sous le nom du document.")
    )
    scope = models.CharField(
        _("demandé à"), max_length=10, choices=Scope.choices, default=Scope.CHILD
    )
    mandatory = models.BooleanField(_("obligatoire"), default=True)
    pending_counts = models.BooleanField(
        _("valable dès l'envoi"),
        default=True,
        help_text=_(
            "Coché : un document en attente de validation compte comme fourni (inscriptions et "
            "réservations possibles aussitôt). Décoché : seulement une fois accepté par la "
            "structure."
        ),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validité (mois)"),
        null=True,
        blank=True,
        help_text=_("Durée de validité d'un document accepté, par exemple 12 mois."),
    )
    valid_until_day = models.PositiveSmallIntegerField(
        _("valable jusqu'au (jour)"),
        null=True,
        blank=True,
        help_text=_("Avec le mois : date de fin fixe chaque année, par exemple le 31 août."),
    )
    valid_until_month = models.PositiveSmallIntegerField(
        _("valable jusqu'au (mois)"), null=True, blank=True
    )
    is_active = models.BooleanField(
        _("demandé"), default=True, help_text=_("Décocher pour ne plus demander ce document.")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type de document demandé")
        verbose_name_plural = _("types de documents demandés")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until_day__isnull=True, valid_until_month__isnull=True)
                | Q(
                    valid_until_day__gte=1,
                    valid_until_day__lte=31,
                    valid_until_month__gte=1,
                    valid_until_month__lte=12,
                ),
                name="documents_type_fixed_end_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.valid_until_day is None) != (self.valid_until_month is None):
            raise ValidationError(_("Indiquez le jour et le mois de fin, ou aucun des deux."))
        if self.valid_until_day is not None and self.valid_until_month is not None:
            try:
                datetime.date(2024, self.valid_until_month, self.valid_until_day)
            except ValueError:
                raise ValidationError(_("Cette date de fin n'existe pas.")) from None
        if self.validity_months and self.valid_until_day is not None:
            raise ValidationError(
                _("Choisissez une durée de validité ou une date de fin fixe, pas les deux.")
            )

    @property
    def awaiting_review_note(self) -> str:
        """For the lists of missing documents (`selectors.missing_documents` sets the flag)."""
        if getattr(self, "awaiting_review", False):
            return str(_("envoyé, il débloque la demande une fois accepté par la structure"))
        return ""

    @property
    def is_family_level(self) -> bool:
        return self.scope == self.Scope.FAMILY

    def valid_until_from(self, accepted_on: datetime.date) -> datetime.date | None:
        """The last day a document accepted on `accepted_on` stays valid (None: no end)."""
        if self.validity_months:
            month_index = accepted_on.month - 1 + self.validity_months
            year, month = accepted_on.year + month_index // 12, month_index % 12 + 1
            day = min(accepted_on.day, _days_in_month(year, month))
            return datetime.date(year, month, day) - datetime.timedelta(days=1)
        if self.valid_until_day and self.valid_until_month:
            year = accepted_on.year
            while True:
                day = min(self.valid_until_day, _days_in_month(year, self.valid_until_month))
                end = datetime.date(year, self.valid_until_month, day)
                if end >= accepted_on:
                    return end
                year += 1
        return None


def _days_in_month(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def still_valid_rule(today: datetime.date) -> Q:
    """An accepted document that has not expired on `today` (part of every rule below)."""
    return Q(status=Submission.Status.ACCEPTED) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def provided_rule(today: datetime.date) -> Q:
    """THE rule of "document provided" (what unlocks enrolment and booking): accepted and still
    valid `today`, or waiting for review when its type says a document waiting for review
    counts (`DocumentType.pending_counts`).

    Written once, here: the selectors filter with it (`Submission.objects.provided()`) or read
    it as a column computed by the database (`Submission.objects.with_rule_flags()`); nothing
    restates it in SQL or Python.
    """
    return still_valid_rule(today) | Q(
        status=Submission.Status.PENDING, document_type__pending_counts=True
    )


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def provided(self, today: datetime.date) -> SubmissionQuerySet:
        """Submissions that count as provided (`provided_rule`)."""
        return self.filter(provided_rule(today))

    def sent(self, today: datetime.date) -> SubmissionQuerySet:
        """Submissions that leave the family nothing to do: waiting for review, or accepted and
        still valid (the "documents à fournir" counts, whatever the type's option)."""
        return self.filter(Q(status=Submission.Status.PENDING) | still_valid_rule(today))

    def with_rule_flags(self, today: datetime.date) -> SubmissionQuerySet:
        """Each submission with `counts_as_provided` (`provided_rule`) and `still_valid`
        (accepted and not expired), computed by the database from the same rules."""
        return self.annotate(  # type: ignore[no-redef]  # the flags Submission declares
            counts_as_provided=ExpressionWrapper(
                provided_rule(today), output_field=models.BooleanField()
            ),
            still_valid=ExpressionWrapper(
                still_valid_rule(today), output_field=models.BooleanField()
            ),
        )


class Submission(models.Model):
    """One file a family sent for a requested document; the latest one gives the state."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        ACCEPTED = "accepted", _("Accepté")
        REFUSED = "refused", _("Refusé")
        REPLACED = "replaced", _("Remplacé par un envoi plus récent")

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="document_submissions",
        on_delete=models.CASCADE,
    )
    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        null=True,
        blank=True,
        related_name="document_submissions",
        on_delete=models.CASCADE,
        help_text=_("Vide pour un document demandé au foyer."),
    )
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("document demandé"),
        related_name="submissions",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("fichier"), upload_to=submission_upload_to, max_length=200)
    original_name = models.CharField(_("nom d'origine du fichier"), max_length=200, blank=True)
    content_type = models.CharField(_("type de fichier"), max_length=50)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_at = models.DateTimeField(_("transmis le"), default=timezone.now, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transmis par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiné par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    # Set by `SubmissionQuerySet.with_rule_flags` (not stored).
    counts_as_provided: bool
    still_valid: bool

    class Meta:
        verbose_name = _("document transmis")
        verbose_name_plural = _("documents transmis")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["family", "document_type", "member"]),
            models.Index(fields=["status", "uploaded_at"]),
        ]

    def __str__(self) -> str:
        owner = self.member or self.family
        return f"{self.document_type} — {owner}"

    @property
    def label(self) -> str:
        return self.original_name or str(self.document_type)


class StructureCategory(models.Model):
    """A heading of the structure's documentation (Règlement, Menus, Tarifs, Formulaires…)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie de documentation")
        verbose_name_plural = _("catégories de documentation")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class StructureDocumentQuerySet(models.QuerySet["StructureDocument"]):
    def published(self) -> StructureDocumentQuerySet:
        return self.filter(is_published=True)


class StructureDocument(models.Model):
    """A file the structure publishes to every family (rules, menus, tariffs, forms)."""

    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        StructureCategory,
        verbose_name=_("catégorie"),
        null=True,
        blank=True,
        related_name="documents",
        on_delete=models.SET_NULL,
    )
    published_on = models.DateField(_("date"), default=timezone.localdate)
    is_published = models.BooleanField(_("publié"), default=True)
    file = models.FileField(_("fichier"), upload_to=structure_document_upload_to, max_length=200)
    original_name = models.CharField(_("nom d'origine du fichier"), max_length=200, blank=True)
    content_type = models.CharField(_("type de fichier"), max_length=50, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    return_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("à retourner comme"),
        null=True,
        blank=True,
        related_name="structure_documents",
        on_delete=models.SET_NULL,
        help_text=_(
            "Pour un formulaire à remplir et à renvoyer : le document demandé "
            "sous lequel la famille le dépose."
        ),
    )

    objects = StructureDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document de la structure")
        verbose_name_plural = _("documentation de la structure")
        ordering = ["category__order", "category__name", "-published_on", "title"]

    def __str__(self) -> str:
        return self.title
