"""Each activity's absence policy, the parents' declarations and the booked days they cover.

Imported by `reservations.models`, so Django registers them in the app "reservations".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from inscriptions.models import Activity


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("Maladie")
    HOSPITAL = "hospital", _("Hospitalisation")
    FAMILY_EVENT = "family_event", _("Événement familial grave (décès…)")
    OTHER = "other", _("Autre motif")


def default_reasons() -> list[str]:
    return [AbsenceReason.ILLNESS.value]


class AbsencePolicy(models.Model):
    """What an activity accepts as a justified absence (an activity without one: `DEFAULT`)."""

    activity = models.OneToOneField(
        "inscriptions.Activity",
        verbose_name=_("activité"),
        related_name="absence_policy",
        on_delete=models.CASCADE,
    )
    reasons = models.JSONField(
        _("motifs acceptés"),
        default=default_reasons,
        help_text=_("Les motifs qu'une famille peut déclarer pour cette activité."),
    )
    certificate_required = models.BooleanField(
        _("justificatif obligatoire"),
        default=True,
        help_text=_("Un certificat (PDF ou photos) doit accompagner la déclaration."),
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("jours de carence"),
        default=0,
        help_text=_(
            "Les premiers jours d'absence d'une même déclaration qui restent facturés "
            "(0 : tous les jours sont remboursés)."
        ),
    )

    class Meta:
        verbose_name = _("règle d'absence")
        verbose_name_plural = _("règles d'absence")

    def __str__(self) -> str:
        return str(_("Absences justifiées de %(activity)s") % {"activity": self.activity})

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(AbsenceReason.choices)
        return [str(labels[code]) for code in self.reasons if code in labels]

    @classmethod
    def for_activity(cls, activity: Activity) -> AbsencePolicy:
        """The activity's policy (1 query); without one, illness with a certificate and no
        waiting days."""
        return cls.objects.filter(activity_id=activity.pk).first() or cls(activity=activity)


class AbsenceDeclaration(models.Model):
    """A parent's declaration of absence over one or several booked days of one activity."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cours d'examen")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        related_name="absence_declarations",
        on_delete=models.CASCADE,
    )
    # The household that declared it: the one that booked the days (a child in shared custody
    # has two); its emails and audit go there, and the other household never sees it.
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="absence_declarations",
        on_delete=models.CASCADE,
    )
    activity = models.ForeignKey(
        "inscriptions.Activity",
        verbose_name=_("activité"),
        related_name="absence_declarations",
        on_delete=models.PROTECT,
    )
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    reason = models.CharField(_("motif"), max_length=20, choices=AbsenceReason.choices)
    comment = models.TextField(_("précisions de la famille"), blank=True, max_length=2000)
    certificate = models.FileField(
        _("justificatif"), upload_to="reservations/absences/", blank=True
    )
    certificate_type = models.CharField(_("type du justificatif"), max_length=40, blank=True)
    certificate_name = models.CharField(_("nom du justificatif"), max_length=200, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    declared_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déclarée par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examinée par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)

    class Meta:
        verbose_name = _("absence justifiée")
        verbose_name_plural = _("absences justifiées")
        ordering = ["-declared_at", "-pk"]
        indexes = [models.Index(fields=["status", "declared_at"])]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.member} — {self.first_day:%d/%m/%Y}"
        return f"{self.member} — {self.first_day:%d/%m/%Y} - {self.last_day:%d/%m/%Y}"


class AbsenceDay(models.Model):
    """A booked day a declaration covers; `credited` once accepted and past the waiting days."""

    declaration = models.ForeignKey(
        AbsenceDeclaration,
        verbose_name=_("déclaration"),
        related_name="days",
        on_delete=models.CASCADE,
    )
    # One declaration a booking, ever: a second (or a concurrent one) is refused by the database.
    booking = models.OneToOneField(
        "reservations.Booking",
        verbose_name=_("réservation"),
        related_name="absence",
        on_delete=models.PROTECT,
    )
    credited = models.BooleanField(_("non facturé (remboursé)"), default=False)

    class Meta:
        verbose_name = _("jour d'absence")
        verbose_name_plural = _("jours d'absence")
        ordering = ["declaration", "booking__opening__date", "pk"]

    def __str__(self) -> str:
        return f"{self.declaration} : {self.booking_id}"
