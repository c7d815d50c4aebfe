"""Mes données: the bookings and waiting-list entries of the household's members."""

from django.utils.translation import gettext as _

from espace_famille.export import table
from espace_famille.registry import ExportSource, export_sources
from reservations.models import Booking, WaitingListEntry


def sections(family):
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
            Booking.objects.filter(member__family=family).order_by("opening__date", "pk"),
            columns,
        ),
        table(
            "attente",
            _("Listes d'attente"),
            WaitingListEntry.objects.filter(member__family=family).order_by("pk"),
            columns,
        ),
    ]


export_sources.register(ExportSource("reservations", 40, sections))
