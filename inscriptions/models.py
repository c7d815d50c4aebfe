"""Activities the structure runs, their units, and the members' enrolments."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (1, _("lundi")),
    (2, _("mardi")),
    (3, _("mercredi")),
    (4, _("jeudi")),
    (5, _("vendredi")),
    (6, _("samedi")),
    (7, _("dimanche")),
]


class NoticeKind(models.TextChoices):
    NONE = "none", _("Jusqu'au début de l'activité")
    DAYS = "days", _("N jours avant, à l'heure indiquée")
    WEEKDAY = "weekday", _("Un jour et une heure de la semaine précédente")
    MONTH_DAY = "month_day", _("Un jour du mois précédent, à l'heure indiquée")


class Activity(models.Model):
    """An activity families enrol their members in (périscolaire, cantine, mercredis…)."""

    class Service(models.TextChoices):
        PERISCOLAIRE = "periscolaire", _("Accueil périscolaire")
        LOISIRS = "loisirs", _("Accueil de loisirs")
        RESTAURATION = "restauration", _("Restauration scolaire")
        CRECHE = "creche", _("Crèche")
        OTHER = "autre", _("Autre")

    class WaitingList(models.TextChoices):
        OFFER = "offer", _("Proposer la place au premier de la liste")
        AUTO = "auto", _("Réserver automatiquement pour le premier de la liste")

    name = models.CharField(_("nom"), max_length=150)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("début de la période"))
    end_date = models.DateField(_("fin de la période"))
    enrolment_opens_on = models.DateField(
        _("demandes d'inscription à partir du"), null=True, blank=True
    )
    enrolment_closes_on = models.DateField(
        _("demandes d'inscription jusqu'au"), null=True, blank=True
    )
    min_age = models.PositiveSmallIntegerField(
        _("âge minimum"), null=True, blank=True, help_text=_("En années, au début de la période.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("âge maximum"), null=True, blank=True, help_text=_("En années, au début de la période.")
    )
    school_classes = models.CharField(
        _("classes"),
        max_length=200,
        blank=True,
        help_text=_("Classes admises séparées par des virgules (ex. CP, CE1) ; vide : toutes."),
    )
    required_documents = models.ManyToManyField(
        "documents.DocumentType",
        verbose_name=_("documents exigés"),
        blank=True,
        related_name="activities",
        help_text=_("Documents à fournir pour s'inscrire et réserver."),
    )
    capacity = models.PositiveIntegerField(
        _("nombre d'inscrits maximum"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    portal_enrolment = models.BooleanField(
        _("demande d'inscription depuis le portail"), default=True
    )
    portal_booking = models.BooleanField(
        _("réservations depuis le portail"),
        default=True,
        help_text=_("Les familles réservent et annulent elles-mêmes dans le planning."),
    )
    booking_needs_confirmation = models.BooleanField(
        _("réservations à confirmer par la structure"), default=False
    )
    waiting_list = models.CharField(
        _("liste d'attente"),
        max_length=10,
        choices=WaitingList.choices,
        default=WaitingList.OFFER,
        help_text=_("Ce qui se passe quand une place se libère."),
    )
    # Notice period (délai de prévenance) for booking, then for cancelling.
    booking_notice = models.CharField(
        _("délai pour réserver"), max_length=10, choices=NoticeKind.choices, default="days"
    )
    booking_notice_days = models.PositiveSmallIntegerField(
        _("nombre de jours (réservation)"), default=2
    )
    booking_notice_working_days = models.BooleanField(
        _("jours ouvrés seulement (réservation)"), default=False
    )
    booking_notice_weekday = models.PositiveSmallIntegerField(
        _("jour de la semaine précédente (réservation)"), choices=WEEKDAYS, default=4
    )
    booking_notice_month_day = models.PositiveSmallIntegerField(
        _("jour du mois précédent (réservation)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    booking_notice_time = models.TimeField(
        _("heure limite (réservation)"), default=datetime.time(12, 0)
    )
    cancel_notice = models.CharField(
        _("délai pour annuler"), max_length=10, choices=NoticeKind.choices, default="days"
    )
    cancel_notice_days = models.PositiveSmallIntegerField(
        _("nombre de jours (annulation)"), default=2
    )
    cancel_notice_working_days = models.BooleanField(
        _("jours ouvrés seulement (annulation)"), default=False
    )
    cancel_notice_weekday = models.PositiveSmallIntegerField(
        _("jour de la semaine précédente (annulation)"), choices=WEEKDAYS, default=4
    )
    cancel_notice_month_day = models.PositiveSmallIntegerField(
        _("jour du mois précédent (annulation)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    cancel_notice_time = models.TimeField(
        _("heure limite (annulation)"), default=datetime.time(12, 0)
    )
    childcare_tax_credit = models.BooleanField(
        _("frais de garde (crédit d'impôt)"),
        default=False,
        help_text=_(
            "Cocher pour une garde d'enfants (crèche, garderie, accueil périscolaire ou de "
            "loisirs) : ce qui est payé pour un enfant de moins de 6 ans figure sur "
            "l'attestation fiscale annuelle. Les repas en sont exclus (case de l'unité)."
        ),
    )

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin doit suivre le début.")})
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise ValidationError({"max_age": _("L'âge maximum doit dépasser l'âge minimum.")})

    @property
    def class_list(self) -> list[str]:
        return [c.strip().upper() for c in self.school_classes.split(",") if c.strip()]

    def enrolment_open(self, today: datetime.date) -> bool:
        """Whether families may request an enrolment today."""
        if not self.portal_enrolment or self.end_date < today:
            return False
        if self.enrolment_opens_on and today < self.enrolment_opens_on:
            return False
        return not (self.enrolment_closes_on and today > self.enrolment_closes_on)


weekdays_validator = RegexValidator(
    r"^[1-7]*$", _("Chiffres de 1 (lundi) à 7 (dimanche), sans séparateur.")
)


class Unit(models.Model):
    """A part of an activity that is booked on a date: Matin, Repas, Après-midi, Journée…"""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activité"), related_name="units", on_delete=models.CASCADE
    )
    name = models.CharField(_("nom"), max_length=80)
    start_time = models.TimeField(_("début"), null=True, blank=True)
    end_time = models.TimeField(_("fin"), null=True, blank=True)
    weekdays = models.CharField(
        _("jours d'ouverture"),
        max_length=7,
        default="1245",
        validators=[weekdays_validator],
        help_text=_("Semaine type : 1 = lundi … 7 = dimanche (ex. 1245)."),
    )
    capacity = models.PositiveIntegerField(_("places par jour"), default=20)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    tax_credit_excluded = models.BooleanField(
        _("hors frais de garde (repas…)"),
        default=False,
        help_text=_(
            "Cocher pour un repas, un goûter ou tout autre frais non déductible : il ne figure "
            "jamais sur l'attestation fiscale, même si l'activité est une garde d'enfants."
        ),
    )

    class Meta:
        verbose_name = _("unité")
        verbose_name_plural = _("unités")
        ordering = ["activity", "order", "start_time", "pk"]

    def __str__(self) -> str:
        return f"{self.activity.name} — {self.name}"

    @property
    def weekday_numbers(self) -> set[int]:
        return {int(d) for d in self.weekdays}

    @property
    def hours(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.start_time:%H:%M}-{self.end_time:%H:%M}"
        return ""


class Enrolment(models.Model):
    """A member's enrolment in an activity, from the request to the staff's decision."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandée")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        CANCELLED = "cancelled", _("Annulée")

    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        related_name="enrolments",
        on_delete=models.CASCADE,
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activité"), related_name="enrolments", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    group = models.CharField(_("groupe"), max_length=80, blank=True)
    comment = models.TextField(_("commentaire de la famille"), blank=True)
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    reason = models.TextField(
        _("motif"), blank=True, help_text=_("Envoyé à la famille avec un refus.")
    )

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["-start_date", "activity__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "activity"],
                condition=Q(status__in=["requested", "accepted"]),
                name="inscriptions_one_live_enrolment",
                violation_error_message=_("Ce membre a déjà une inscription à cette activité."),
            )
        ]
        # Portal pages reach enrolments from the household's members: an index that starts from
        # the member keeps their plans away from the town's other enrolments (a status-only
        # index made SQLite start from every accepted enrolment: /reservations/ 7.4 -> 17.4 ms
        # between 2,000 and 10,000 households). Staff counts go through (activity, status).
        indexes = [
            models.Index(fields=["member", "status"]),
            models.Index(fields=["activity", "status"]),
            # The staff list, newest request first (inscriptions/admin.py).
            models.Index(fields=["-requested_at", "-id"], name="inscriptions_enrol_newest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.activity}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin doit suivre le début.")})

    def covers(self, day: datetime.date) -> bool:
        return self.status == self.Status.ACCEPTED and self.start_date <= day <= self.end_date
