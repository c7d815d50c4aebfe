"""Mes données: the enrolments of the household's members."""

from django.utils.translation import gettext as _

from espace_famille.export import table
from espace_famille.registry import ExportSource, export_sources
from inscriptions.models import Enrolment


def sections(family):
    return [
        table(
            "inscriptions",
            _("Inscriptions"),
            Enrolment.objects.filter(member__family=family).order_by("pk"),
            {
                _("Prénom"): "member__first_name",
                _("Activité"): "activity__name",
                _("Statut"): "status",
                _("Du"): "start_date",
                _("Au"): "end_date",
                _("Commentaire"): "comment",
                _("Motif"): "reason",
            },
        )
    ]


export_sources.register(ExportSource("inscriptions", 30, sections))
