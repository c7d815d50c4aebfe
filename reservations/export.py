"""Mes données: the bookings, waiting-list entries and campaign requests the household made
(shared custody: not those of the child's other household), its declared absences, and
whether it has a calendar feed (never the link's secret, a credential)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from espace_famille.export import Section, table
from espace_famille.registry import ExportSource, export_sources
from famille.models import Family as FamilyModel
from reservations.models import (
    AbsenceDeclaration,
    Booking,
    CalendarFeed,
    CampaignRequest,
    WaitingListEntry,
)
from reservations.selectors import by_household

if TYPE_CHECKING:
    from famille.models import Family


def sections(family: Family) -> list[Section]:
    columns = {
        _("Prénom"): "member__first_name",
        _("Date"): "opening__date",
        _("Unité"): "opening__unit__name",
        _("Activité"): "opening__unit__activity__name",
        _("Statut"): "status",
        _("Le"): "created_at",
    }
    return [
        table(
            "reservations",
            _("Réservations"),
            Booking.objects.filter(by_household(family)).order_by("opening__date", "pk"),
            columns,
        ),
        table(
            "attente",
            _("Listes d'attente"),
            WaitingListEntry.objects.filter(by_household(family)).order_by("pk"),
            columns,
        ),
        table(
            "campagnes",
            _("Demandes de campagne d'inscription"),
            CampaignRequest.objects.filter(by_household(family)).order_by("pk"),
            {
                _("Prénom"): "member__first_name",
                _("Campagne"): "campaign__name",
                _("Date"): "opening__date",
                _("Unité"): "opening__unit__name",
                _("Résultat"): "outcome",
                _("Explication"): "explanation",
                _("Le"): "created_at",
            },
        ),
        table(
            "absences",
            _("Absences déclarées"),
            AbsenceDeclaration.objects.filter(family=family).order_by("pk"),
            {
                _("Prénom"): "member__first_name",
                _("Activité"): "activity__name",
                _("Du"): "first_day",
                _("Au"): "last_day",
                _("Motif"): "reason",
                _("Précisions"): "comment",
                _("Statut"): "status",
                _("Motif du refus"): "refusal_reason",
                _("Le"): "declared_at",
            },
        ),
        table(
            "agenda",
            _("Agenda des réservations"),
            FamilyModel.objects.filter(pk=family.pk).annotate(
                has_calendar_feed=Exists(CalendarFeed.objects.filter(family_id=OuterRef("pk")))
            ),
            {
                _("Lien d'agenda créé"): "has_calendar_feed",
                _("Créé ou renouvelé le"): "calendar_feed__renewed_at",
            },
        ),
    ]


export_sources.register(ExportSource("reservations", 40, sections))
