"""Openings (a unit on a date, with a capacity), bookings, waiting lists and closures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def household_index(name: str) -> models.Index:
    """The household that made a booking, waiting-list entry or campaign request (`family`),
    indexed only where it is set: shared custody's rows, a few. Left empty (the child's main
    household), the key is found through the member instead (`selectors.by_household`): with
    the empty rows in the index too, SQLite read the 525,000 bookings of the benchmark town to
    find one household's (150 ms for the dashboard, 1.4 ms now; docs/benchmarks.md, issue 18).
    """
    return models.Index(fields=["family"], condition=Q(family__isnull=False), name=name)


class Closure(models.Model):
    """A period the structure is closed: school holidays, a training day… (staff-editable)."""

    name = models.CharField(_("nom"), max_length=120)
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au (inclus)"))
    activities = models.ManyToManyField(
        "inscriptions.Activity",
        verbose_name=_("activités concernées"),
        blank=True,
        help_text=_("Laisser vide pour fermer toutes les activités."),
    )

    class Meta:
        verbose_name = _("fermeture (vacances, fériés…)")
        verbose_name_plural = _("calendrier des fermetures")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%d/%m/%Y} - {self.end_date:%d/%m/%Y})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin doit suivre le début.")})


class Opening(models.Model):
    """An activity's unit open on a date, with its number of places."""

    unit = models.ForeignKey(
        "inscriptions.Unit",
        verbose_name=_("unité"),
        related_name="openings",
        on_delete=models.CASCADE,
    )
    date = models.DateField(_("date"))
    capacity = models.PositiveIntegerField(_("places"))
    is_closed = models.BooleanField(_("fermé"), default=False)
    closed_reason = models.CharField(_("motif de fermeture"), max_length=120, blank=True)
    # Active (booked or pending) bookings, kept by the services under the opening's row lock:
    # the planning reads it instead of counting thousands of bookings per opening.
    booked_count = models.PositiveIntegerField(_("places prises"), default=0, editable=False)

    # Set on the openings of a planning by `selectors.planning_openings` (not stored).
    booked: int
    offers: int
    my_rank: int
    my_booking: str | None
    my_wait: str | None
    booked_by: int | None  # the household that made `my_booking` (shared custody)
    waited_by: int | None  # the household of `my_wait` (shared custody)

    class Meta:
        verbose_name = _("ouverture")
        verbose_name_plural = _("ouvertures")
        ordering = ["date", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="reservations_opening_unique")
        ]
        indexes = [models.Index(fields=["date", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.date:%d/%m/%Y}"


class Booking(models.Model):
    """A member's place on an opening."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Réservé")
        PENDING = "pending", _("En attente de confirmation")
        CANCELLED = "cancelled", _("Annulé")

    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        related_name="bookings",
        on_delete=models.CASCADE,
    )
    opening = models.ForeignKey(
        Opening, verbose_name=_("ouverture"), related_name="bookings", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réservé par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("réservé le"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    late_cancellation = models.BooleanField(_("annulation hors délai (facturée)"), default=False)
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("foyer qui a réservé"),
        null=True,
        db_index=False,  # household_index
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        help_text=_(
            "Garde alternée : le foyer qui a réservé (et paie) ce jour. "
            "Vide : le foyer principal de l'enfant."
        ),
    )

    ACTIVE = (Status.BOOKED, Status.PENDING)

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["opening__date", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "opening"],
                condition=~Q(status="cancelled"),
                name="reservations_one_live_booking",
                violation_error_message=_("Déjà réservé."),
            )
        ]
        indexes = [
            models.Index(fields=["opening", "status"]),
            models.Index(fields=["member", "status"]),
            household_index("booking_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.opening}"


class WaitingListEntry(models.Model):
    """A member waiting for a place on a full opening."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("En attente")
        OFFERED = "offered", _("Place proposée")
        BOOKED = "booked", _("Réservé")
        LEFT = "left", _("Sorti de la liste")

    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("membre"),
        related_name="waiting_list_entries",
        on_delete=models.CASCADE,
    )
    opening = models.ForeignKey(
        Opening, verbose_name=_("ouverture"), related_name="waiting_list", on_delete=models.CASCADE
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    offered_at = models.DateTimeField(_("place proposée le"), null=True, blank=True)
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("foyer inscrit"),
        null=True,
        db_index=False,  # household_index
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        help_text=_(
            "Garde alternée : le foyer qui attend cette place. "
            "Vide : le foyer principal de l'enfant."
        ),
    )

    LIVE = (Status.WAITING, Status.OFFERED)

    class Meta:
        verbose_name = _("inscription en liste d'attente")
        verbose_name_plural = _("listes d'attente")
        ordering = ["opening", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "opening"],
                condition=Q(status__in=["waiting", "offered"]),
                name="reservations_one_live_waiting_entry",
                violation_error_message=_("Déjà sur la liste d'attente."),
            )
        ]
        indexes = [household_index("waitinglist_household_idx")]

    def __str__(self) -> str:
        return f"{self.member} — {self.opening}"


# Registration campaigns live in their own package; imported here so Django registers them.
# Justified absences, likewise (reservations/absences).
from reservations.absences.models import (  # noqa: E402
    AbsenceDay,
    AbsenceDeclaration,
    AbsencePolicy,
)
from reservations.campaigns.models import Campaign, CampaignRequest, CampaignRule  # noqa: E402

__all__ = [
    "AbsenceDay",
    "AbsenceDeclaration",
    "AbsencePolicy",
    "Booking",
    "Campaign",
    "CampaignRequest",
    "CampaignRule",
    "Closure",
    "Opening",
    "WaitingListEntry",
]


class CalendarFeed(models.Model):
    """The household's private calendar feed (iCal) of its bookings.

    The URL carries the row's id and `secret` (random, compared in constant time); renewing
    the secret revokes the former URL. A feed shows only first names, activities and times.
    """

    family = models.OneToOneField(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="calendar_feed",
        on_delete=models.CASCADE,
    )
    secret = models.CharField(_("secret"), max_length=64)
    renewed_at = models.DateTimeField(_("créé ou renouvelé le"))

    class Meta:
        verbose_name = _("agenda des réservations")
        verbose_name_plural = _("agendas des réservations")

    def __str__(self) -> str:
        return str(_("Agenda du foyer n° %(pk)s") % {"pk": self.family_id})
