"""Campaigns, their ordered priority rules and the parents' requests (with their results).

Imported by `reservations.models`, so Django registers them in the app "reservations".
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservations.campaigns.priorities import rule_choices
from reservations.models import household_index

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def new_seed() -> int:
    """The draw's seed, chosen at random when the campaign is created and recorded with it."""
    return secrets.randbelow(2**31)


class Campaign(models.Model):
    """Holiday days asked for during a window, then allocated by priorities and a draw."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Demandes pas encore ouvertes")
        OPEN = "open", _("Demandes ouvertes")
        CLOSED = "closed", _("Demandes closes, attribution à venir")
        ALLOCATED = "allocated", _("Résultats publiés")

    name = models.CharField(
        _("nom"), max_length=120, help_text=_("Par exemple « Vacances de février ».")
    )
    activities = models.ManyToManyField(
        "inscriptions.Activity",
        verbose_name=_("activités"),
        related_name="campaigns",
        help_text=_(
            "Les ouvertures de ces activités sur la période sont attribuées par la campagne."
        ),
    )
    start_date = models.DateField(_("premier jour"))
    end_date = models.DateField(_("dernier jour (inclus)"))
    requests_open_at = models.DateTimeField(_("ouverture des demandes"))
    requests_close_at = models.DateTimeField(_("clôture des demandes"))
    results_at = models.DateTimeField(
        _("publication des résultats"),
        help_text=_(
            "L'attribution est lancée automatiquement à cette date si personne ne l'a fait avant."
        ),
    )
    keep_whole_weeks = models.BooleanField(
        _("garder les semaines entières"),
        default=False,
        help_text=_(
            "Un enfant demandé sur tous les jours d'une semaine obtient toute la semaine "
            "ou aucun jour."
        ),
    )
    seed = models.PositiveIntegerField(
        _("graine du tirage"),
        default=new_seed,
        help_text=_("Tirée au hasard à la création : la même graine redonne le même tirage."),
    )
    # Who ran it is in the audit log (no user key here: a campaign is not a household's row).
    allocated_at = models.DateTimeField(_("attribuée le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    # Set on the campaigns of a planning by `selectors.planning_campaigns` (not stored).
    activity_ids: set[int]

    class Meta:
        verbose_name = _("campagne d'inscription")
        verbose_name_plural = _("campagnes d'inscription")
        ordering = ["-start_date", "pk"]
        permissions = [("allocate_campaign", _("Peut lancer l'attribution d'une campagne"))]
        indexes = [models.Index(fields=["allocated_at", "end_date", "start_date"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Le dernier jour doit suivre le premier.")
        if self.requests_open_at and self.requests_close_at:
            if self.requests_close_at <= self.requests_open_at:
                errors["requests_close_at"] = _("La clôture doit suivre l'ouverture des demandes.")
            elif self.results_at and self.results_at < self.requests_close_at:
                errors["results_at"] = _("Les résultats viennent après la clôture des demandes.")
        if errors:
            raise ValidationError(errors)

    def phase(self, now: datetime.datetime | None = None) -> str:
        now = now or timezone.now()
        if self.allocated_at is not None:
            return self.Phase.ALLOCATED
        if now < self.requests_open_at:
            return self.Phase.UPCOMING
        if now < self.requests_close_at:
            return self.Phase.OPEN
        return self.Phase.CLOSED


class CampaignRule(models.Model):
    """One priority rule of a campaign, at its place in the order staff chose."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campagne"), related_name="rules", on_delete=models.CASCADE
    )
    rule = models.CharField(_("règle"), max_length=40, choices=rule_choices)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1, help_text=_("1 d'abord."))

    class Meta:
        verbose_name = _("règle de priorité")
        verbose_name_plural = _("règles de priorité (dans l'ordre)")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "rule"],
                name="reservations_campaign_rule_once",
                violation_error_message=_("Cette règle est déjà dans la campagne."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_rule_display()}"


class CampaignRequest(models.Model):
    """A day a parent asked for during the window; after the allocation, what it got and why."""

    class Outcome(models.TextChoices):
        REQUESTED = "requested", _("Demandé")
        GRANTED = "granted", _("Place attribuée")
        WAITING = "waiting", _("Liste d'attente")
        REFUSED = "refused", _("Non attribué")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campagne"), related_name="requests", on_delete=models.CASCADE
    )
    member = models.ForeignKey(
        "famille.Member",
        verbose_name=_("enfant"),
        related_name="campaign_requests",
        on_delete=models.CASCADE,
    )
    opening = models.ForeignKey(
        "reservations.Opening",
        verbose_name=_("ouverture"),
        related_name="campaign_requests",
        on_delete=models.CASCADE,
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("foyer demandeur"),
        null=True,
        db_index=False,  # household_index
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        help_text=_("Garde alternée : le foyer qui demande ce jour. Vide : le foyer principal."),
    )
    outcome = models.CharField(
        _("résultat"), max_length=10, choices=Outcome.choices, default=Outcome.REQUESTED
    )
    priority = models.CharField(_("priorités remplies"), max_length=250, blank=True)
    draw = models.PositiveIntegerField(_("n° de tirage du foyer"), null=True, blank=True)
    waiting_rank = models.PositiveIntegerField(_("rang en liste d'attente"), null=True, blank=True)
    explanation = models.TextField(_("explication"), blank=True)

    class Meta:
        verbose_name = _("demande de campagne")
        verbose_name_plural = _("demandes et résultats de campagne")
        ordering = ["campaign", "member", "opening__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "opening"],
                name="reservations_campaign_request_once",
                violation_error_message=_("Ce jour est déjà demandé."),
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "outcome"]),
            household_index("campaignreq_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.opening}"
